// The pure half of faults.hpp: the plan and the victim choice.
#include <algorithm>
#include <csignal>
#include <limits>

#include "harness/faults/faults.hpp"

namespace forkcheck::harness {
namespace {

// [0, 1) from the top 53 bits: the same numbers from the same seed with any standard library.
double unit_interval(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

// [0, n) without modulo bias (rejection), again independent of the standard library.
std::uint64_t bounded(std::mt19937_64& rng, std::uint64_t n) {
  const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % n;
  std::uint64_t x = rng();
  while (x >= limit) x = rng();
  return x % n;
}

}  // namespace

int signal_for(FaultKind kind, int spec_signal) {
  switch (kind) {
    case FaultKind::kill_worker: return spec_signal > 0 ? spec_signal : SIGKILL;
    case FaultKind::stop_worker: return SIGSTOP;
    case FaultKind::cont_worker: return SIGCONT;
    case FaultKind::term_worker: return SIGTERM;
    case FaultKind::kill_all: return SIGKILL;
    case FaultKind::kill_primary: return SIGKILL;
    case FaultKind::term_primary: return spec_signal > 0 ? spec_signal : SIGTERM;  // the scenario's stop_signal
    case FaultKind::kill_new_workers: return SIGKILL;
    case FaultKind::create_file:
    case FaultKind::remove_file:
    case FaultKind::wire_fuzz: return 0;
  }
  return SIGKILL;
}

std::vector<PlannedFault> plan_faults(const Scenario& scenario, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<PlannedFault> plan;
  for (std::size_t i = 0; i < scenario.faults.size(); ++i) {
    const FaultSpec& spec = scenario.faults[i];
    for (int j = 0; j < spec.count; ++j) {
      // Both draws happen for every occurrence, so one fault's jitter never shifts another's victims.
      const double jitter = (2 * unit_interval(rng) - 1) * spec.jitter_s;
      PlannedFault f;
      f.spec_index = i;
      f.occurrence = j;
      f.kind = spec.kind;
      f.signal = signal_for(spec.kind, spec.signal);
      f.victim = spec.victim;
      f.victims = spec.victims;
      f.offset_ns = std::max<mono_ns>(0, seconds_to_ns(spec.at_s + j * spec.every_s + jitter));
      f.victim_seed = rng();
      f.window_ns = seconds_to_ns(spec.for_s);
      f.path = spec.path;
      plan.push_back(f);
    }
  }
  std::stable_sort(plan.begin(), plan.end(),
                   [](const PlannedFault& a, const PlannedFault& b) { return a.offset_ns < b.offset_ns; });
  return plan;
}

std::vector<pid_t> choose_victims(const std::vector<pid_t>& live, VictimSelector selector, int k,
                                  std::mt19937_64& rng) {
  const auto n = live.size();
  const auto take = static_cast<std::size_t>(std::clamp<long>(k, 0, static_cast<long>(n)));
  switch (selector) {
    case VictimSelector::all: return live;
    case VictimSelector::newest: return std::vector<pid_t>(live.end() - static_cast<long>(take), live.end());
    case VictimSelector::random: break;
  }
  std::vector<pid_t> pool = live;
  for (std::size_t i = 0; i < take; ++i) std::swap(pool[i], pool[i + bounded(rng, n - i)]);  // partial Fisher-Yates
  pool.resize(take);
  return pool;
}

}  // namespace forkcheck::harness
