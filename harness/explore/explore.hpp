#pragma once
// `forkcheck explore`: property-based crash testing. rapidcheck generates fault schedules
// (explore_schedule.hpp); each runs as a short scenario against a fresh target under load and must
// keep every property; a failing schedule is shrunk to a minimal one, written as a scenario file
// that `forkcheck run` replays, with the exact commands to reproduce it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/exit_code.hpp"
#include "harness/model/target_overrides.hpp"

namespace forkcheck::harness {

struct ExploreOptions {
  std::optional<std::string> target;  // command template; empty: refcluster
  int cases = 50;                     // schedules that must pass
  std::optional<std::uint64_t> seed;  // rapidcheck's seed; empty: from the clock (printed)
  int max_faults = 4;                 // faults per schedule
  int workers = 3;                    // N
  std::vector<int> signals{9, 15};    // what a fault may send (SIGKILL, SIGTERM); shrinks towards the first
  int max_shrinks = 60;               // shrink candidates run at most; later ones count as passing
  int replays = 3;                    // fresh runs of the shrunk schedule, to say how often it fails
  int port = 0;                       // every case's port; 0: a free one each time
  TargetOverrides overrides;          // what a good answer is, the stop signal: written into every case's scenario
  bool quiet = false;                 // print nothing but the outcome
  std::optional<std::string> report_dir;  // default: reports/runs/<time>-explore
  std::string program = "forkcheck";  // argv[0], for the reproduce commands
};

// What the run found, for callers and tests (explore() prints the same). Exit status: 0 every case
// passed, 1 a counterexample, 2 a case could not be run, 3 no case failed but one was undecided.
struct ExploreSummary {
  ExitCode code = ExitCode::cannot_run;
  int cases_run = 0;             // generated cases run (before any shrinking)
  int cases_unknown = 0;         // of those, the undecided ones (no property failed, one unknown)
  int shrink_tries = 0;          // shrink candidates run against the target (repeats are not rerun)
  int shrinks_accepted = 0;      // of those, the ones that still failed: the shrink steps taken
  double cases_s = 0, shrink_s = 0;  // wall time generating / shrinking
  std::string report_dir;
  std::string counterexample;    // the shrunk scenario file, when one was found
  std::string schedule;          // describe_schedule() of it
  int victims = 0;               // total_victims() of it
  int replays = 0;               // fresh runs of the counterexample after shrinking (ExploreOptions::replays)
  int replays_failed = 0;        // of those, the ones that failed again

  // A counterexample that failed in some replays but not all: its failure rests on timing (a race
  // the schedule makes likely, not certain).
  bool timing_dependent() const { return replays > 0 && replays_failed < replays; }
};

ExploreSummary explore(const ExploreOptions& options);

// "SIGKILL,TERM,15" -> {9, 15, 15}; false on an unknown name, an empty list, or a signal that does not
// end a process by default (SIGSTOP, SIGCONT, ...: stop_worker's and cont_worker's, not a kill).
bool parse_signal_list(const std::string& text, std::vector<int>& out);

}  // namespace forkcheck::harness
