// --rerun-failed's choice of reruns: which cells, which seeds, how many times.
#include <gtest/gtest.h>

#include "harness/suite/suite_rerun.hpp"

namespace forkcheck::harness {
namespace {

CellRun run(std::uint64_t seed, int exit_code, int rerun = 0) {
  CellRun r;
  r.seed = seed;
  r.exit_code = exit_code;
  r.rerun = rerun;
  return r;
}

Cell cell(CellStatus status, std::vector<CellRun> runs) {
  Cell c;
  c.scenario = "kill_all";
  c.target = "peer";
  c.status = status;
  c.runs = std::move(runs);
  return c;
}

std::vector<std::pair<std::size_t, std::uint64_t>> cells_and_seeds(const std::vector<RerunDue>& due) {
  std::vector<std::pair<std::size_t, std::uint64_t>> out;
  for (const RerunDue& d : due) out.push_back({d.cell_index, d.seed});
  return out;
}

TEST(SuiteRerun, OnlyAnUnexpectedFailureOrUndecidedCellIsRerunEachFailedSeedOnce) {
  SuiteResult r;
  r.cells = {cell(CellStatus::conformance_failure, {run(5, 1), run(6, 1), run(7, 0)}),
             cell(CellStatus::undecided, {run(5, 0), run(6, 3)}),
             cell(CellStatus::flaky, {run(5, 0), run(6, 1)}),                 // stays flaky whatever a rerun does
             cell(CellStatus::expected_failure, {run(5, 1)}),
             cell(CellStatus::passed, {run(5, 0)}),
             cell(CellStatus::could_not_run, {run(5, 2)}),
             cell(CellStatus::reference_failed, {run(5, 1)}),
             cell(CellStatus::unexpected_pass, {run(5, 0)})};
  const auto due = reruns_due(r, 2);
  const std::vector<std::pair<std::size_t, std::uint64_t>> expected = {{0, 5}, {0, 6}, {1, 6}};
  EXPECT_EQ(cells_and_seeds(due), expected);
  EXPECT_EQ(due[0].rerun, 1);
  EXPECT_EQ(due[1].repeat_index, 1) << "seed 6 is the cell's second run";
  EXPECT_TRUE(reruns_due(r, 0).empty()) << "--rerun-failed 0: none";
}

TEST(SuiteRerun, ASeedIsRerunUntilItPassesOrKRerunsAreUsed) {
  SuiteResult r;
  r.cells = {cell(CellStatus::conformance_failure, {run(5, 1), run(5, 1, 1), run(6, 1), run(6, 1, 1), run(6, 1, 2)}),
             cell(CellStatus::undecided, {run(5, 3), run(5, 0, 1), run(6, 3)})};
  const auto due = reruns_due(r, 2);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].cell_index, 0u);
  EXPECT_EQ(due[0].seed, 5u);
  EXPECT_EQ(due[0].rerun, 2) << "seed 5 failed its first rerun: its second is due; seed 6 used both";
  EXPECT_EQ(due[1].cell_index, 1u);
  EXPECT_EQ(due[1].seed, 6u) << "seed 5 passed on rerun: done";
  EXPECT_EQ(reruns_due(r, 1).size(), 1u);
}

}  // namespace
}  // namespace forkcheck::harness
