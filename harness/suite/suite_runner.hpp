#pragma once
// Runs the cells' `forkcheck run`s as child processes, up to `jobs` at once, each on its own free
// port and in its own process group: `run` owns signals, a subreaper and process groups, so cells
// never run inside this process. SIGINT/SIGTERM stop the children (by pidfd) and end the loop.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/suite/suite_model.hpp"

namespace forkcheck::harness {

struct CellJob {
  std::size_t cell_index = 0;    // into SuiteResult::cells
  int repeat_index = 0;          // k: the run's seed is the scenario's seed + k
  std::uint64_t seed = 0;
  std::string scenario_path;
  std::string target_command;    // empty: the scenario's own target, else refcluster
  std::string workers_match;     // the target's; non-empty: passed as --workers-match
  std::string report_dir;        // relative to the suite's report directory: cells/<scenario>/<target>/run-<k>[-rerun-<r>]
  int rerun = 0;                 // 0: a --repeat run; r: the r-th rerun of its seed (--rerun-failed)
  std::vector<std::string> run_flags;  // the target's overrides as `run` flags (--path, --expect-body, ...)
};

struct RunnerOptions {
  std::string forkcheck_exe;     // the program to run (this one: /proc/self/exe)
  std::string report_root;       // the suite's report directory
  int jobs = 1;
  std::optional<int> workers;    // absent: each scenario's own N
};

// The command line of the job's `forkcheck run` (argv, the program first).
std::vector<std::string> run_arguments(const CellJob& job, const RunnerOptions& o);

using RunFinished = std::function<void(const CellJob&, const CellRun&)>;
using RunningChanged = std::function<void(const std::vector<const CellJob*>&)>;

// Runs every job (in order, `jobs` at a time); calls on_finished for each run that ended by itself,
// on_running whenever the set of running jobs changes. False when interrupted: the running
// children got SIGINT (each stops its target and writes a partial report) and were waited for.
bool run_cell_jobs(const std::vector<CellJob>& jobs, const RunnerOptions& options, const RunFinished& on_finished,
                   const RunningChanged& on_running);

// The CellRun of a finished `forkcheck run`, from its report.json (the setup error's reason for an
// exit 2, else the failed and unknown properties and the median recovery).
CellRun read_cell_run(const std::string& report_root, const CellJob& job, int exit_code, double wall_s);

}  // namespace forkcheck::harness
