#pragma once
// Internal to the checker: one function per property, and the evidence formatting they share.
#include <cstdio>
#include <optional>
#include <string>

#include "harness/check/checker.hpp"

namespace forkcheck::harness::detail {

PropertyResult check_workers_restored(const History& h, const Scenario& s);
PropertyResult check_no_overshoot(const History& h, const Scenario& s);
PropertyResult check_primary_alive(const History& h, const Scenario& s);
PropertyResult check_no_orphans(const History& h, const Scenario& s);
PropertyResult check_no_dropped_requests(const History& h, const Scenario& s);
PropertyResult check_service_available(const History& h, const Scenario& s);
PropertyResult check_steps_match_walkthrough(const History& h, const Scenario& s);
PropertyResult check_bounded_restarts(const History& h, const Scenario& s);
PropertyResult check_graceful_stop(const History& h, const Scenario& s);
PropertyResult check_graceful_worker_stop(const History& h, const Scenario& s);
PropertyResult check_no_worker_crash_on_input(const History& h, const Scenario& s);
PropertyResult check_recovery_latency_p99(const History& h, const Scenario& s);
PropertyResult check_failed_request_ratio(const History& h, const Scenario& s);
PropertyResult check_recovery_time(const History& h, const Scenario& s);

// The service window's rule (docs/design.md, section 5), shared by every property over requests: a
// request belongs to the instant it was sent (its intended instant if it never was), and counts when
// that instant is in [window_start, service_end_ns) and the harness did not cut it (cut_by_harness:
// RequestError::cancelled).
mono_ns request_instant(const RequestRecord& r);
mono_ns window_start(const History& h);
bool in_window(const RequestRecord& r, mono_ns start, mono_ns end);

// A fault aimed at workers (a kill, a term, a stop) that came so late that the load had ended, or
// ended within the recovery deadline after it (the run was behind its schedule): what it did to the
// service was not observed under load. fault_is_late says it of fault i; late_fault_reason gives why
// for the first such fault of the run, empty when none.
bool fault_is_late(const History& h, const Scenario& s, std::size_t i);
std::optional<std::string> late_fault_reason(const History& h, const Scenario& s);

// Evidence quotes instants as milliseconds since the target's launch: "+1523.4 ms".
inline std::string at_ms(const History& h, mono_ns t) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "+%.1f ms", ns_to_ms(t - h.target.launch_ns));
  return buf;
}

inline std::string ms(mono_ns duration) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.1f ms", ns_to_ms(duration));
  return buf;
}

// "fault 2 (kill_worker SIGKILL at +1000.0 ms)": a fault as evidence names it.
inline std::string fault_label(const History& h, std::size_t i) {
  const FaultRecord& f = h.faults[i];
  return "fault " + std::to_string(i + 1) + " (" + std::string(to_string(f.kind)) + " " + signal_name(f.signal) +
         " at " + at_ms(h, fault_instant(f)) + ")";
}

// How a worker ended: "died of SIGSEGV", "exited with status 1", or that it is not known.
inline std::string exit_text(const WorkerLifetime& w) {
  if (w.exit_signal) return "died of " + signal_name(w.exit_signal);
  if (w.exit_status >= 0) return "exited with status " + std::to_string(w.exit_status);
  return "exited (how is unknown)";
}

inline PropertyResult result(Property p, Verdict v, std::string summary, std::vector<std::string> evidence = {}) {
  return PropertyResult{p, v, std::move(summary), std::move(evidence)};
}

// Whether the observer saw every fork and exit (the kernel's process events). The /proc sampler
// misses a child born and reaped between two samples, so a count it never saw go over a limit
// proves nothing.
inline bool sees_every_fork(const History& h) { return h.target.observer_source != "proc"; }
inline constexpr const char* kSampledCaveat =
    "as far as /proc sampling saw: a worker born and reaped between two samples is invisible to it (no proc "
    "connector in this run)";

// A create_file/remove_file fault can act only on a target told of its file: the target's command
// line names the path. Empty when it can (or the record has no path); else why it cannot.
inline std::string file_fault_cannot_act(const History& h, const FaultRecord& f) {
  if (!touches_file(f.kind) || file_fault_acts(h, f)) return {};
  return "cannot act on this target: its command line does not name " + f.path;
}

// A storm's kills are judged once, from its own last kill (workers_restored, bounded_restarts):
// during the storm no replacement can live. Each storm is judged: a later one does not stand for it.
inline bool later_kill_of_the_same_storm(const History& h, std::size_t i) {
  const FaultRecord& f = h.faults[i];
  for (std::size_t j = i + 1; f.kind == FaultKind::kill_new_workers && j < h.faults.size(); ++j)
    if (h.faults[j].kind == FaultKind::kill_new_workers && h.faults[j].storm == f.storm) return true;
  return false;
}

// At most this many individual requests or instants are quoted per property.
constexpr std::size_t kMaxQuoted = 5;

}  // namespace forkcheck::harness::detail
