// The harness-lateness rule: a pass over the checker's results (checker_harness_late.hpp). It re-reads
// only what a timing fail rests on -- each fault's recovery window, each failed request's timeout
// window, the SIGTERM's grace -- and asks whether a stall of the harness covered more than
// kHarnessLateFraction of that bound inside it. Conservative by construction: a fail it cannot tie to
// a stall, failure by failure, stays a fail.
#include "harness/check/checker_harness_late.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>

#include "harness/check/checker_properties.hpp"

namespace forkcheck::harness {
namespace {

using detail::at_ms;
using detail::ms;

std::string percent(double fraction) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%g %%", fraction * 100);
  return buf;
}

// The stalls of one history, read once per pass.
class Stalls {
 public:
  explicit Stalls(const History& h) : stalls_(harness_stalls(h.harness_health)) {}

  // The stall with the longest overlap with [from, to), if that overlap is over the fraction of bound_ns.
  std::optional<HarnessStall> within(mono_ns from, mono_ns to, mono_ns bound_ns) const {
    if (bound_ns <= 0 || to <= from) return std::nullopt;
    const double limit = kHarnessLateFraction * static_cast<double>(bound_ns);
    std::optional<HarnessStall> best;
    mono_ns best_overlap = 0;
    for (const HarnessStall& st : stalls_) {
      const mono_ns overlap = std::min(st.window.at_ns, to) - std::max(st.window.due_ns, from);
      if (static_cast<double>(overlap) > limit && overlap > best_overlap) best = st, best_overlap = overlap;
    }
    return best;
  }
  std::optional<HarnessStall> during(mono_ns from, mono_ns bound_ns) const { return within(from, from + bound_ns, bound_ns); }
  static mono_ns overlap(const HarnessStall& st, mono_ns from, mono_ns to) {
    return std::max<mono_ns>(0, std::min(st.window.at_ns, to) - std::max(st.window.due_ns, from));
  }
  bool empty() const { return stalls_.empty(); }

