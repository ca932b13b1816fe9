#pragma once
// The walkthrough's execution table, observed (docs/walkthrough.md): the walkthrough's columns Step,
// Action, Process Type, Workers Count, Server Listening, Notes, plus the instant of each step, the
// expected values and a mismatch mark. Pure: built from a History, possibly a partial one, because
// run/run.cpp prints the rows live as they become observable.
//
// Rows 1-8 once, rows 9-10 once per fault that kills workers, row 11 last. Decisions:
//  - N = 1: row 4 ("Fork worker 2") is left out (there is no second worker); row 5 is worker 1.
//  - Row 9's expected count is N - k for a fault with k victims (N - 1 for the walkthrough's single kill),
//    and its expected Server Listening is Yes only when N - k > 0 (someone is left to serve).
//  - Server Listening: for Worker rows, whether a worker answered a request at that step; for
//    Primary rows, whether the primary answered a request itself (it never should: expected No).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/model/history.hpp"
#include "harness/model/scenario.hpp"

namespace forkcheck::harness {

enum class ProcessType { primary, worker, primary_and_workers };
std::string_view to_string(ProcessType t);  // the walkthrough's texts: "Primary", "Worker", "Primary & Workers"

struct TableRow {
  int step = 0;                      // 1..11, as in the walkthrough
  std::string action;                // the walkthrough's text, N replaced by the number
  ProcessType process = ProcessType::primary;
  std::optional<mono_ns> t_ns;       // the step's instant; empty when it was never observed
  std::optional<int> workers;        // observed live worker count at t_ns (or at the end of the run)
  std::optional<bool> listening;     // observed
  int expected_workers = 0;
  bool expected_listening = false;
  std::string notes;
  std::optional<std::size_t> fault_index;  // rows 9-10: index into History::faults
  // Row 7: whether the connections were spread, i.e. each of the N workers answered on at least one
  // connection before the first fault (the notes give each one's share of connections and of
  // requests); empty on other rows or when nothing was served.
  std::optional<bool> spread;
  // Row 7: some connections' serving process is unknown (no X-Worker-Pid, and closed before the
  // kernel was asked) and the attributed ones do not cover the N workers: spread cannot be judged.
  bool spread_unknown = false;

  bool observed() const { return workers.has_value() && listening.has_value(); }
  // Observed differs from expected, the step was not observed at all, or row 7's connections were not spread.
  bool mismatch() const {
    return !observed() || *workers != expected_workers || *listening != expected_listening ||
           (spread && !*spread);
  }
};

struct ExecutionTable {
  int n = 0;               // N
  mono_ns launch_ns = 0;   // times in the table are relative to this
  std::vector<TableRow> rows;

  bool matches() const;    // no row mismatches
};

// run_over = false: a live, partial table: rows stop at the first step not observable yet, so the
// row list only ever grows. run_over = true: every step is present; the unobserved ones say why.
ExecutionTable build_execution_table(const History& h, const Scenario& s, bool run_over);

}  // namespace forkcheck::harness
