#pragma once
// The plan of a suite run (pure): the targets after the command line's overrides, the reference
// always among them, and the cells (scenario × target) of one shard.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/suite/suite_model.hpp"

namespace forkcheck::harness {

inline constexpr const char* kReferenceName = "refcluster";

struct Shard {
  int index = 1;  // 1-based
  int count = 1;
  std::string to_string() const { return count == 1 ? "" : std::to_string(index) + "/" + std::to_string(count); }
};

// "I/N" with 1 <= I <= N.
std::optional<Shard> parse_shard(std::string_view text);

// A --target flag: "NAME=CMD" (NAME of letters, digits, '.', '_', '-') or a bare "CMD", named
// target-<position> (1-based).
SuiteTarget target_from_flag(const std::string& flag, int position);

// The targets a suite runs: `from_flags`, when any, replace every non-reference target; then, when
// no target is the reference, refcluster (the scenario's own target, else refcluster) is added as
// the reference. The reference comes first.
std::vector<SuiteTarget> plan_targets(std::vector<SuiteTarget> from_file, const std::vector<SuiteTarget>& from_flags);

// Whole scenarios are dealt to shards (scenario i to shard i mod N + 1), so the reference's cell of
// a scenario is judged in the same shard as the scenario's other cells.
bool in_shard(std::size_t scenario_index, Shard shard);

// Every shard's scenarios (shard I holds those in_shard deals it), with `shard` as the plan's index:
// what suite.json records so that a merge can name the cells of a shard it did not get.
ShardPlan plan_shards(const std::vector<SuiteScenario>& scenarios, Shard shard);

// The cells shard `index` of the plan holds: its scenarios × the targets, scenario-major.
std::vector<CellName> shard_cells(const ShardPlan& plan, int index, const std::vector<SuiteTarget>& targets);

// The cells of the shard, scenario-major, targets in order, no runs yet; a target that is
// skipped here gets its cells too (status skipped).
std::vector<Cell> plan_cells(const std::vector<SuiteScenario>& scenarios, const std::vector<SuiteTarget>& targets,
                             Shard shard);

}  // namespace forkcheck::harness
