#pragma once
// What a suite names on disk: its scenarios (library names, files, globs) read into SuiteScenarios,
// and which targets' programs are missing from PATH on this machine.
#include <optional>
#include <string>
#include <vector>

#include "harness/suite/suite_file.hpp"

namespace forkcheck::harness {

// The suite's scenarios, each named by its `name` key (as its reports; the library's names are
// their file names), in the order of its patterns (a glob's matches sorted by name), without
// the excluded ones and without repeats. `only`, when not empty, replaces the file's patterns (the
// --scenario flags: a file path as given, a library name, or a glob over library names). Empty with
// *error when a pattern matches nothing or a scenario file is invalid.
std::optional<std::vector<SuiteScenario>> expand_scenarios(const SuiteFile& suite, const std::vector<std::string>& only,
                                                           std::string* error);

// Sets skipped_because on every target one of whose `requires` programs is not on PATH.
void mark_missing_programs(std::vector<SuiteTarget>& targets);

}  // namespace forkcheck::harness
