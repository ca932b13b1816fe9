#pragma once
// What `forkcheck explore` generates: a fault schedule, and the scenario file it becomes. Pure: the
// schedule is data, the YAML is text that parse_scenario() reads back (tests check the round trip),
// so a shrunk counterexample is replayed by `forkcheck run` exactly as explore ran it.
#include <cstdint>
#include <string>
#include <vector>

#include "harness/model/scenario.hpp"
#include "harness/model/target_overrides.hpp"

namespace forkcheck::harness {

// One fault: `delay_ms` after the previous one (the first: after warm-up), `victims` workers chosen
// at random or the newest, sent `signal`: a kill_worker, or a term_worker for SIGTERM.
struct ExploreFault {
  int delay_ms = 0;
  int victims = 1;
  bool newest = false;
  int signal = 9;  // SIGKILL
  bool operator==(const ExploreFault&) const = default;
};

using ExploreSchedule = std::vector<ExploreFault>;

// The fixed part of every case's scenario.
struct ExploreCase {
  std::string name = "explore";
  std::string target;          // command template; empty: refcluster
  int workers = 3;
  std::uint64_t seed = 1;      // the scenario's seed (victim choice)
  double warmup_s = 0.3;
  double recovery_deadline_s = 1.0;
  double rate_rps = 100;
  int connections = 4;
  bool keep_alive = true;
  TargetOverrides overrides;   // the request, the good answer and the stop signal, as the command line said
};

// The scenario file for one schedule (name, description, target, load, faults; every property).
std::string schedule_yaml(const ExploreSchedule& schedule, const ExploreCase& c, const std::string& description);

// "3 faults: +0 ms SIGKILL 1 random, +50 ms SIGTERM 2 newest, ..." for progress lines.
std::string describe_schedule(const ExploreSchedule& schedule);

// Workers the schedule kills in all (a victims count above N kills N): what the tests assert a
// shrunk schedule looks like.
int total_victims(const ExploreSchedule& schedule, int workers);

}  // namespace forkcheck::harness
