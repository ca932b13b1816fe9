#pragma once
// What `forkcheck suite` prints: a line per finished cell, an updating line of the running cells on
// a terminal, and the matrix at the end. Colour only on a terminal and when NO_COLOR is not set.
#include <cstdio>
#include <string>
#include <vector>

#include "harness/suite/suite_model.hpp"
#include "harness/suite/suite_runner.hpp"

namespace forkcheck::harness {

// The verdicts of a finished cell's runs, before judging: "pass", "fail service_available",
// "flaky 1/3 fail service_available", "could not run: <reason>", "undecided".
std::string cell_outcome_text(const Cell& cell);

// The matrix (scenarios × targets, each cell's status) and every cell not as expected with its note.
std::string render_suite_text(const SuiteResult& result);

class SuiteConsole {
 public:
  SuiteConsole(std::FILE* out, bool quiet);
  // "[12/40] kill_all × node: fail service_available 3.1 s"
  void cell_finished(const Cell& cell, std::size_t done, std::size_t total);
  // "[rerun 1] kill_all × node seed 7: pass 3.2 s"
  void rerun_finished(const Cell& cell, const CellRun& run);
  void running(const std::vector<const CellJob*>& jobs, const std::vector<Cell>& cells);
  void line(const std::string& text);

 private:
  void clear_status();
  std::FILE* out_;
  bool quiet_;
  bool terminal_;
  bool colour_;
  bool status_shown_ = false;
};

}  // namespace forkcheck::harness