 private:
  std::vector<HarnessStall> stalls_;
};

std::string overloaded(const std::string& what) {
  return "the machine was overloaded (or forkcheck was stopped): " + what +
         ", so this fail may be the harness's, not the target's (the rule: docs/design.md, section 6)";
}

std::string bound_text(const char* name, mono_ns bound_ns) {
  return std::string(name) + " " + ms(bound_ns) + "; more than " + percent(kHarnessLateFraction) + " of it is " +
         ms(static_cast<mono_ns>(kHarnessLateFraction * static_cast<double>(bound_ns)));
}

// A later kill of the same storm: the storm is judged once, from its last kill (as workers_restored does).
bool later_storm_kill(const History& h, std::size_t i) {
  return h.faults[i].kind == FaultKind::kill_new_workers &&
         std::any_of(h.faults.begin() + static_cast<long>(i) + 1, h.faults.end(),
                     [](const FaultRecord& f) { return f.kind == FaultKind::kill_new_workers; });
}

// Every fault whose recovery `fails` (given its recovery and the bound) must have a stall in
// [death, death + bound); the reason names the first, or empty when one is not explained or none failed.
using FailsAt = std::function<bool(std::size_t, const FaultRecovery&)>;
std::optional<std::string> recoveries_explained(const History& h, const Stalls& stalls, mono_ns bound_ns,
                                                const char* bound_name, bool skip_storm, const FailsAt& fails) {
  std::optional<std::string> first;
  int failing = 0;
  for (std::size_t i = 0; i < h.faults.size(); ++i) {
    const FaultRecord& f = h.faults[i];
    if (targets_primary(f.kind) || touches_file(f.kind) || (skip_storm && later_storm_kill(h, i))) continue;
    const FaultRecovery r = recovery_after(h, i);
    if (!r.death_ns || !fails(i, r)) continue;
    ++failing;
    const auto st = stalls.during(*r.death_ns, bound_ns);
    if (!st) return std::nullopt;
    // A stall explains a recovery over its bound only if it could have held up its measure that much:
    // a recovery 5 ms over a 1 us bound is the target's, whatever 1 ms stall began at the death.
    if (const auto rt = r.recovery_ns(); rt && Stalls::overlap(*st, *r.death_ns, *r.death_ns + *rt) < *rt - bound_ns)
      return std::nullopt;
    if (!first)
      first = describe_stall(h, *st) + " during fault " + std::to_string(i + 1) + "'s recovery window (" +
              at_ms(h, *r.death_ns) + " to " + at_ms(h, *r.death_ns + bound_ns) + ", " + bound_text(bound_name, bound_ns) + ")";
  }
  if (failing == 0 || !first) return std::nullopt;
  return overloaded((failing > 1 ? "every failing fault's recovery window held a stall; the first: " : "") + *first);
}

std::optional<std::string> workers_restored(const History& h, const Scenario& s, const Stalls& stalls) {
  const mono_ns deadline = seconds_to_ns(s.recovery_deadline_s), end = service_end_ns(h);
  return recoveries_explained(h, stalls, deadline, "recovery_deadline_s", true, [&](std::size_t i, const FaultRecovery& r) {
    if (const auto rt = r.recovery_ns()) return *rt > deadline;
    return end - *r.death_ns >= deadline && !detail::fault_is_late(h, s, i);
  });
}

std::optional<std::string> recovery_time(const History& h, const Scenario& s, const Stalls& stalls) {
  if (!s.thresholds.recovery_ms_max) return std::nullopt;
  const auto bound = static_cast<mono_ns>(*s.thresholds.recovery_ms_max * 1e6);
  const mono_ns end = service_end_ns(h);
  return recoveries_explained(h, stalls, bound, "recovery_ms_max", false, [&](std::size_t, const FaultRecovery& r) {
    if (const auto rt = r.recovery_ns()) return *rt > bound;
    return end - *r.death_ns > bound;
  });
}

// Only its second half rests on time: N ready again within recovery_deadline_s once workers stopped
// being made to die. A burst of forks over the limit is what the kernel saw, whatever the harness did.
std::optional<std::string> bounded_restarts(const History& h, const Scenario& s, const Stalls& stalls) {
  std::vector<mono_ns> forks;
  for (const WorkerLifetime& w : h.workers) forks.push_back(w.fork_ns);
  std::sort(forks.begin(), forks.end());
  forks.erase(forks.begin(), forks.begin() + static_cast<long>(std::min(forks.size(), static_cast<std::size_t>(std::max(0, h.target.workers)))));
  const double limit = s.max_forks_per_s.value_or(kDefaultMaxForksPerS);
  for (std::size_t i = 0, j = 0; i < forks.size(); ++i) {
    while (j < forks.size() && forks[j] < forks[i] + seconds_to_ns(1)) ++j;
    if (static_cast<double>(j - i) > limit) return std::nullopt;
  }
  std::optional<mono_ns> stop;  // when workers stopped being made to die (as the checker reads it)
  for (const FaultRecord& f : h.faults)
    if (f.kind == FaultKind::remove_file) stop = std::max(stop.value_or(0), f.sent_ns);
    else if (f.kind == FaultKind::kill_new_workers) stop = std::max(stop.value_or(0), f.death_seen_ns.value_or(f.sent_ns));
  if (!stop) return std::nullopt;
  const mono_ns deadline = seconds_to_ns(s.recovery_deadline_s);
  const auto back = first_full_ready(h, *stop);
  const bool late = back ? *back - *stop > deadline : service_end_ns(h) - *stop >= deadline;
  if (!late) return std::nullopt;
  const auto st = stalls.during(*stop, deadline);
  if (!st) return std::nullopt;
  return overloaded(describe_stall(h, *st) + " while N ready workers were awaited after the deaths stopped (" + at_ms(h, *stop) +
                    " to " + at_ms(h, *stop + deadline) + ", " + bound_text("recovery_deadline_s", deadline) + ")");
}

// Only an exit 0 that came too late rests on time; no exit, a signal or a non-zero status do not.
std::optional<std::string> graceful_stop(const History& h, const Scenario& s, const Stalls& stalls) {
  const auto term = std::find_if(h.faults.begin(), h.faults.end(),
                                 [](const FaultRecord& f) { return f.kind == FaultKind::term_primary; });
  if (term == h.faults.end() || term->sent_ns == 0 || !h.stop.primary_exited_during_run ||
      h.stop.primary_exit_signal != 0 || h.stop.primary_exit_status != 0)
    return std::nullopt;
  const mono_ns grace = seconds_to_ns(s.stop_grace_s);
  const mono_ns exit_ns = h.stop.primary_exit_ns.value_or(term->death_seen_ns.value_or(0));
  if (exit_ns == 0 || exit_ns - term->sent_ns <= grace) return std::nullopt;
  const auto st = stalls.during(term->sent_ns, grace);
  if (!st) return std::nullopt;
  return overloaded(describe_stall(h, *st) + " during the primary's grace after its SIGTERM (" + at_ms(h, term->sent_ns) +
                    " to " + at_ms(h, term->sent_ns + grace) + ", " + bound_text("stop_grace_s", grace) + ")");
}

// A request's timeout window: from when it began (connect or first byte), or its intended instant
// when it never got a connection, for the load's timeout.
bool timed_out(const RequestRecord& r) {
  return r.error == RequestError::timeout || r.error == RequestError::connect_timeout;
}

struct RequestTally {
  std::size_t considered = 0, failing = 0, explained = 0;
  std::optional<HarnessStall> longest;
  bool undecidable = false;  // a failure that does not rest on time: the fail stands
};

void explain_request(const RequestRecord& r, mono_ns timeout, const Stalls& stalls, RequestTally& t) {
  ++t.failing;
  const mono_ns began = r.start_ns ? r.start_ns : detail::request_instant(r);
  const auto st = timed_out(r) ? stalls.during(began, timeout) : std::nullopt;
  if (!st) return;
  ++t.explained;
  if (!t.longest || st->window.lateness_ns() > t.longest->window.lateness_ns()) t.longest = st;
}

std::string requests_reason(const History& h, const RequestTally& t, mono_ns timeout, const std::string& what) {
  return overloaded(what + " a request timeout during a stall of the harness (" + bound_text("timeout_ms", timeout) +
                    "; the longest: " + describe_stall(h, *t.longest) + ")");
}

std::optional<std::string> no_dropped_requests(const History& h, const Scenario& s, const Stalls& stalls) {
  const mono_ns start = detail::window_start(h), end = service_end_ns(h), timeout = ms_to_ns(s.load.timeout_ms);
  RequestTally t;
  for (const RequestRecord& r : h.requests) {
    if (r.probe || r.error == RequestError::ok || !detail::in_window(r, start, end) || excusing_fault(h, s, r)) continue;
    explain_request(r, timeout, stalls, t);
    if (t.explained < t.failing) return std::nullopt;
  }
  if (t.failing == 0) return std::nullopt;
  return requests_reason(h, t, timeout, "each of the " + std::to_string(t.failing) + " unexcused failures is");
}

std::optional<std::string> service_available(const History& h, const Scenario& s, const Stalls& stalls) {
  const mono_ns start = detail::window_start(h), end = service_end_ns(h), timeout = ms_to_ns(s.load.timeout_ms);
  RequestTally t;
  for (const RequestRecord& r : h.requests) {
    if (!detail::in_window(r, start, end)) continue;
    if (r.error == RequestError::refused) return std::nullopt;  // refused while it was asked: not a matter of time
    if (!timed_out(r) || (r.error == RequestError::timeout && excusing_fault(h, s, r))) continue;
    explain_request(r, timeout, stalls, t);
    if (t.explained < t.failing) return std::nullopt;
  }
  if (t.failing == 0) return std::nullopt;
  return requests_reason(h, t, timeout, "each of the " + std::to_string(t.failing) + " requests and probes that timed out is");
}

// Failures the stalls explain are set aside; what remains must be within the bound.
std::optional<std::string> failed_request_ratio(const History& h, const Scenario& s, const Stalls& stalls) {
  if (!s.thresholds.failed_ratio_max) return std::nullopt;
  const mono_ns start = detail::window_start(h), end = service_end_ns(h), timeout = ms_to_ns(s.load.timeout_ms);
  RequestTally t;
  for (const RequestRecord& r : h.requests) {
    if (r.probe || !detail::in_window(r, start, end)) continue;
    ++t.considered;
    if (r.error != RequestError::ok) explain_request(r, timeout, stalls, t);
  }
  if (t.considered == 0 || t.explained == 0) return std::nullopt;
  const double rest = static_cast<double>(t.failing - t.explained) / static_cast<double>(t.considered);
  if (rest > *s.thresholds.failed_ratio_max) return std::nullopt;
  char ratio[64];
  std::snprintf(ratio, sizeof ratio, "%.6g", rest);
  return requests_reason(h, t, timeout,
                         "without the " + std::to_string(t.explained) + " failures the harness's stalls explain the ratio is " +
                             ratio + ", within the bound; each of those is");
}

// A stall inside a recovery window longer than the fraction of the latency bound inflates the
// latencies measured there (from the intended instant) by itself.
std::optional<std::string> recovery_latency_p99(const History& h, const Scenario& s, const Stalls& stalls) {
  if (!s.thresholds.recovery_latency_p99_ms) return std::nullopt;
  const auto bound = static_cast<mono_ns>(*s.thresholds.recovery_latency_p99_ms * 1e6);
  const mono_ns end = service_end_ns(h), deadline = seconds_to_ns(s.recovery_deadline_s);
  for (std::size_t i = 0; i < h.faults.size(); ++i) {
    if (targets_primary(h.faults[i].kind)) continue;
    const FaultRecovery r = recovery_after(h, i);
    if (!r.death_ns) continue;
    const mono_ns to = r.restored_ns ? *r.restored_ns : std::min(*r.death_ns + deadline, end);
    if (const auto st = stalls.within(*r.death_ns, to, bound))
      return overloaded(describe_stall(h, *st) + " inside fault " + std::to_string(i + 1) + "'s recovery window (" +
                        at_ms(h, *r.death_ns) + " to " + at_ms(h, to) + "), and every request in flight then waited for it (" +
                        bound_text("recovery_latency_p99_ms", bound) + ")");
  }
  return std::nullopt;
}

std::optional<std::string> explained_by_lateness(const PropertyResult& r, const History& h, const Scenario& s,
                                                 const Stalls& stalls) {
  switch (r.property) {
    case Property::workers_restored: return workers_restored(h, s, stalls);
    case Property::recovery_time: return recovery_time(h, s, stalls);
    case Property::graceful_stop: return graceful_stop(h, s, stalls);
    case Property::bounded_restarts: return bounded_restarts(h, s, stalls);
    case Property::no_dropped_requests: return no_dropped_requests(h, s, stalls);
    case Property::service_available: return service_available(h, s, stalls);
    case Property::failed_request_ratio: return failed_request_ratio(h, s, stalls);
    case Property::recovery_latency_p99: return recovery_latency_p99(h, s, stalls);
    default: return std::nullopt;  // no timing bound of the harness's own behind it
  }
}

}  // namespace

