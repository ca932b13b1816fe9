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
  int rerun_failed = 0;                   // --rerun-failed K: rerun a failed or undecided seed up to K times
  bool quiet = false;
  TargetOverrides overrides;              // --path ... --stop-signal: over every target's own, not the reference's
};

// The suite's exit status (0, 1, 2, 3 or 130).
int run_suite(const SuiteOptions& options);

struct MergeOptions {
  std::vector<std::string> dirs;          // shard report directories, each with its suite.json
  std::optional<std::string> report_dir;
  std::optional<int> shards;              // --shards N: the shard count the caller expects
  bool allow_partial = false;             // merge what is there, marked partial (exit 1 or 2, never 0)
  bool quiet = false;
};

// Joins shard report directories into one report; refuses (exit 2) a set of shards that is not
// complete unless allow_partial.
int merge_suites(const MergeOptions& options);

}  // namespace forkcheck::harness
