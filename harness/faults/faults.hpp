#pragma once
// Faults: when (a pure plan from the scenario and the seed), whom (a pure choice among the live
// workers) and the effect (signals through pidfds, so a recycled pid is never hit).
// Attribution of a kill: the victims are frozen with SIGSTOP first, so the set of connections they
// hold cannot change; those connections' client ports are recorded; only then the signal is sent.
// Death is confirmed on the pidfd: a fault that did not happen is recorded with a note, never assumed.
#include <sys/types.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "harness/model/history.hpp"
#include "harness/model/scenario.hpp"

namespace forkcheck::harness {

struct PlannedFault {
  std::size_t spec_index = 0;   // which scenario fault
  int occurrence = 0;           // 0-based repetition of that fault
  FaultKind kind = FaultKind::kill_worker;
  int signal = 0;               // what will be sent (the kind's signal, or the spec's for kill_worker)
  VictimSelector victim = VictimSelector::random;
  int victims = 1;
  mono_ns offset_ns = 0;        // from the start of the load
  std::uint64_t victim_seed = 0;  // seeds this occurrence's victim choice
  mono_ns window_ns = 0;        // kill_new_workers: the storm's length
  std::string path;             // create_file / remove_file (FaultDriver resolves {crash_file})
};

// Pure and deterministic per seed (same scenario + seed -> same plan on any compiler: the seeded
// std::mt19937_64 is turned into numbers by our own code, not by std::*_distribution, whose output
// differs between standard libraries). Occurrence j of a fault is at at_s + j*every_s, plus a
// uniform +-jitter_s, never before the load starts. Sorted by offset.
std::vector<PlannedFault> plan_faults(const Scenario& scenario, std::uint64_t seed);

// Pure: `live` is oldest first (Observer::live_workers()). random: k distinct by the RNG;
// newest: the k most recently forked; all: every one. k is clamped to the number alive.
std::vector<pid_t> choose_victims(const std::vector<pid_t>& live, VictimSelector selector, int k,
                                  std::mt19937_64& rng);

// The signal a kind sends: SIGKILL (kill_*), SIGSTOP, SIGCONT, SIGTERM (term_worker), the scenario's
// stop_signal (term_primary, SIGTERM by default); kill_worker may carry another signal from the scenario.
int signal_for(FaultKind kind, int spec_signal);

// Performs the fault now. `live_workers` oldest first, from the observer. Death (kills, terms) or
// the state change (stop: seen stopped, cont: seen running) is awaited for `confirm_timeout_ns`
// from the instant the signal is sent: a kill's freeze of its victims (SIGSTOP first, at most
// kFreezeWait) is not taken from it. `scheduled_ns` is copied into the record (0: now).
FaultRecord inject(const PlannedFault& fault, const std::vector<pid_t>& live_workers, pid_t primary,
                   std::uint16_t server_port, mono_ns confirm_timeout_ns, mono_ns scheduled_ns = 0);

// How long a kill waits to see its victims stopped before it reads their connections and kills.
inline constexpr mono_ns kFreezeWait = ms_to_ns(200);

}  // namespace forkcheck::harness
