// The plan: --target flags, the reference always present and first, cells per shard.
#include <gtest/gtest.h>

#include <set>

#include "harness/suite/suite_plan.hpp"
#include "harness/suite/suite_runner.hpp"

namespace forkcheck::harness {
namespace {

SuiteTarget target(const std::string& name, bool reference = false) {
  SuiteTarget t;
  t.name = name;
  t.command = reference ? "" : name + " {port}";
  t.reference = reference;
  return t;
}

std::vector<SuiteScenario> scenarios(int n) {
  std::vector<SuiteScenario> out;
  for (int i = 0; i < n; ++i) out.push_back({"s" + std::to_string(i), "s.yaml", "", 1});
  return out;
}

TEST(SuitePlan, ParsesShards) {
  EXPECT_EQ(parse_shard("1/1")->count, 1);
  EXPECT_EQ(parse_shard("2/3")->index, 2);
  EXPECT_FALSE(parse_shard("0/3"));
  EXPECT_FALSE(parse_shard("4/3"));
  EXPECT_FALSE(parse_shard("1"));
  EXPECT_FALSE(parse_shard("a/b"));
  EXPECT_FALSE(parse_shard("1/2x"));
}

TEST(SuitePlan, TargetFlagsAreNamedOrNumbered) {
  const SuiteTarget named = target_from_flag("node=node app.mjs {port}", 1);
  EXPECT_EQ(named.name, "node");
  EXPECT_EQ(named.command, "node app.mjs {port}");
  const SuiteTarget bare = target_from_flag("srv --opt=1 {port}", 2);
  EXPECT_EQ(bare.name, "target-2");
  EXPECT_EQ(bare.command, "srv --opt=1 {port}");
}

TEST(SuitePlan, RefclusterIsAddedAsTheReferenceWhenNoneIsMarked) {
  const auto t = plan_targets({target("a"), target("b")}, {});
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].name, "refcluster");
  EXPECT_TRUE(t[0].reference);
  EXPECT_TRUE(t[0].command.empty());
}

TEST(SuitePlan, FlagsReplaceTheNonReferenceTargetsAndTheReferenceComesFirst) {
  const auto t = plan_targets({target("a"), target("ref", true)}, {target("x"), target("y")});
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].name, "ref");
  EXPECT_EQ(t[1].name, "x");
  EXPECT_EQ(t[2].name, "y");
}

TEST(SuitePlan, UnshardedCellsAreScenarioMajor) {
  const auto targets = plan_targets({target("a")}, {});
  const auto cells = plan_cells(scenarios(2), targets, Shard{});
  ASSERT_EQ(cells.size(), 4u);
  EXPECT_EQ(cells[0].scenario, "s0");
  EXPECT_EQ(cells[0].target, "refcluster");
  EXPECT_EQ(cells[1].target, "a");
  EXPECT_EQ(cells[2].scenario, "s1");
}

TEST(SuitePlan, ShardsPartitionTheCellsDeterministicallyAndKeepAScenarioTogether) {
  const auto targets = plan_targets({target("a"), target("b")}, {});
  const auto all = plan_cells(scenarios(7), targets, Shard{});
  for (int n = 1; n <= 8; ++n) {
    std::multiset<std::pair<std::string, std::string>> seen;
    for (int i = 1; i <= n; ++i) {
      const auto shard = plan_cells(scenarios(7), targets, Shard{i, n});
      EXPECT_EQ(shard.size(), plan_cells(scenarios(7), targets, Shard{i, n}).size());  // deterministic
      std::set<std::string> shard_scenarios;
      for (const auto& c : shard) {
        seen.insert({c.scenario, c.target});
        shard_scenarios.insert(c.scenario);
      }
      // Every scenario of the shard has all its targets (the reference among them) in the shard.
      EXPECT_EQ(shard.size(), shard_scenarios.size() * targets.size());
    }
    std::multiset<std::pair<std::string, std::string>> expected;
    for (const auto& c : all) expected.insert({c.scenario, c.target});
    EXPECT_EQ(seen, expected) << n << " shards";
  }
}

TEST(SuitePlan, TheShardPlanNamesEveryShardsScenariosAndGivesTheCellsPlanCellsRuns) {
  const auto targets = plan_targets({target("a")}, {});
  const ShardPlan plan = plan_shards(scenarios(5), Shard{2, 3});
  EXPECT_EQ(plan.index, 2);
  EXPECT_EQ(plan.count, 3);
  const std::vector<std::vector<std::string>> dealt = {{"s0", "s3"}, {"s1", "s4"}, {"s2"}};
  EXPECT_EQ(plan.scenarios, dealt);
  for (int k = 1; k <= 3; ++k) {
    std::vector<CellName> from_cells;
    for (const Cell& c : plan_cells(scenarios(5), targets, Shard{k, 3})) from_cells.push_back({c.scenario, c.target});
    EXPECT_EQ(shard_cells(plan, k, targets), from_cells) << "shard " << k;
  }
  EXPECT_TRUE(shard_cells(plan, 4, targets).empty());
  EXPECT_EQ(plan_shards(scenarios(2), Shard{}).scenarios, (std::vector<std::vector<std::string>>{{"s0", "s1"}}));
}

// A cell's run: the target's command and, when the target names its workers by command line, that
// pattern (a router's workers are invisible to the kernel); the scenario's own target and rule otherwise.
TEST(SuitePlan, ACellRunCarriesTheTargetsCommandAndWorkersMatch) {
  const RunnerOptions o{"/bin/forkcheck", "/r", 1, std::nullopt};
  CellJob job;
  job.seed = 7;
  job.scenario_path = "s.yaml";
  job.report_dir = "cells/s/t/run-1";
  const std::vector<std::string> own = {"/bin/forkcheck", "run", "s.yaml", "--port", "0", "--seed", "7",
                                        "--report", "/r/cells/s/t/run-1", "--quiet"};
  EXPECT_EQ(run_arguments(job, o), own);
  job.target_command = "srv {port}";
  job.workers_match = "^uWSGI worker";
  const std::vector<std::string> named = {"/bin/forkcheck", "run", "s.yaml", "--target", "srv {port}", "--port", "0",
                                          "--seed", "7", "--report", "/r/cells/s/t/run-1", "--quiet",
                                          "--workers-match", "^uWSGI worker"};
  EXPECT_EQ(run_arguments(job, o), named);
}

}  // namespace
}  // namespace forkcheck::harness
