// suite.json round trip (and a suite.json of before the shard plan), and merging shards: into the
// unsharded matrix when complete, naming what is missing when not.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

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
  r.shard_plan = plan_shards(r.scenarios, shard);
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
  r.cells[1].runs[1].rerun = 1;
  const std::string text = render_suite_json(r);
  std::string error;
  const auto back = parse_suite_json(text, &error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(render_suite_json(*back), text);
  EXPECT_EQ(back->cells[1].runs[0].recovery_median_ms, 3.25);
  EXPECT_FALSE(back->cells[1].runs[1].recovery_median_ms);
  EXPECT_EQ(back->scenarios[1].seed, 7u);
  EXPECT_EQ(back->cells[1].runs[1].rerun, 1);
}

TEST(SuiteJson, RecordsTheShardPlanPartialMergesRerunsAndEachCellsTime) {
  SuiteResult r = planned(Shard{2, 3});
  r.rerun_failed = 2;
  r.merged_shards = {"1/3", "3/3"};
  r.missing_shards = {{"2/3", "not given to merge", {{"s1", "refcluster"}, {"s1", "peer"}}}};
  const std::string text = render_suite_json(r);
  EXPECT_NE(text.find("\"shard_plan\": {\n    \"count\": 3,\n    \"index\": 2,"), std::string::npos) << text;
  EXPECT_NE(text.find("\"partial\": true"), std::string::npos);
  EXPECT_NE(text.find("\"wall_s\": 5.0"), std::string::npos) << "a cell's time: its two runs of 2.5 s";
  std::string error;
  const auto back = parse_suite_json(text, &error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(render_suite_json(*back), text);
  EXPECT_EQ(back->shard_plan.scenarios, (std::vector<std::vector<std::string>>{{"s0"}, {"s1"}, {"s2"}}));
  ASSERT_EQ(back->missing_shards.size(), 1u);
  EXPECT_EQ(back->missing_shards[0].cells[1], (CellName{"s1", "peer"}));
  EXPECT_EQ(back->rerun_failed, 2);
}

TEST(SuiteJson, ASuiteJsonFromBeforeTheShardPlanIsReadWithThePlanItsShardImplies) {
  nlohmann::json j = nlohmann::json::parse(render_suite_json(planned(Shard{1, 2})));
  for (const char* added : {"shard_plan", "merged_shards", "partial", "missing_shards", "rerun_failed"}) j.erase(added);
  for (auto& c : j["cells"]) {
    c.erase("wall_s");
    for (auto& run : c["runs"]) run.erase("rerun");
  }
  std::string error;
  const auto back = parse_suite_json(j.dump(), &error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(back->shard_plan.index, 1);
  EXPECT_EQ(back->shard_plan.count, 2);
  EXPECT_EQ(back->shard_plan.scenarios, (std::vector<std::vector<std::string>>{{"s0", "s2"}, {"s1"}}));
  EXPECT_TRUE(back->missing_shards.empty());
  EXPECT_EQ(back->cells[0].runs[1].rerun, 0);
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
  const auto merged = merge_results({planned(Shard{2, 2}), planned(Shard{1, 2})}, 2, &error);
  ASSERT_TRUE(merged) << error;
  EXPECT_TRUE(merged->missing_shards.empty());
  EXPECT_EQ(merged->merged_shards, (std::vector<std::string>{"1/2", "2/2"}));
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

TEST(SuiteMerge, RefusesAShardTwiceDifferentSuitesOrPlansAMergedResultAndTheWrongShardCount) {
  std::string error;
  EXPECT_FALSE(merge_results({planned(Shard{1, 2}), planned(Shard{1, 2})}, std::nullopt, &error));
  EXPECT_EQ(error, "shard 1/2 is given twice");
  SuiteResult other = planned(Shard{2, 2});
  other.repeat = 3;
  EXPECT_FALSE(merge_results({planned(Shard{1, 2}), other}, std::nullopt, &error));
  EXPECT_NE(error.find("different suites"), std::string::npos);
  EXPECT_FALSE(merge_results({planned(Shard{1, 2}), planned(Shard{2, 3})}, std::nullopt, &error));
  EXPECT_NE(error.find("different plans"), std::string::npos) << error;
  other = planned(Shard{2, 2});
  other.shard_plan.scenarios = {{"s0", "s2"}, {"s1", "s3"}};  // shard 2 ran with another --scenario list
  EXPECT_FALSE(merge_results({planned(Shard{1, 2}), other}, std::nullopt, &error));
  EXPECT_NE(error.find("different plans"), std::string::npos) << error;
  EXPECT_FALSE(merge_results({planned(Shard{1, 2}), planned(Shard{2, 2})}, 3, &error));
  EXPECT_EQ(error, "--shards 3, but the suite was dealt to 2 shards (1/2)");
  const auto merged = merge_results({planned(Shard{1, 2}), planned(Shard{2, 2})}, std::nullopt, &error);
  ASSERT_TRUE(merged) << error;
  EXPECT_FALSE(merge_results({*merged}, std::nullopt, &error));
  EXPECT_NE(error.find("cannot be merged again"), std::string::npos);
  EXPECT_FALSE(merge_results({}, std::nullopt, &error));
}

TEST(SuiteMerge, AShardAloneIsIncompleteNamingTheMissingShardAndTheCellsItShouldHaveHeld) {
  std::string error;
  const auto merged = merge_results({planned(Shard{2, 3})}, 3, &error);
  ASSERT_TRUE(merged) << error;
  ASSERT_EQ(merged->missing_shards.size(), 2u);
  EXPECT_EQ(merged->missing_shards[0].shard, "1/3");
  EXPECT_EQ(merged->missing_shards[0].reason, "not given to merge");
  EXPECT_EQ(merged->missing_shards[0].cells, (std::vector<CellName>{{"s0", "refcluster"}, {"s0", "peer"}}));
  EXPECT_EQ(merged->missing_shards[1].shard, "3/3");
  EXPECT_EQ(missing_cells_text(*merged),
            "  shard 1/3 (not given to merge): s0 × refcluster, s0 × peer\n"
            "  shard 3/3 (not given to merge): s2 × refcluster, s2 × peer\n");
  // The missing cells are in the matrix, marked; the shard's own cells are judged as usual.
  ASSERT_EQ(merged->cells.size(), 6u);
  EXPECT_EQ(merged->cells[0].status, CellStatus::missing);
  EXPECT_EQ(merged->cells[0].note, "shard 1/3: not given to merge");
  EXPECT_EQ(merged->cells[3].status, CellStatus::expected_failure);
  // Every present cell is as expected: without the missing ones this would exit 0.
  EXPECT_EQ(merged->exit_code, 2);
  EXPECT_EQ(merged->merged_shards, std::vector<std::string>{"2/3"});
}

TEST(SuiteMerge, AnInterruptedShardsCellsThatDidNotRunAreMissing) {
  SuiteResult interrupted = planned(Shard{2, 2});  // s1 × refcluster, s1 × peer
  interrupted.exit_code = 130;
  interrupted.cells[1].runs.resize(1);  // one of the two runs of s1 × peer was made
  std::string error;
  const auto merged = merge_results({planned(Shard{1, 2}), interrupted}, 2, &error);
  ASSERT_TRUE(merged) << error;
  ASSERT_EQ(merged->missing_shards.size(), 1u);
  EXPECT_EQ(merged->missing_shards[0].shard, "2/2");
  EXPECT_EQ(merged->missing_shards[0].reason, "interrupted before these cells ran");
  EXPECT_EQ(merged->missing_shards[0].cells, std::vector<CellName>{(CellName{"s1", "peer"})});
  const Cell& cell = merged->cells[3];
  EXPECT_EQ(cell.status, CellStatus::missing);
  EXPECT_EQ(cell.runs.size(), 1u) << "the run it made stays in the report";
}

TEST(SuiteMerge, ATargetNotInstalledOnAShardsMachineIsNotMissing) {
  SuiteResult second = planned(Shard{2, 2});
  second.targets[1].skipped_because = "peer is not on PATH";
  second.cells[1].runs.clear();
  std::string error;
  const auto merged = merge_results({planned(Shard{1, 2}), second}, 2, &error);
  ASSERT_TRUE(merged) << error;
  EXPECT_TRUE(merged->missing_shards.empty()) << missing_cells_text(*merged);
  EXPECT_EQ(merged->cells[3].status, CellStatus::skipped);
}

}  // namespace
}  // namespace forkcheck::harness
