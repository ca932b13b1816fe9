#pragma once
// The words and colours every suite output (index.html, junit.xml, summary.md) uses for a cell, a
// run and the suite's exit status, in one place so the three never disagree. Pure.
#include <string>
#include <string_view>
#include <vector>

#include "harness/suite/suite_model.hpp"

namespace forkcheck::harness {

// How a JUnit consumer should see a cell (its <testcase> child).
enum class JunitOutcome { pass, failure, error, skipped };

struct CellStatusText {
  CellStatus status;
  std::string_view label;       // "expected failure": the text shown in every output, never colour alone
  std::string_view css_class;   // "st-expected-failure"
  std::string_view symbol;      // summary.md's mark before the label
  std::string_view background;  // index.html's cell colour and its border
  std::string_view border;
  std::string_view meaning;     // the legend's line
  bool unexpected;              // listed under "unexpected cells" (it makes the suite exit non-zero)
  JunitOutcome junit;
};

const CellStatusText& status_text(CellStatus s);
// Every status, in the legend's order.
const std::vector<CellStatusText>& all_status_texts();

// What the suite's exit status means ("every cell is as expected", ...).
std::string_view suite_exit_meaning(int exit_code);

// The time a cell took: its runs' wall times added (reruns included), as if run one at a time.
double cell_wall_s(const Cell& cell);

// Every cell's time added: what the suite would take one cell at a time (--jobs 1).
double total_cell_time_s(const SuiteResult& result);

// A partial result (a merge that lacks shards or cells): "shard 2/3 missing, not given to merge (4
// cells)"; "" when the result is complete.
std::string partial_text(const SuiteResult& result);

// A run's verdict word from its `forkcheck run` exit status: pass, fail, could not run, undecided,
// interrupted.
std::string_view run_verdict(const CellRun& run);

// The repeats of a cell when there is more than one: "2/3 fail", "1/3 fail, 1/3 could not run",
// "3/3 pass", "1/2 fail (1 rerun)". Empty for a single run.
std::string repeats_text(const Cell& cell);

// The text of the link to run i of a cell: "report" for a cell of one run, else "run 2", and a
// rerun "run 2 rerun 1" (k: the --repeat run of the same seed).
std::string run_link_text(const Cell& cell, std::size_t i);

// The cell's failed load requests over its runs, the excused ones beside them: "10 failed requests
// (8 excused)"; empty when no run failed a request. A pass with excused failures shows them too.
std::string requests_failed_text(const Cell& cell);
// The same for one run's (or any) counts.
std::string requests_failed_text(std::uint64_t failed, std::uint64_t excused);

// The file a run's link opens, relative to the suite's report directory: its report.html, or the
// report.md a run that could not be made leaves instead. Empty when the run has no report directory.
std::string run_report_path(const CellRun& run);

// The cell of scenario × target; nullptr when the result has none (a matrix shows it as skipped).
const Cell* find_cell(const SuiteResult& result, const std::string& scenario, const std::string& target);

// "a, b, c"; "" for none.
std::string comma_joined(const std::vector<std::string>& items);

// The cells of one status, counted: "8 passed, 2 expected failure, 1 conformance failure".
std::string status_counts(const std::vector<Cell>& cells);

// The target's label: "refcluster (reference)" for the oracle.
std::string target_label(const SuiteTarget& target);

}  // namespace forkcheck::harness
