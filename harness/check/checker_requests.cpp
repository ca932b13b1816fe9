// Properties about the requests: no_dropped_requests and service_available, and the attribution of
// failures to kills that both rely on.
#include <algorithm>
#include <cstdint>
#include <map>

#include "harness/check/checker_properties.hpp"

namespace forkcheck::harness {
namespace {

constexpr mono_ns kNever = INT64_MAX;

// A fault's excuse: the instants between which a failure on its victims' connections is excused, or
// why it excuses nothing.
struct ExcuseWindow {
  mono_ns from = 0, to = 0;
  std::string until;  // what ends it, for the message
  std::string none;   // non-empty: the fault excuses nothing, and why
};

// The earliest exit of f's victims at or after its signal, else f's death instant.
mono_ns first_victim_death(const History& h, const FaultRecord& f) {
  mono_ns first = *f.death_seen_ns;
  for (const auto& w : h.workers)
    if (w.exit_ns && *w.exit_ns >= f.sent_ns && is_victim(h, f, w)) first = std::min(first, *w.exit_ns);
  return first;
}

// A stop's excuse ends when a victim is seen running again (a later cont_worker naming it), or once
// every victim has died, recovery_deadline_s after the last death; else never.
ExcuseWindow stop_excuse(const History& h, const FaultRecord& f, mono_ns deadline_ns) {
  ExcuseWindow w{f.sent_ns, kNever, "", ""};
  mono_ns last_death = 0;
  bool all_dead = !f.victims.empty();
  for (const auto& v : h.workers) {
    if (!is_victim(h, f, v)) continue;
    for (const auto& c : h.faults)
      if (c.kind == FaultKind::cont_worker && c.confirmed_ns && *c.confirmed_ns >= *f.confirmed_ns && is_victim(h, c, v) &&
          *c.confirmed_ns < w.to)
        w.to = *c.confirmed_ns, w.until = "its victim " + std::to_string(v.pid) + " was seen running again";
    if (v.exit_ns) last_death = std::max(last_death, *v.exit_ns);
    else all_dead = false;
  }
  if (all_dead && last_death + deadline_ns < w.to)
    w.to = last_death + deadline_ns, w.until = "the recovery deadline after its victims' death";
  return w;
}

ExcuseWindow excuse_window(const History& h, const Scenario& s, const FaultRecord& f) {
  const mono_ns deadline_ns = seconds_to_ns(s.recovery_deadline_s);
  if (terminates_workers(f)) return {0, 0, "", "a terminated worker must drain its connections: nothing is excused"};
  if (f.kind == FaultKind::stop_worker) {
    if (!f.confirmed_ns) return {0, 0, "", "its victim was never seen stopped"};
    return stop_excuse(h, f, deadline_ns);
  }
  if (!expects_death(f)) return {0, 0, "", "it neither kills nor stops a worker"};
  if (!f.death_seen_ns) return {0, 0, "", "its victims were not seen dead (the fault did not happen)"};
  return {std::max(f.sent_ns, first_victim_death(h, f) - kDeathStampSlack), *f.death_seen_ns + deadline_ns,
          "the recovery deadline after its victims' death", ""};
}

// What a kill can do to a connection the victim held: cut it (reset/EOF/a truncated response) or
// leave it hanging (timeout). A complete wrong answer or a refused connect is never the victim's.
bool connection_loss(RequestError e) {
  return e == RequestError::reset || e == RequestError::eof || e == RequestError::timeout ||
         e == RequestError::bad_response || e == RequestError::other;
}

// Why fault i, whose victims held the request's port, does not excuse it; empty when it does.
std::string fault_does_not_excuse(const History& h, const Scenario& s, std::size_t i, const RequestRecord& r) {
  const FaultRecord& f = h.faults[i];
  const std::string fault = detail::fault_label(h, i);
  // A later connection that reuses the port was never the victim's: it must be opened by the signal.
  if (r.connection_opened_ns > f.sent_ns) return "port reused by a connection opened after the signal of " + fault;
  const ExcuseWindow w = excuse_window(h, s, f);
  if (!w.none.empty()) return "on a connection a victim of " + fault + " held, but " + w.none;
  if (r.end_ns < w.from)
    return "failed before the victims of " + fault + " died (excused from " + detail::at_ms(h, w.from) + ")";
  if (r.end_ns > w.to)
    return "failed after the excuse of " + fault + " ended at " + detail::at_ms(h, w.to) + " (" + w.until + ")";
  return {};
}

}  // namespace

Excuse judge_excuse(const History& h, const Scenario& s, const RequestRecord& r) {
  if (r.error == RequestError::ok) return {};
  if (!connection_loss(r.error)) return {std::nullopt, "not a lost connection"};
  std::string why_not;
  for (std::size_t i = 0; r.local_port != 0 && i < h.faults.size(); ++i) {
    const auto& ports = h.faults[i].victim_client_ports;
    if (std::find(ports.begin(), ports.end(), r.local_port) == ports.end()) continue;
    std::string why = fault_does_not_excuse(h, s, i, r);
    if (why.empty()) return {i, {}};
    if (why_not.empty()) why_not = std::move(why);  // the first fault that held the port says why
  }
  return {std::nullopt, why_not.empty() ? "not on a connection a killed or stopped worker held" : why_not};
}

std::optional<std::size_t> excusing_fault(const History& h, const Scenario& s, const RequestRecord& r) {
  return judge_excuse(h, s, r).fault;
}

namespace detail {

// The instant a request belongs to: when it was sent (a request sent after the stop's SIGTERM is not
// the target's, whenever the schedule wanted it). A request that never got a connection (start_ns =
// 0, recorded as a timeout) belongs to its intended instant: it is a failure of exactly the moment
// connections were stuck.
mono_ns request_instant(const RequestRecord& r) { return r.start_ns ? r.start_ns : r.intended_ns; }

// The service window: from the instant the run opened it (N workers ready, and warmup_s of load
// behind: warm-up is not service) to service_end_ns (the stop, or a fault aimed at the primary).
// Histories without that instant (older reports) start at the port's first accepted connection.
// Requests while the target was still starting, and requests after the stop, are not the target's
// responsibility.
mono_ns window_start(const History& h) {
  if (h.target.service_start_ns) return *h.target.service_start_ns;
  if (h.target.listening_ns) return *h.target.listening_ns;
  mono_ns first_ok = INT64_MAX;
  for (const auto& r : h.requests)
    if (r.error == RequestError::ok) first_ok = std::min(first_ok, request_instant(r));
  return first_ok;
}

bool in_window(const RequestRecord& r, mono_ns start, mono_ns end) {
  // A request the harness's interrupt cut belongs to no window: no property counts it.
  if (cut_by_harness(r)) return false;
  const mono_ns t = request_instant(r);
  return t >= start && t < end;
}

namespace {

std::string describe(const History& h, const RequestRecord& r) {
  std::string line = std::string(r.probe ? "probe" : "request") + " #" + std::to_string(r.id) + " (connection " +
                     std::to_string(r.connection_id) + ", port " + std::to_string(r.local_port) + ", intended " +
                     at_ms(h, r.intended_ns) + (r.start_ns ? ", sent " + at_ms(h, r.start_ns) : std::string()) +
                     ", ended " + at_ms(h, r.end_ns) + "): " + std::string(to_string(r.error));
  if (r.start_ns == 0 && r.error == RequestError::timeout) line += " (never sent: no connection was free within the timeout)";
  if (r.status) line += " status " + std::to_string(r.status);
  if (r.worker_pid) line += " from pid " + std::to_string(r.worker_pid);
  return line;
}

std::string counts_text(const std::map<RequestError, std::size_t>& counts) {
  std::string out;
  for (const auto& [e, n] : counts) out += (out.empty() ? "" : ", ") + std::string(to_string(e)) + " " + std::to_string(n);
  return out.empty() ? "none" : out;
}

struct Failures {
  std::size_t considered = 0;
  std::map<RequestError, std::size_t> bad, excused;
  std::vector<std::string> quoted;
};

}  // namespace

PropertyResult check_no_dropped_requests(const History& h, const Scenario& s) {
  const Property p = Property::no_dropped_requests;
  const mono_ns start = window_start(h), end = service_end_ns(h);
  Failures f;
  for (const auto& r : h.requests) {
    if (r.probe || !in_window(r, start, end)) continue;
    ++f.considered;
    if (r.error == RequestError::ok) continue;
    const Excuse excuse = judge_excuse(h, s, r);
    if (excuse.fault) {
      ++f.excused[r.error];
      continue;
    }
    ++f.bad[r.error];
    if (f.quoted.size() < kMaxQuoted) f.quoted.push_back(describe(h, r) + " — " + excuse.why_not);
  }
  if (f.considered == 0) return result(p, Verdict::unknown, "no load request was recorded");
  std::vector<std::string> evidence{"failures by kind: " + counts_text(f.bad),
                                    "excused (on a killed or stopped worker's own connection, within its excuse): " + counts_text(f.excused)};
  std::size_t bad = 0, excused = 0;
  for (const auto& [e, n] : f.bad) bad += n;
  for (const auto& [e, n] : f.excused) excused += n;
  const std::string of = " of " + std::to_string(f.considered) + " requests";
  if (bad == 0)
    return result(p, Verdict::pass, "no request dropped" + of + " (" + std::to_string(excused) + " excused)",
                  std::move(evidence));
  evidence.insert(evidence.end(), f.quoted.begin(), f.quoted.end());
  return result(p, Verdict::fail, std::to_string(bad) + of + " failed outside a killed worker's connections",
                std::move(evidence));
}

PropertyResult check_service_available(const History& h, const Scenario& s) {
  const Property p = Property::service_available;
  const mono_ns start = window_start(h), end = service_end_ns(h);
  Failures f;
  for (const auto& r : h.requests) {
    if (!in_window(r, start, end)) continue;
    ++f.considered;
    const bool unavailable = r.error == RequestError::refused || r.error == RequestError::connect_timeout ||
                             (r.error == RequestError::timeout && !excusing_fault(h, s, r));
    if (!unavailable) continue;
    ++f.bad[r.error];
    if (f.quoted.size() < kMaxQuoted) f.quoted.push_back(describe(h, r));
  }
  if (f.considered == 0) return result(p, Verdict::unknown, "no request or probe was recorded");
  const std::string of = " of " + std::to_string(f.considered) + " requests and probes";
  if (f.bad.empty()) return result(p, Verdict::pass, "no connection refused or timed out" + of);
  std::size_t bad = 0;
  for (const auto& [e, n] : f.bad) bad += n;
  std::vector<std::string> evidence{"by kind: " + counts_text(f.bad)};
  evidence.insert(evidence.end(), f.quoted.begin(), f.quoted.end());
  return result(p, Verdict::fail, std::to_string(bad) + of + " were refused or timed out", std::move(evidence));
}

}  // namespace detail
}  // namespace forkcheck::harness
