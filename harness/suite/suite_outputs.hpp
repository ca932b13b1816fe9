#pragma once
// The files of a suite report directory: suite.json (the whole result, read back by merge), and
// index.html, junit.xml, summary.md (suite_render.hpp).
#include <string>

#include "harness/suite/suite_model.hpp"

namespace forkcheck::harness {

// Writes suite.json, index.html, junit.xml and summary.md into dir (and appends the summary to
// $GITHUB_STEP_SUMMARY when set); false with *error when a file cannot be written.
bool write_suite_outputs(const SuiteResult& result, const std::string& dir, std::string* error);

}  // namespace forkcheck::harness
