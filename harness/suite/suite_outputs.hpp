#pragma once
// The files of a suite report directory: suite.json (the whole result, read back by merge), the
// summaries, index.html and junit.xml (layout: reports/README.md, "Suite reports").
#include <string>

#include "harness/suite/suite_model.hpp"

namespace forkcheck::harness {

// Writes suite.json, summary.txt, index.html, junit.xml and summary.md into dir, and appends
// summary.md to the CI job's summary ($GITHUB_STEP_SUMMARY, when set); false with *error when a
// file cannot be written.
bool write_suite_outputs(const SuiteResult& result, const std::string& dir, std::string* error);

}  // namespace forkcheck::harness
