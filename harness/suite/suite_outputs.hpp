#pragma once
// The files of a suite report directory: suite.json (the whole result, read back by merge) and the
// summaries.
#include <string>

#include "harness/suite/suite_model.hpp"

namespace forkcheck::harness {

// Writes suite.json and summary.txt into dir; false with *error when a file cannot be written.
bool write_suite_outputs(const SuiteResult& result, const std::string& dir, std::string* error);

}  // namespace forkcheck::harness
