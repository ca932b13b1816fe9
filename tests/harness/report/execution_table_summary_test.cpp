#include <gtest/gtest.h>

#include <algorithm>

#include "harness/report/execution_table_summary.hpp"
#include "tests/harness/support/history_builder.hpp"

namespace forkcheck::harness {
namespace {

using namespace forkcheck::harness::testing;

TEST(ExecutionTable, APrimaryThatAnswersIsMarked) {
  History h = correct_cluster();
  for (auto& r : h.requests.records())
    if (!r.probe && r.intended_ns > at(600)) {
      r.worker_pid = kPrimary;
      break;
    }
  const ExecutionTable t = build_execution_table(h, walkthrough_scenario(), true);
  EXPECT_TRUE(t.rows[6].mismatch());
  EXPECT_NE(t.rows[6].notes.find("the primary answered requests itself"), std::string::npos);
  const auto moments = key_moments(h, t);
  EXPECT_EQ(moments[2].status, MomentStatus::refuted);
}

TEST(VariableTracker, ObservedValuesAtTheSeedsStages) {
  const ExecutionTable t = build_execution_table(correct_cluster(), walkthrough_scenario(), true);
  const VariableTracker v = build_variable_tracker(t);
  ASSERT_EQ(v.columns.size(), 6u);
  ASSERT_EQ(v.rows.size(), 3u);
  std::vector<std::string> counts, listens;
  for (const auto& c : v.rows[1].cells) counts.push_back(c.observed);
  for (const auto& c : v.rows[2].cells) listens.push_back(c.observed);
  EXPECT_EQ(counts, (std::vector<std::string>{"0", "1", "2", "4", "3", "4"}));
  EXPECT_EQ(listens, (std::vector<std::string>{"No", "No", "No", "Yes (in workers)", "Yes", "Yes"}));
  for (const auto& row : v.rows)
    for (const auto& c : row.cells) EXPECT_FALSE(c.mismatch) << row.variable;
}

TEST(KeyMoments, ConfirmedForACorrectClusterRefutedWithoutRespawn) {
  const History good = correct_cluster();
  const auto moments = key_moments(good, build_execution_table(good, walkthrough_scenario(), true));
  ASSERT_EQ(moments.size(), 3u);
  for (const auto& m : moments) EXPECT_EQ(m.status, MomentStatus::confirmed) << m.question << ": " << m.evidence;
  const History broken = correct_cluster({.respawn_after_ms = -1});
  const auto refuted = key_moments(broken, build_execution_table(broken, walkthrough_scenario(), true));
  EXPECT_EQ(refuted[1].status, MomentStatus::refuted);
  EXPECT_EQ(refuted[1].evidence, "fault 1: no replacement forked");
  const History calm = correct_cluster({.kill = false});
  EXPECT_EQ(key_moments(calm, build_execution_table(calm, walkthrough_scenario(), true))[1].status,
            MomentStatus::not_observed);
}

TEST(TextRendering, AlignedColumnsAndAMismatchMark) {
  const ExecutionTable t =
      build_execution_table(correct_cluster({.respawn_after_ms = -1}), walkthrough_scenario(), true);
  const std::string header = render_table_header_text();
  const std::string row3 = render_row_text(t.rows[2], t.launch_ns, true);
  const std::string row10 = render_row_text(t.rows[9], t.launch_ns, true);
  EXPECT_EQ(row3.rfind("3    1.0       Fork worker 1", 0), 0u) << row3;
  EXPECT_EQ(header.find("Process Type"), row3.find("Primary"));
  EXPECT_NE(row10.find("3 (exp 4)"), std::string::npos) << row10;
  EXPECT_NE(row10.find("✗ no replacement"), std::string::npos) << row10;
  EXPECT_EQ(header.back(), '\n');
  EXPECT_EQ(row3.back(), '\n');
  EXPECT_EQ(std::count(row10.begin(), row10.end(), '\n'), 1);
}

// A row is marked only where it is judged: a scenario that is not the walkthrough, or a live row.
TEST(TextRendering, NoMismatchMarkWhereTheRowIsNotJudged) {
  const ExecutionTable t =
      build_execution_table(correct_cluster({.respawn_after_ms = -1}), walkthrough_scenario(), true);
  const std::string row10 = render_row_text(t.rows[9], t.launch_ns, false);
  EXPECT_EQ(row10.find("✗"), std::string::npos) << row10;
  EXPECT_NE(row10.find("no replacement"), std::string::npos) << row10;
  EXPECT_EQ(match_mark(t.rows[9], false), "");
  EXPECT_EQ(match_mark(t.rows[9], true), "✗");
  EXPECT_EQ(match_mark(t.rows[2], true), "✓");
}

}  // namespace
}  // namespace forkcheck::harness
