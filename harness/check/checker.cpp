#include "harness/check/checker.hpp"

#include <algorithm>
#include <exception>
#include <string>

#include "harness/check/checker_properties.hpp"
#include "harness/check/execution_table.hpp"

namespace forkcheck::harness {
namespace detail {
namespace {

std::string describe_mismatch(const TableRow& r) {
  auto show = [](const auto& v, auto render) { return v ? render(*v) : std::string("not observed"); };
  const std::string workers = show(r.workers, [](int w) { return std::to_string(w); });
  const std::string listening = show(r.listening, [](bool b) { return std::string(b ? "Yes" : "No"); });
  return "row " + std::to_string(r.step) + " (" + r.action + "): Workers Count " + workers + " (expected " +
         std::to_string(r.expected_workers) + "), Server Listening " + listening + " (expected " +
         (r.expected_listening ? "Yes" : "No") + "); " + r.notes;
}

}  // namespace

bool fault_is_late(const History& h, const Scenario& s, std::size_t i) {
  const FaultRecord& f = h.faults[i];
  if (h.load_end_ns <= 0 || !(expects_death(f) || f.kind == FaultKind::stop_worker)) return false;
  const mono_ns t = fault_instant(f);
  return t + seconds_to_ns(s.recovery_deadline_s) > h.load_end_ns;
}

std::optional<std::string> late_fault_reason(const History& h, const Scenario& s) {
  for (std::size_t i = 0; i < h.faults.size(); ++i) {
    if (!fault_is_late(h, s, i)) continue;
    const FaultRecord& f = h.faults[i];
    const mono_ns t = fault_instant(f);
    const std::string when = t >= h.load_end_ns ? ms(t - h.load_end_ns) + " after the load ended"
                                                : ms(h.load_end_ns - t) + " before the load ended";
    return "fault " + std::to_string(i + 1) + " (" + std::string(to_string(f.kind)) + " at " + at_ms(h, t) + ") came " +
           when + ", within its recovery deadline of " + ms(seconds_to_ns(s.recovery_deadline_s)) +
           ": what it did to the service was not observed under load (the run was behind its schedule)";
  }
  return std::nullopt;
}

PropertyResult check_steps_match_walkthrough(const History& h, const Scenario& s) {
  const Property p = Property::steps_match_walkthrough;
  // The walkthrough's crash (rows 9-10) is the run's first fault meant to kill: when it did not
  // happen the rows after it show what the run did not do, not what the target did.
  const auto kill = std::find_if(h.faults.begin(), h.faults.end(), [](const FaultRecord& f) { return expects_death(f); });
  if (kill == h.faults.end()) return result(p, Verdict::unknown, "no worker was killed in this run: rows 9-10 cannot be compared");
  if (!kill->death_seen_ns)
    return result(p, Verdict::unknown, "the walkthrough's kill did not happen (no victim death was seen): rows 9-10 cannot be compared",
                  {kill->note.empty() ? "no note" : kill->note});
  // A late kill's rows 9-11 show the load's end, not the target: only rows 1-8 can still fail.
  const std::optional<std::string> late =
      fault_is_late(h, s, static_cast<std::size_t>(kill - h.faults.begin())) ? late_fault_reason(h, s) : std::nullopt;
  const ExecutionTable table = build_execution_table(h, s, /*run_over=*/true);
  std::vector<std::string> evidence;
  int first = 0;
  for (const auto& r : table.rows) {
    if (!r.mismatch() || (late && r.step >= 9)) continue;
    if (first == 0) first = r.step;
    evidence.push_back(describe_mismatch(r));
  }
  const std::string rows = std::to_string(table.rows.size());
  if (evidence.empty() && late) return result(p, Verdict::unknown, "rows 1-8 match the walkthrough; rows 9-11 cannot be compared: " + *late);
  const auto unjudged = std::find_if(table.rows.begin(), table.rows.end(), [](const TableRow& r) { return r.spread_unknown; });
  if (evidence.empty() && unjudged != table.rows.end())
    return result(p, Verdict::unknown, "every row matches but row 7's spread could not be judged: " + unjudged->notes);
  if (evidence.empty()) return result(p, Verdict::pass, "all " + rows + " rows match the walkthrough");
  // Built before the call: argument evaluation order is unspecified, and evidence is moved.
  const std::string summary = std::to_string(evidence.size()) + " of " + rows +
                              " rows differ from the walkthrough (first: row " + std::to_string(first) + ")";
  return result(p, Verdict::fail, summary, std::move(evidence));
}

}  // namespace detail

namespace {

PropertyResult dispatch(Property p, const History& h, const Scenario& s) {
  switch (p) {
    case Property::workers_restored: return detail::check_workers_restored(h, s);
    case Property::no_overshoot: return detail::check_no_overshoot(h, s);
    case Property::no_dropped_requests: return detail::check_no_dropped_requests(h, s);
    case Property::service_available: return detail::check_service_available(h, s);
    case Property::primary_alive: return detail::check_primary_alive(h, s);
    case Property::no_orphans: return detail::check_no_orphans(h, s);
    case Property::steps_match_walkthrough: return detail::check_steps_match_walkthrough(h, s);
    case Property::bounded_restarts: return detail::check_bounded_restarts(h, s);
    case Property::graceful_stop: return detail::check_graceful_stop(h, s);
    case Property::graceful_worker_stop: return detail::check_graceful_worker_stop(h, s);
    case Property::no_worker_crash_on_input: return detail::check_no_worker_crash_on_input(h, s);
    case Property::recovery_latency_p99: return detail::check_recovery_latency_p99(h, s);
    case Property::failed_request_ratio: return detail::check_failed_request_ratio(h, s);
    case Property::recovery_time: return detail::check_recovery_time(h, s);
  }
  return detail::result(p, Verdict::unknown, "no checker for this property");
}

// The properties that judge the requests through the faults: a pass says nothing when a fault's
// effect fell outside the load.
bool judges_requests_through_faults(Property p) {
  return p == Property::no_dropped_requests || p == Property::service_available ||
         p == Property::failed_request_ratio || p == Property::recovery_latency_p99;
}

PropertyResult with_late_faults_unknown(PropertyResult r, const History& h, const Scenario& s) {
  if (r.verdict != Verdict::pass || !judges_requests_through_faults(r.property)) return r;
  const std::optional<std::string> late = detail::late_fault_reason(h, s);
  if (!late) return r;
  r.evidence.insert(r.evidence.begin(), "over the requests that were made: " + r.summary);
  r.verdict = Verdict::unknown;
  r.summary = *late;
  return r;
}

}  // namespace

PropertyResult check_property(Property p, const History& h, const Scenario& s) {
  try {
    return with_late_faults_unknown(dispatch(p, h, s), h, s);
  } catch (const std::exception& e) {
    return detail::result(p, Verdict::unknown, std::string("the checker failed: ") + e.what());
  } catch (...) {
    return detail::result(p, Verdict::unknown, "the checker failed with an unknown exception");
  }
}

std::vector<PropertyResult> check(const History& h, const Scenario& s) {
  std::vector<PropertyResult> out;
  for (Property p : properties_to_check(s)) {
    if (p == Property::steps_match_walkthrough && !s.walkthrough) continue;
    out.push_back(check_property(p, h, s));
  }
  return out;
}

ExitCode exit_code_for(const std::vector<PropertyResult>& results) {
  bool unknown = false;
  for (const auto& r : results) {
    if (r.verdict == Verdict::fail) return ExitCode::violated;
    unknown = unknown || r.verdict == Verdict::unknown;
  }
  return unknown ? ExitCode::undecided : ExitCode::ok;
}

}  // namespace forkcheck::harness
