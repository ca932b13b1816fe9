// The status rules: a hand-built table of reference × target verdicts → statuses and exit code.
#include <gtest/gtest.h>

#include "harness/suite/suite_render.hpp"
#include "harness/suite/suite_status.hpp"

namespace forkcheck::harness {
namespace {

// A run: "pass", "undecided", "error" or the failing properties separated by spaces; "rerun X" is
// X as the first rerun of its seed (--rerun-failed).
CellRun run(const std::string& outcome) {
  if (outcome.starts_with("rerun ")) {
    CellRun r = run(outcome.substr(6));
    r.rerun = 1;
    return r;
  }
  CellRun r;
  if (outcome == "pass") r.exit_code = 0;
  else if (outcome == "undecided") r.exit_code = 3, r.unknown = {"no_orphans"};
  else if (outcome == "error") r.exit_code = 2, r.error = "the target did not start";
  else {
    r.exit_code = 1;
    std::string p;
    for (char c : outcome + " ") {
      if (c != ' ') p += c;
      else if (!p.empty()) r.failed.push_back(p), p.clear();
    }
  }
  return r;
}

Cell cell(const std::string& target, std::vector<std::string> outcomes) {
  Cell c;
  c.scenario = "kill_all";
  c.target = target;
  for (const auto& o : outcomes) c.runs.push_back(run(o));
  return c;
}

struct Row {
  std::vector<std::string> reference;
  std::vector<std::string> target;
  std::optional<ExpectedOutcome> expected;
  CellStatus status;
  int exit_code;
};

ExpectedOutcome fails(std::vector<std::string> properties) {
  return {"kill_all", Expectation::fail, std::move(properties), "known"};
}

ExpectedOutcome flaky(std::vector<std::string> properties = {}) {
  return {"kill_all", Expectation::flaky, std::move(properties), "a race"};
}

SuiteResult suite(const Row& row) {
  SuiteResult r;
  SuiteTarget ref;
  ref.name = "refcluster";
  ref.reference = true;
  SuiteTarget peer;
  peer.name = "peer";
  peer.command = "peer {port}";
  if (row.expected) peer.expected.push_back(*row.expected);
  r.targets = {ref, peer};
  r.cells = {cell("refcluster", row.reference), cell("peer", row.target)};
  return r;
}

TEST(SuiteStatus, TableOfVerdictsGivesStatusesAndExitCodes) {
  const std::vector<Row> table = {
      {{"pass"}, {"pass"}, std::nullopt, CellStatus::passed, 0},
      {{"pass"}, {"service_available"}, std::nullopt, CellStatus::conformance_failure, 1},
      {{"pass"}, {"service_available"}, fails({"service_available"}), CellStatus::expected_failure, 0},
      {{"pass", "pass"}, {"service_available", "service_available"}, fails({"service_available"}), CellStatus::expected_failure, 0},
      // a property outside the expected ones fails: not the expected failure
      {{"pass"}, {"service_available no_orphans"}, fails({"service_available"}), CellStatus::conformance_failure, 1},
      // a run need not fail every listed property
      {{"pass", "pass"}, {"service_available", "no_orphans"}, fails({"service_available", "no_orphans"}), CellStatus::expected_failure, 0},
      // a stale expectation
      {{"pass"}, {"pass"}, fails({"service_available"}), CellStatus::unexpected_pass, 1},
      // mixed verdicts over the repeats
      {{"pass", "pass"}, {"pass", "service_available"}, std::nullopt, CellStatus::flaky, 1},
      {{"pass", "pass"}, {"pass", "service_available"}, fails({"service_available"}), CellStatus::flaky, 1},
      {{"pass", "pass"}, {"pass", "service_available"}, flaky(), CellStatus::flaky_expected, 0},
      {{"pass", "pass"}, {"service_available", "service_available"}, flaky(), CellStatus::flaky_expected, 0},
      {{"pass", "pass"}, {"pass", "pass"}, flaky(), CellStatus::passed, 0},
      {{"pass", "pass"}, {"pass", "no_orphans"}, flaky({"service_available"}), CellStatus::conformance_failure, 1},
      // the oracle failed: not the target's fault
      {{"service_available"}, {"service_available"}, std::nullopt, CellStatus::reference_failed, 2},
      {{"service_available"}, {"pass"}, std::nullopt, CellStatus::passed, 2},
      {{"error"}, {"service_available"}, std::nullopt, CellStatus::reference_failed, 2},
      // could not run, undecided
      {{"pass"}, {"error"}, std::nullopt, CellStatus::could_not_run, 2},
      {{"pass"}, {"pass", "error"}, std::nullopt, CellStatus::could_not_run, 2},
      {{"pass"}, {"undecided"}, std::nullopt, CellStatus::undecided, 3},
      {{"pass"}, {"undecided"}, fails({"service_available"}), CellStatus::undecided, 3},
      // expect: flaky accepts an undecided run when the unknown property is listed (or none is)
      {{"pass", "pass"}, {"pass", "undecided"}, flaky({"no_orphans"}), CellStatus::flaky_expected, 0},
      {{"pass", "pass"}, {"pass", "undecided"}, flaky(), CellStatus::flaky_expected, 0},
      {{"pass", "pass"}, {"pass", "undecided"}, flaky({"service_available"}), CellStatus::undecided, 3},
      // --rerun-failed: the rules judge the runs and their reruns together; passing on rerun is
      // flaky, never passed, and flaky still fails the suite
      {{"pass"}, {"service_available", "rerun pass"}, std::nullopt, CellStatus::flaky, 1},
      {{"pass"}, {"service_available", "rerun service_available"}, std::nullopt, CellStatus::conformance_failure, 1},
      {{"pass"}, {"undecided", "rerun pass"}, std::nullopt, CellStatus::flaky, 1},
      {{"pass"}, {"undecided", "rerun undecided"}, std::nullopt, CellStatus::undecided, 3},
      {{"pass"}, {"service_available no_orphans", "rerun pass"}, fails({"service_available"}), CellStatus::flaky, 1},
      {{"pass"}, {"undecided", "rerun service_available"}, fails({"service_available"}), CellStatus::expected_failure, 0},
      {{"pass"}, {"undecided", "rerun pass"}, flaky({"service_available"}), CellStatus::flaky, 1},
      {{"pass"}, {"undecided", "rerun pass"}, flaky({"no_orphans"}), CellStatus::flaky_expected, 0},
      {{"pass"}, {"no_orphans", "rerun pass"}, flaky({"service_available"}), CellStatus::conformance_failure, 1},
  };
  for (std::size_t i = 0; i < table.size(); ++i) {
    SuiteResult r = suite(table[i]);
    judge_cells(r);
    EXPECT_EQ(to_string(r.cells[1].status), to_string(table[i].status)) << "row " << i << ": " << r.cells[1].note;
    EXPECT_EQ(suite_exit_code(r.cells), table[i].exit_code) << "row " << i;
  }
}

// summary.md's line of a cell names its failing properties once: the note says why, not what again
// ("failing service_available. failed service_available" read as a stutter).
TEST(SuiteStatus, ACellsLineNamesItsFailingPropertiesOnce) {
  const std::vector<Row> rows = {
      {{"pass"}, {"service_available"}, std::nullopt, CellStatus::conformance_failure, 1},
      {{"pass", "pass"}, {"pass", "service_available"}, std::nullopt, CellStatus::flaky, 1},
      {{"pass", "pass"}, {"pass", "service_available"}, fails({"service_available"}), CellStatus::flaky, 1},
      {{"pass"}, {"service_available no_orphans"}, fails({"no_orphans"}), CellStatus::conformance_failure, 1},
      {{"service_available"}, {"service_available"}, std::nullopt, CellStatus::reference_failed, 2},
  };
  for (const Row& row : rows) {
    SuiteResult r = suite(row);
    r.scenarios = {{"kill_all", "kill_all.yaml", "", 1}};
    judge_cells(r);
    const std::string md = render_suite_summary_md(r);
    for (const std::string target : {"refcluster", "peer"}) {
      const auto at = md.find("- `kill_all` × `" + target + "`");
      if (at == std::string::npos) continue;
      const std::string line = md.substr(at, md.find('\n', at) - at);
      std::size_t times = 0;
      for (auto p = line.find("service_available"); p != std::string::npos; p = line.find("service_available", p + 1)) ++times;
      EXPECT_EQ(times, 1U) << line;
    }
  }
}

TEST(SuiteStatus, TheReferenceCellItself) {
  SuiteResult r = suite({{"service_available"}, {"pass"}, std::nullopt, CellStatus::passed, 0});
  judge_cells(r);
  EXPECT_EQ(r.cells[0].status, CellStatus::reference_failed);
  EXPECT_NE(r.cells[0].note.find("the scenario or the machine"), std::string::npos);
  r = suite({{"pass", "undecided"}, {"pass"}, std::nullopt, CellStatus::passed, 0});
  judge_cells(r);
  EXPECT_EQ(r.cells[0].status, CellStatus::undecided);
}

TEST(SuiteStatus, AFlakyAfterRerunCellSaysSoInItsNote) {
  SuiteResult r = suite({{"pass"}, {"service_available", "rerun pass"}, std::nullopt, CellStatus::flaky, 1});
  judge_cells(r);
  EXPECT_EQ(r.cells[1].note, "failed 1/2 runs (service_available); reruns: 1/1 pass");
  r = suite({{"pass"}, {"undecided", "rerun pass"}, std::nullopt, CellStatus::flaky, 1});
  judge_cells(r);
  EXPECT_EQ(r.cells[1].note, "undecided in 1/2 runs (unknown: no_orphans), passed on rerun; reruns: 1/1 pass");
}

TEST(SuiteStatus, AMissingCellKeepsItsStatusAndMakesTheSuiteExit2) {
  SuiteResult r = suite({{"pass"}, {}, std::nullopt, CellStatus::skipped, 0});
  r.cells[1].status = CellStatus::missing;
  r.cells[1].note = "shard 2/2: not given to merge";
  judge_cells(r);
  EXPECT_EQ(r.cells[1].status, CellStatus::missing);
  EXPECT_EQ(r.cells[1].note, "shard 2/2: not given to merge");
  EXPECT_EQ(suite_exit_code(r.cells), 2);
  std::vector<Cell> cells = r.cells;
  cells.push_back(cell("peer", {"pass"}));
  cells.back().status = CellStatus::unexpected_pass;
  EXPECT_EQ(suite_exit_code(cells), 1) << "an unexpected result outranks a missing cell";
}

TEST(SuiteStatus, SkippedCellsDoNotChangeTheExitCode) {
  SuiteResult r = suite({{"pass"}, {}, std::nullopt, CellStatus::skipped, 0});
  r.targets[1].skipped_because = "peer is not on PATH";
  judge_cells(r);
  EXPECT_EQ(r.cells[1].status, CellStatus::skipped);
  EXPECT_EQ(r.cells[1].note, "peer is not on PATH");
  EXPECT_EQ(suite_exit_code(r.cells), 0);
}

TEST(SuiteStatus, AnUnexpectedFailureOutranksACellThatCouldNotRun) {
  std::vector<Cell> cells(3);
  cells[0].status = CellStatus::could_not_run;
  cells[1].status = CellStatus::undecided;
  EXPECT_EQ(suite_exit_code(cells), 2);
  cells[2].status = CellStatus::unexpected_pass;
  EXPECT_EQ(suite_exit_code(cells), 1);
}

TEST(SuiteStatus, StatusNamesRoundTrip) {
  for (CellStatus s : {CellStatus::passed, CellStatus::expected_failure, CellStatus::flaky_expected,
                       CellStatus::conformance_failure, CellStatus::unexpected_pass, CellStatus::flaky,
                       CellStatus::reference_failed, CellStatus::could_not_run, CellStatus::undecided, CellStatus::skipped,
                       CellStatus::missing})
    EXPECT_EQ(cell_status_from_string(to_string(s)), s);
}

}  // namespace
}  // namespace forkcheck::harness
