#pragma once
// `forkcheck run` as a library call, for programs that run many scenarios (forkcheck explore): the
// same sequence as run_scenario(), returning the verdicts instead of printing them.
#include <string>
#include <vector>

#include "common/exit_code.hpp"
#include "harness/model/property.hpp"
#include "harness/run/run.hpp"

namespace forkcheck::harness {

struct RunOutcome {
  ExitCode code = ExitCode::cannot_run;
  std::vector<PropertyResult> results;  // empty when the run could not be made
  std::string report_dir;               // empty when the run could not be prepared
  std::string command;                  // the target's command line
};

// With print = false: no live table, no verdict lines, no report line (errors still go to stderr).
// run_scenario(o) is run_scenario_outcome(o, true).code.
RunOutcome run_scenario_outcome(const RunOptions& options, bool print);

}  // namespace forkcheck::harness
