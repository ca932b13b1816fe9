#include "harness/report/report_summary.hpp"

#include <cstdio>

#include "harness/check/checker.hpp"

namespace forkcheck::harness {

RequestFigures count_requests(const History& h, const Scenario& s) {
  // One pass over the requests (a streamed log is read from its file), no copies.
  LoadAccumulator load, probes(/*include_probes=*/true);
  ExcusedTally excused;
  for (const auto& r : h.requests) {
    (r.probe ? probes : load).add(r);
    excused.add(h, s, r);
  }
  return {load.summary(), probes.summary(), excused.result()};
}

ReportModel build_report_model(const History& h, const Scenario& s, const std::vector<PropertyResult>& results,
                               const ReportMeta& meta) {
  ReportModel m;
  m.table = build_execution_table(h, s, /*run_over=*/true);
  m.tracker = build_variable_tracker(m.table);
  m.moments = key_moments(h, m.table);
  RequestFigures figures = count_requests(h, s);
  m.load = figures.load;
  m.probes = figures.probes;
  m.excused = std::move(figures.excused);
  for (std::size_t i = 0; i < h.faults.size(); ++i) m.recoveries.push_back(recovery_after(h, i));
  m.exit_code = exit_code_for(results);
  m.overall = m.exit_code == ExitCode::ok ? Verdict::pass
              : m.exit_code == ExitCode::violated ? Verdict::fail
                                                  : Verdict::unknown;
  if (!meta.interrupted.empty()) m.exit_code = ExitCode::interrupted;
  return m;
}

std::string load_requests_text(const LoadSummary& l, const ExcusedFailures& e) {
  std::string out = std::to_string(l.requests) + ": " + std::to_string(l.ok) + " ok, " +
                    failed_and_excused_text(l.failed(), e.excused);
  if (l.cancelled() > 0) out += ", " + std::to_string(l.cancelled()) + " cancelled by the interrupt";
  return out;
}

std::string failures_by_kind_text(const LoadSummary& l) {
  std::string kinds;
  for (RequestError e : all_request_errors())
    if (e != RequestError::ok && e != RequestError::cancelled && l.count(e) > 0)
      kinds += (kinds.empty() ? "" : ", ") + std::string(to_string(e)) + " " + std::to_string(l.count(e));
  return kinds.empty() ? "none" : kinds;
}

std::string format_one_decimal(double value) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.1f", value);
  return buf;
}

std::string format_ms(double ms) { return format_one_decimal(ms); }

std::string format_ns_as_ms(mono_ns ns) { return format_ms(ns_to_ms(ns)); }

}  // namespace forkcheck::harness
