// Properties about the requests: no_dropped_requests and service_available, and the attribution of
// failures to kills that both rely on.
#include <algorithm>
#include <cstdint>
#include <map>

#include "harness/check/checker_properties.hpp"

namespace forkcheck::harness {
namespace {

// What a kill can do to a connection the victim held: cut it (reset/EOF/a truncated response) or
// leave it hanging (timeout). A complete wrong answer or a refused connect is never the victim's.
bool connection_loss(RequestError e) {
  return e == RequestError::reset || e == RequestError::eof || e == RequestError::timeout ||
         e == RequestError::bad_response || e == RequestError::other;
}

}  // namespace

std::optional<std::size_t> excusing_fault(const History& h, const RequestRecord& r) {
  if (r.error == RequestError::ok || !connection_loss(r.error) || r.local_port == 0) return std::nullopt;
  for (std::size_t i = 0; i < h.faults.size(); ++i) {
    const FaultRecord& f = h.faults[i];
    const auto& ports = f.victim_client_ports;
    // A later connection that reuses the port was never the victim's: it must be opened by the kill.
    if (std::find(ports.begin(), ports.end(), r.local_port) != ports.end() && r.connection_opened_ns <= f.sent_ns &&
        r.end_ns >= f.sent_ns)
      return i;
  }
  return std::nullopt;
}

namespace detail {

// The instant a request belongs to: when the schedule wanted it sent. A request that never got a
// connection (start_ns = 0, recorded as a timeout) still belongs to its intended instant: it is a
// failure of exactly the moment connections were stuck.
mono_ns request_instant(const RequestRecord& r) { return r.intended_ns ? r.intended_ns : r.start_ns; }

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

std::string why_not_excused(const History& h, const RequestRecord& r) {
  if (!connection_loss(r.error)) return "not a lost connection";
  for (const auto& f : h.faults) {
    const auto& ports = f.victim_client_ports;
    if (r.local_port == 0 || std::find(ports.begin(), ports.end(), r.local_port) == ports.end()) continue;
    if (r.connection_opened_ns > f.sent_ns) return "port reused by a connection opened after the kill";
    return "failed before the kill";
  }
  return "not on a connection a killed worker held";
}

std::string describe(const History& h, const RequestRecord& r) {
  std::string line = std::string(r.probe ? "probe" : "request") + " #" + std::to_string(r.id) + " (connection " +
                     std::to_string(r.connection_id) + ", port " + std::to_string(r.local_port) + ", intended " +
                     at_ms(h, r.intended_ns) + ", ended " + at_ms(h, r.end_ns) + "): " + std::string(to_string(r.error));
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

PropertyResult check_no_dropped_requests(const History& h, const Scenario&) {
  const Property p = Property::no_dropped_requests;
  const mono_ns start = window_start(h), end = service_end_ns(h);
  Failures f;
  for (const auto& r : h.requests) {
    if (r.probe || !in_window(r, start, end)) continue;
    ++f.considered;
    if (r.error == RequestError::ok) continue;
    if (const auto i = excusing_fault(h, r)) {
      ++f.excused[r.error];
      continue;
    }
    ++f.bad[r.error];
    if (f.quoted.size() < kMaxQuoted) f.quoted.push_back(describe(h, r) + " — " + why_not_excused(h, r));
  }
  if (f.considered == 0) return result(p, Verdict::unknown, "no load request was recorded");
  std::vector<std::string> evidence{"failures by kind: " + counts_text(f.bad),
                                    "excused (on a killed worker's own connection): " + counts_text(f.excused)};
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

PropertyResult check_service_available(const History& h, const Scenario&) {
  const Property p = Property::service_available;
  const mono_ns start = window_start(h), end = service_end_ns(h);
  Failures f;
  for (const auto& r : h.requests) {
    if (!in_window(r, start, end)) continue;
    ++f.considered;
    const bool unavailable = r.error == RequestError::refused || r.error == RequestError::connect_timeout ||
                             (r.error == RequestError::timeout && !excusing_fault(h, r));
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
