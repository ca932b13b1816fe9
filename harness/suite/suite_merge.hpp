#pragma once
// Merging shards (pure): the cells of several shard SuiteResults as one suite, judged again, and
// what the set lacks. A merge must not go green by accident: every shard of the plan must be there
// and have run every cell it holds, or the result says which shards and cells it lacks.
#include <optional>
#include <string>
#include <vector>

#include "harness/suite/suite_model.hpp"

namespace forkcheck::harness {

// Empty with *error when the shards are of different suites (name, repeat, shard plan), a shard or
// a cell is there twice, a shard is itself a merged result, or expected_shards (--shards N) is not
// the plan's count. Otherwise the merged result; when shards or cells are missing (a shard not
// given, one interrupted), missing_shards names them and their cells are `missing`.
std::optional<SuiteResult> merge_results(const std::vector<SuiteResult>& shards, std::optional<int> expected_shards,
                                         std::string* error);

// What a merge refuses over, one line per missing shard with the cells it should have held:
// "  shard 2/3 (not given to merge): kill_all × refcluster, kill_all × node".
std::string missing_cells_text(const SuiteResult& merged);

}  // namespace forkcheck::harness