std::optional<HarnessStall> harness_late_during(const History& h, mono_ns from, mono_ns bound_ns) {
  return Stalls(h).during(from, bound_ns);
}

std::optional<HarnessStall> harness_was_late(const History& h, const Scenario& s) {
  const std::vector<HarnessStall> stalls = harness_stalls(h.harness_health);
  if (stalls.empty()) return std::nullopt;
  mono_ns smallest = ms_to_ns(s.load.timeout_ms);
  if (!s.faults.empty()) smallest = std::min(smallest, seconds_to_ns(s.recovery_deadline_s));
  if (std::any_of(s.faults.begin(), s.faults.end(), [](const FaultSpec& f) { return f.kind == FaultKind::term_primary; }))
    smallest = std::min(smallest, seconds_to_ns(s.stop_grace_s));
  if (s.thresholds.recovery_ms_max) smallest = std::min(smallest, static_cast<mono_ns>(*s.thresholds.recovery_ms_max * 1e6));
  if (s.thresholds.recovery_latency_p99_ms)
    smallest = std::min(smallest, static_cast<mono_ns>(*s.thresholds.recovery_latency_p99_ms * 1e6));
  const HarnessStall& worst = stalls.front();
  if (static_cast<double>(worst.window.lateness_ns()) <= kHarnessLateFraction * static_cast<double>(smallest)) return std::nullopt;
  return worst;
}

std::string describe_stall(const History& h, const HarnessStall& stall) {
  return "the harness's own " + stall.source + " was " + ms(stall.window.lateness_ns()) + " late (" +
         at_ms(h, stall.window.due_ns) + " to " + at_ms(h, stall.window.at_ns) + ")";
}

std::vector<PropertyResult> with_harness_lateness(std::vector<PropertyResult> results, const History& h,
                                                  const Scenario& s) {
  const Stalls stalls(h);
  if (stalls.empty()) return results;
  for (PropertyResult& r : results) {
    if (r.verdict != Verdict::fail) continue;
    std::optional<std::string> why;
    try {
      why = explained_by_lateness(r, h, s, stalls);
    } catch (const std::exception&) {
      why.reset();  // check-safe: a pass that cannot read the history leaves the verdict as checked
    }
    if (!why) continue;
    r.evidence.insert(r.evidence.begin(), "as checked, without the rule: " + r.summary);
    r.verdict = Verdict::unknown;
    r.summary = *why;
  }
  return results;
}

}  // namespace forkcheck::harness
