#pragma once
// Everything `forkcheck run` settles before it launches anything: the scenario with the command
// line's overrides, N, the port, the target's command, the report directory, and the signal
// descriptor through which SIGINT/SIGTERM reach the run loop (handlers only record; the loop acts).
// Also the small pieces of output and bookkeeping the run shares.
#include <sys/types.h>

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "common/unique_fd.hpp"
#include "harness/model/history.hpp"
#include "harness/model/property.hpp"
#include "harness/run/run.hpp"
#include "harness/model/scenario.hpp"



namespace forkcheck::harness {

struct RunSetup {
  RunOptions options;
  Scenario scenario;
  std::string scenario_file; // the file loaded: options.scenario_path, or the library's file of that name
  int workers = 0;           // N
  int port = 0;              // the real port (never 0)
  std::string command;       // the target's command line, placeholders replaced
  std::string events_path;   // refcluster's event feed, empty for black-box targets
  std::string crash_file;    // {crash_file}: <report_dir>/crash_file (created/removed by file faults)
  std::string report_dir;
  std::string command_error;      // non-empty: the command could not be made (the report says why)
  std::string reproduce_command;  // every resolved value (N, port policy, seed, target), no --report
  UniqueFd signals;          // signalfd for SIGINT and SIGTERM (blocked in every thread)
};

// Empty, with a one-line *error, when the run cannot be made before its report directory exists
// (bad scenario, busy port, directory refused); later errors are in RunSetup::command_error.
// Blocks SIGINT/SIGTERM for the calling thread and the threads it starts later.
std::optional<RunSetup> prepare_run(const RunOptions& options, std::string* error);

// `forkcheck run` with every value this run resolved, so it runs the same on another machine, and
// without --report, so the replay writes a fresh directory instead of overwriting this evidence.
std::string reproduce_command(const RunSetup& setup);

void print_verdicts(std::ostream& out, const std::vector<PropertyResult>& results);

// What a target printed, indented under an error line; empty text stays empty.
std::string indent_tail(const std::string& text);

}  // namespace forkcheck::harness
