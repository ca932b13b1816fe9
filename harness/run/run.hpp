#pragma once
// `forkcheck run`: one scenario against one target, from launch to report. This is where the
// harness's parts are plugged together (launcher, observer, load, faults, checker, report).
#include <cstdint>
#include <optional>
#include <string>

#include "common/exit_code.hpp"
#include "harness/model/target_overrides.hpp"

namespace forkcheck::harness {

struct RunOptions {
  std::string scenario_path;
  std::optional<std::string> target;  // command template; overrides the scenario's
  std::optional<int> workers;
  std::optional<int> port;            // 0: a free port
  std::optional<std::uint64_t> seed;
  std::optional<std::string> workers_match;  // overrides the scenario's workers_match
  TargetOverrides overrides;          // --path, --header, --expect-status, --expect-body/--any-body, --stop-signal
  std::optional<std::string> report_dir;
  std::string program = "forkcheck";  // argv[0], for the reproduce command
  bool quiet = false;                 // nothing on stdout but the verdicts
};

// Runs it; prints the live table, verdicts and report path; returns the exit status.
// Errors that make the run impossible print one line on stderr and return cannot_run.
ExitCode run_scenario(const RunOptions& options);

}  // namespace forkcheck::harness
