// The thresholds a scenario sets (`thresholds:`): recovery_latency_p99, failed_request_ratio and
// recovery_time. Each is checked only when its bound is set; evidence quotes the bound applied and
// the figure observed. Requests are read in one pass over the (streamed) log; percentiles come from
// the load statistics' histogram, windows from the service window's rule and recovery_after.
#include <algorithm>
#include <cstdio>

#include "harness/check/checker_properties.hpp"
#include "harness/load/load_stats.hpp"

namespace forkcheck::harness::detail {
namespace {

struct Window {
  std::size_t fault_index = 0;
  mono_ns from_ns = 0, to_ns = 0;
};

std::string fault_name(const History& h, std::size_t i) {
  return "fault " + std::to_string(i + 1) + " (" + std::string(to_string(h.faults[i].kind)) + ")";
}

// A recovery window: from a fault's death to N ready again, or to its deadline (cut at the end of
// the service window) when N ready workers were not restored.
std::vector<Window> recovery_windows(const History& h, const Scenario& s) {
  std::vector<Window> out;
  const mono_ns end = service_end_ns(h);
  const auto deadline_ns = static_cast<mono_ns>(s.recovery_deadline_s * 1e9);
  for (std::size_t i = 0; i < h.faults.size(); ++i) {
    if (targets_primary(h.faults[i].kind)) continue;
    const FaultRecovery r = recovery_after(h, i);
    if (!r.death_ns) continue;
    const mono_ns to = r.restored_ns ? *r.restored_ns : std::min(*r.death_ns + deadline_ns, end);
    if (to > *r.death_ns) out.push_back({i, *r.death_ns, to});
  }
  return out;
}

std::string number(double v, const char* format) {
  char buf[48];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

}  // namespace

PropertyResult check_recovery_latency_p99(const History& h, const Scenario& s) {
  const Property p = Property::recovery_latency_p99;
  if (!s.thresholds.recovery_latency_p99_ms) return result(p, Verdict::unknown, "no bound set (thresholds.recovery_latency_p99_ms)");
  const double bound_ms = *s.thresholds.recovery_latency_p99_ms;
  const std::vector<Window> windows = recovery_windows(h, s);
  if (windows.empty()) return result(p, Verdict::unknown, "no recovery window: no fault's victim death was seen");
  LoadAccumulator acc;
  for (const RequestRecord& r : h.requests) {
    // By its intended instant, as its latency is (end - intended): a request the load could not send
    // on time is a slow request of that moment (coordinated omission), not one of a later moment.
    const mono_ns t = r.intended_ns ? r.intended_ns : r.start_ns;
    if (std::any_of(windows.begin(), windows.end(), [t](const Window& w) { return t >= w.from_ns && t < w.to_ns; }))
      acc.add(r);
  }
  const LoadSummary sum = acc.summary();
  std::vector<std::string> evidence;
  for (const Window& w : windows)
    evidence.push_back(fault_name(h, w.fault_index) + ": window " + at_ms(h, w.from_ns) + " to " + at_ms(h, w.to_ns));
  evidence.push_back(std::to_string(sum.requests) + " load requests intended in the windows, " + std::to_string(sum.ok) +
                     " succeeded");
  if (sum.latency.count == 0)
    return result(p, Verdict::unknown, "no load request succeeded during a recovery window: no latency to judge",
                  std::move(evidence));
  const double p99_ms = sum.latency.p99_us / 1e3;
  const std::string figures = "p99 " + number(p99_ms, "%.2f ms") + " (bound " + number(bound_ms, "%g ms") + ", over " +
                              std::to_string(sum.latency.count) + " requests)";
  if (p99_ms <= bound_ms) return result(p, Verdict::pass, figures, std::move(evidence));
  return result(p, Verdict::fail, figures + ": over the bound", std::move(evidence));
}

PropertyResult check_failed_request_ratio(const History& h, const Scenario& s) {
  const Property p = Property::failed_request_ratio;
  if (!s.thresholds.failed_ratio_max) return result(p, Verdict::unknown, "no bound set (thresholds.failed_ratio_max)");
  const double bound = *s.thresholds.failed_ratio_max;
  const mono_ns start = window_start(h), end = service_end_ns(h);
  std::uint64_t considered = 0, failed = 0;
  for (const RequestRecord& r : h.requests) {
    if (r.probe || !in_window(r, start, end)) continue;
    ++considered;
    if (r.error != RequestError::ok) ++failed;
  }
  if (considered == 0) return result(p, Verdict::unknown, "no load request in the service window");
  const double ratio = static_cast<double>(failed) / static_cast<double>(considered);
  const std::string figures = std::to_string(failed) + " of " + std::to_string(considered) + " load requests failed: ratio " +
                              number(ratio, "%.6g") + " (bound " + number(bound, "%g") + ")";
  const std::vector<std::string> evidence{"service window " + at_ms(h, start) + " to " + at_ms(h, end) +
                                          "; every failure counts, excused or not"};
  if (ratio <= bound) return result(p, Verdict::pass, figures, evidence);
  return result(p, Verdict::fail, figures + ": over the bound", evidence);
}

PropertyResult check_recovery_time(const History& h, const Scenario& s) {
  const Property p = Property::recovery_time;
  if (!s.thresholds.recovery_ms_max) return result(p, Verdict::unknown, "no bound set (thresholds.recovery_ms_max)");
  const double bound_ms = *s.thresholds.recovery_ms_max;
  const auto bound_ns = static_cast<mono_ns>(bound_ms * 1e6);
  const std::string bound = " (bound " + number(bound_ms, "%g ms") + ")";
  const mono_ns end = service_end_ns(h);
  std::vector<std::string> evidence;
  int over = 0, undecided = 0, judged = 0;
  mono_ns slowest_ns = 0;  // the longest recovery, or time without N ready for one never restored
  for (std::size_t i = 0; i < h.faults.size(); ++i) {
    if (targets_primary(h.faults[i].kind)) continue;
    const FaultRecovery r = recovery_after(h, i);
    if (!r.death_ns) continue;
    ++judged;
    if (const auto rt = r.recovery_ns()) {
      const bool ok = *rt <= bound_ns;
      slowest_ns = std::max(slowest_ns, *rt);
      over += ok ? 0 : 1;
      evidence.push_back(fault_name(h, i) + ": recovery " + ms(*rt) + bound + (ok ? "" : ": over the bound"));
    } else if (end - *r.death_ns > bound_ns) {
      ++over;
      slowest_ns = std::max(slowest_ns, end - *r.death_ns);
      evidence.push_back(fault_name(h, i) + ": not restored within " + ms(end - *r.death_ns) + " of the death" + bound);
    } else {
      ++undecided;
      evidence.push_back(fault_name(h, i) + ": the service window ended " + ms(end - *r.death_ns) +
                         " after the death, before the bound and before N ready" + bound);
    }
  }
  if (judged == 0) return result(p, Verdict::unknown, "no fault's victim death was seen: no recovery to time" + bound);
  const std::string of = " of " + std::to_string(judged) + " recoveries";
  const std::string slowest = "; slowest " + ms(slowest_ns);
  if (over > 0) return result(p, Verdict::fail, std::to_string(over) + of + " over" + bound + slowest, std::move(evidence));
  if (undecided > 0)
    return result(p, Verdict::unknown, std::to_string(undecided) + of + " undecided" + bound, std::move(evidence));
  return result(p, Verdict::pass, "every recovery within" + bound + slowest, std::move(evidence));
}

}  // namespace forkcheck::harness::detail
