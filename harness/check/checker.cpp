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

PropertyResult check_steps_match_walkthrough(const History& h, const Scenario& s) {
  const Property p = Property::steps_match_walkthrough;
  // The walkthrough's crash (rows 9-10) is the run's first fault meant to kill: when it did not
  // happen the rows after it show what the run did not do, not what the target did.
  const auto kill = std::find_if(h.faults.begin(), h.faults.end(), [](const FaultRecord& f) { return expects_death(f); });
  if (kill == h.faults.end()) return result(p, Verdict::unknown, "no worker was killed in this run: rows 9-10 cannot be compared");
  if (!kill->death_seen_ns)
    return result(p, Verdict::unknown, "the walkthrough's kill did not happen (no victim death was seen): rows 9-10 cannot be compared",
                  {kill->note.empty() ? "no note" : kill->note});
  const ExecutionTable table = build_execution_table(h, s, /*run_over=*/true);
  std::vector<std::string> evidence;
  int first = 0;
  for (const auto& r : table.rows) {
    if (!r.mismatch()) continue;
    if (first == 0) first = r.step;
    evidence.push_back(describe_mismatch(r));
  }
  const std::string rows = std::to_string(table.rows.size());
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
    case Property::no_worker_crash_on_input: return detail::check_no_worker_crash_on_input(h, s);
    case Property::recovery_latency_p99: return detail::check_recovery_latency_p99(h, s);
    case Property::failed_request_ratio: return detail::check_failed_request_ratio(h, s);
    case Property::recovery_time: return detail::check_recovery_time(h, s);
  }
  return detail::result(p, Verdict::unknown, "no checker for this property");
}

}  // namespace

PropertyResult check_property(Property p, const History& h, const Scenario& s) {
  try {
    return dispatch(p, h, s);
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
