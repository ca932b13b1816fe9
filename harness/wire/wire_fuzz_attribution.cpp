#include "harness/wire/wire_fuzz_attribution.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

#include "common/name_table.hpp"

namespace forkcheck::harness {
namespace {

constexpr NameTable<WireOutcome, 6> kOutcomeNames{{
    {WireOutcome::answered, "answered"},
    {WireOutcome::closed, "closed"},
    {WireOutcome::reset, "reset"},
    {WireOutcome::timeout, "timeout"},
    {WireOutcome::refused, "refused"},
    {WireOutcome::error, "error"},
}};

// From this instant on, workers die because the run is ending or the primary is gone: the stop,
// the primary's own exit, or a fault aimed at the primary.
mono_ns end_of_judged_lives(const History& h) {
  mono_ns end = INT64_MAX;
  if (h.stop.stop_sent_ns > 0) end = h.stop.stop_sent_ns;
  if (h.stop.primary_exited_during_run && h.stop.primary_exit_ns) end = std::min(end, *h.stop.primary_exit_ns);
  for (const FaultRecord& f : h.faults)
    if (targets_primary(f.kind)) end = std::min(end, fault_instant(f));
  return end;
}

bool in_flight(const WireInputRecord& r, pid_t pid, mono_ns death_ns) {
  if (r.local_port == 0 || r.outcome == WireOutcome::refused) return false;
  if (r.worker_pid != 0 && r.worker_pid != pid) return false;
  return r.connect_ns <= death_ns && r.end_ns + kInFlightSlack >= death_ns;
}

mono_ns distance(mono_ns a, mono_ns b) { return a > b ? a - b : b - a; }

// How well the connection's end fits a worker dying on it: cut by the server unprompted first (the
// input a worker dies on gets no answer, and the worker needs no half-close to drop it), then ended
// only after the client half-closed or timed out, then answered.
int suspicion_tier(const WireInputRecord& r) {
  if (r.outcome == WireOutcome::answered) return 2;
  if (r.half_closed_ns != 0 || r.outcome == WireOutcome::timeout) return 1;
  return 0;
}

}  // namespace

std::string_view to_string(WireOutcome o) {
  return name_in(kOutcomeNames, o).value_or("unknown");
}

std::vector<std::size_t> inputs_in_flight(const History& h, pid_t pid, mono_ns death_ns) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < h.wire_inputs.size(); ++i)
    if (in_flight(h.wire_inputs[i], pid, death_ns)) out.push_back(i);
  std::stable_sort(out.begin(), out.end(), [&](std::size_t a, std::size_t b) {
    const WireInputRecord& x = h.wire_inputs[a];
    const WireInputRecord& y = h.wire_inputs[b];
    if (suspicion_tier(x) != suspicion_tier(y)) return suspicion_tier(x) < suspicion_tier(y);
    return distance(x.end_ns, death_ns) < distance(y.end_ns, death_ns);
  });
  return out;
}

std::vector<UnexplainedDeath> unexplained_deaths(const History& h) {
  const mono_ns end = end_of_judged_lives(h);
  std::vector<UnexplainedDeath> out;
  for (const WorkerLifetime& w : h.workers) {
    if (!w.exit_ns || *w.exit_ns >= end || fault_behind_death(h, w)) continue;
    if (w.exit_signal == 0 && w.exit_status == 0) continue;
    UnexplainedDeath d{w.pid, *w.exit_ns, w.exit_signal, w.exit_signal ? -1 : w.exit_status, {}, 0};
    d.suspects = inputs_in_flight(h, w.pid, d.exit_ns);
    d.in_flight = d.suspects.size();
    if (d.suspects.size() > kMaxSuspectsPerDeath) d.suspects.resize(kMaxSuspectsPerDeath);
    out.push_back(std::move(d));
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.exit_ns < b.exit_ns; });
  return out;
}

std::string crash_input_file_name(const WireInputRecord& r) {
  return "crash-input-" + std::to_string(r.sequence) + ".bin";
}

std::vector<std::size_t> crash_inputs_to_save(const History& h) {
  std::vector<std::size_t> out;
  for (const UnexplainedDeath& d : unexplained_deaths(h))
    for (std::size_t i : d.suspects)
      if (out.size() < kMaxCrashInputFiles && std::find(out.begin(), out.end(), i) == out.end()) out.push_back(i);
  return out;
}

}  // namespace forkcheck::harness
