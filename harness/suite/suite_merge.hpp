#pragma once
// Merging shards (pure): the cells of several shard SuiteResults as one suite, judged again.
#include <optional>
#include <string>
#include <vector>

#include "harness/suite/suite_model.hpp"

namespace forkcheck::harness {

// Empty with *error when the shards are of different suites or share a cell.
std::optional<SuiteResult> merge_results(const std::vector<SuiteResult>& shards, std::string* error);

}  // namespace forkcheck::harness
