#pragma once
// `forkcheck suite` and `forkcheck suite merge`: the edge where the suite file, the plan, the cell
// runs and the outputs (suite.json, the summary) meet. docs/design.md, "forkcheck suite".
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/model/target_overrides.hpp"

namespace forkcheck::harness {

struct SuiteOptions {
  std::string suite_path;                 // empty: conformance.yaml from the scenario library
  std::vector<std::string> targets;       // --target 'CMD' or 'NAME=CMD': replace the non-reference targets
  std::vector<std::string> scenarios;     // --scenario FILE|NAME|GLOB: replace the file's scenarios
  std::optional<int> repeat;
  std::optional<int> workers;
  std::optional<std::uint64_t> seed;      // replaces every scenario's seed
  std::string shard;                      // "I/N"
  std::optional<std::string> report_dir;
  int jobs = 1;
  bool quiet = false;
  TargetOverrides overrides;              // --path ... --stop-signal: over every target's own, not the reference's
};

// The suite's exit status (0, 1, 2, 3 or 130).
int run_suite(const SuiteOptions& options);

// Joins shard report directories (each with its suite.json) into one report under out.
int merge_suites(const std::vector<std::string>& dirs, const std::optional<std::string>& out, bool quiet);

}  // namespace forkcheck::harness
