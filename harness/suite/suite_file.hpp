#pragma once
// Suite files (YAML) into a SuiteFile: which targets, which scenarios, what each target is expected
// to fail. Pure and strict like scenario files: an unknown or duplicate key is an error, every error
// is "file:line: field: message" (format: scenarios/README.md, "Suite files").
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "harness/model/scenario.hpp"
#include "harness/suite/suite_model.hpp"

namespace forkcheck::harness {

struct SuiteFile {
  std::string name;                     // default: the file name without extension
  std::string description;
  std::string path;                     // the file as given
  std::optional<int> workers;           // N for every cell; absent: each scenario's own
  int repeat = 1;                       // runs per cell, seeds scenario seed + 0..repeat-1
  std::vector<SuiteTarget> targets;     // in file order; {suite_dir} already replaced
  std::vector<std::string> scenarios;   // library names, file paths (relative to the suite file) or globs
  std::vector<std::string> exclude;     // scenario names or globs left out
};

// {suite_dir} in every target command becomes the directory of file_name (absolute when file_name is).
std::variant<SuiteFile, ScenarioError> parse_suite_file(std::string_view yaml_text, std::string_view file_name);
std::variant<SuiteFile, ScenarioError> load_suite_file(const std::string& path);

// Every expectation must name a scenario the suite runs (`scenario_names`: its scenarios after
// expansion and exclude): a misspelt or excluded name would leave its target judged without the
// expectation it meant. The first one that does not, as file:line: targets[i].expected[j].scenario.
std::optional<ScenarioError> check_expectations(const SuiteFile& file, const std::vector<std::string>& scenario_names);

std::string_view to_string(Expectation e);

}  // namespace forkcheck::harness
