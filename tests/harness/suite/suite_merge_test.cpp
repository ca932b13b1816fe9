// suite.json round trip, and merging two shards' results into the unsharded matrix.
#include <gtest/gtest.h>

#include "harness/suite/suite_json.hpp"
#include "harness/suite/suite_merge.hpp"
#include "harness/suite/suite_plan.hpp"
#include "harness/suite/suite_status.hpp"

namespace forkcheck::harness {
namespace {

SuiteResult planned(Shard shard) {
  SuiteResult r;
  r.name = "conf";
  r.repeat = 2;
  SuiteTarget peer;
  peer.name = "peer";
  peer.command = "peer {port}";
  peer.expected.push_back({"s1", Expectation::fail, {"service_available"}, "known"});
  r.targets = plan_targets({peer}, {});
  r.scenarios = {{"s0", "s0.yaml", "zero", 5}, {"s1", "s1.yaml", "one", 7}, {"s2", "s2.yaml", "two", 9}};
  r.shard = shard.to_string();
  r.cells = plan_cells(r.scenarios, r.targets, shard);
  for (Cell& c : r.cells) {
    for (int k = 0; k < 2; ++k) {
      CellRun run;
      run.seed = 5 + static_cast<std::uint64_t>(k);
      const bool fails = c.target == "peer" && c.scenario != "s0";
      run.exit_code = fails ? 1 : 0;
      if (fails) run.failed = {"service_available"};
      run.report_dir = "cells/" + c.scenario + "/" + c.target + "/run-" + std::to_string(k + 1);
      run.wall_s = 2.5;
      if (k == 0) run.recovery_median_ms = 3.25;
      c.runs.push_back(run);
    }
  }
  judge_cells(r);
  r.exit_code = suite_exit_code(r.cells);
  return r;
}

TEST(SuiteJson, RoundTripsEveryField) {
  SuiteResult r = planned(Shard{});
  r.targets[1].skipped_because = "not here";
  r.targets[1].requires_programs = {"peer"};
  r.started_utc = "2026-01-01T00:00:00Z";
  r.wall_s = 12.5;
  const std::string text = render_suite_json(r);
  std::string error;
  const auto back = parse_suite_json(text, &error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(render_suite_json(*back), text);
  EXPECT_EQ(back->cells[1].runs[0].recovery_median_ms, 3.25);
  EXPECT_FALSE(back->cells[1].runs[1].recovery_median_ms);
  EXPECT_EQ(back->scenarios[1].seed, 7u);
}

TEST(SuiteJson, RejectsOtherSchemasAndGarbage) {
  std::string error;
  EXPECT_FALSE(parse_suite_json("{\"schema_version\": 99}", &error));
  EXPECT_NE(error.find("schema_version 99"), std::string::npos);
  EXPECT_FALSE(parse_suite_json("not json", &error));
  EXPECT_NE(error.find("not a suite.json"), std::string::npos);
}

TEST(SuiteMerge, TwoShardsMergeIntoTheUnshardedMatrix) {
  const SuiteResult whole = planned(Shard{});
  std::string error;
  const auto merged = merge_results({planned(Shard{2, 2}), planned(Shard{1, 2})}, &error);
  ASSERT_TRUE(merged) << error;
  ASSERT_EQ(merged->cells.size(), whole.cells.size());
  for (std::size_t i = 0; i < whole.cells.size(); ++i) {
    EXPECT_EQ(merged->cells[i].scenario, whole.cells[i].scenario);
    EXPECT_EQ(merged->cells[i].target, whole.cells[i].target);
    EXPECT_EQ(merged->cells[i].status, whole.cells[i].status);
  }
  EXPECT_EQ(merged->exit_code, whole.exit_code);
  EXPECT_EQ(merged->exit_code, 1);  // s2 × peer fails unexpectedly
  EXPECT_TRUE(merged->shard.empty());
}

TEST(SuiteMerge, RefusesACellInTwoShardsAndDifferentSuites) {
  std::string error;
  EXPECT_FALSE(merge_results({planned(Shard{1, 2}), planned(Shard{1, 2})}, &error));
  EXPECT_NE(error.find("in two shards"), std::string::npos);
  SuiteResult other = planned(Shard{2, 2});
  other.repeat = 3;
  EXPECT_FALSE(merge_results({planned(Shard{1, 2}), other}, &error));
  EXPECT_NE(error.find("different suites"), std::string::npos);
  EXPECT_FALSE(merge_results({}, &error));
}

}  // namespace
}  // namespace forkcheck::harness
