#pragma once
// What `forkcheck run` prints while it runs: the execution table's rows as they become observable
// (provisional, never judged), the rows whose final value differs from what was printed (judged
// against the walkthrough only when the scenario is the walkthrough), and a progress line: on a
// terminal one line rewritten each second, otherwise a plain line every few seconds.
#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "harness/check/execution_table.hpp"
#include "harness/model/history.hpp"
#include "harness/model/scenario.hpp"

namespace forkcheck::harness {

struct RunStatus {
  double elapsed_s = 0;            // since the load started
  std::size_t requests_ok = 0;
  std::size_t requests_failed = 0;   // every failure, excused ones included
  std::size_t requests_excused = 0;  // of those, the ones a fault excuses (excused_failures.hpp)
  int live = 0;                    // live workers, as the observer sees them
  int ready = 0;                   // of those, the ready ones
  int n = 0;
  std::optional<double> next_fault_s;  // from the load's start; empty: none left
};

// "12.0 s: requests 1200 ok, 3 failed (2 excused); workers 3 live, 3 ready (N=3); next fault at 9.6 s"
std::string format_status(const RunStatus& s);

// What came back where the body was not the expected one (the first bad_body answers, escaped), for
// the lines after the verdicts and report.md: a count alone never says what the server answered.
// Empty when no answer was bad_body.
std::string bad_body_note(const History& h, const LoadSpec& load);

class RunConsole {
 public:
  // enabled = false prints nothing; terminal = true rewrites one status line in place.
  RunConsole(std::ostream& out, bool enabled, bool terminal);

  // Live: prints the rows not printed yet, provisional (no match mark).
  void print_new_rows(const ExecutionTable& table);
  // End of the run: prints the rows that were never printed or whose final text differs, with the
  // match mark when `judged` (the scenario is the walkthrough).
  void print_final_rows(const ExecutionTable& table, bool judged);
  // At most once a second on a terminal, every kPlainStatusEvery otherwise.
  void status(mono_ns now, const RunStatus& s);
  // Whether status() would print at `now`: callers skip gathering the figures otherwise.
  bool status_due(mono_ns now) const;
  void line(const std::string& text);  // one plain line (the status line is cleared first)
  void clear_status();

 private:
  void header();

  std::ostream& out_;
  bool enabled_;
  bool terminal_;
  bool header_printed_ = false;
  bool status_shown_ = false;
  mono_ns last_status_ns_ = 0;
  std::vector<std::string> printed_;  // the text of every row printed, by index
};

}  // namespace forkcheck::harness
