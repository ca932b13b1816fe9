#include "harness/report/report_summary.hpp"

#include <cstdio>

#include "harness/check/checker.hpp"
#include "harness/model/c_escape.hpp"

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

std::vector<std::string> bad_body_lines(const History& h) {
  std::vector<std::string> lines;
  for (const BadBodySample& b : h.bad_bodies)
    lines.push_back("request #" + std::to_string(b.request_id) + ": status " + std::to_string(b.status) + ", " +
                    std::to_string(b.body_bytes) + " bytes: " + quote_bytes(b.body, kBadBodyKeptBytes) +
                    (b.body_bytes > b.body.size() ? "..." : ""));
  return lines;
}

std::string bad_body_heading(const LoadSpec& load) {
  return "bad_body: answers with another body than the expected " + quote_bytes(load.expected_body, 60) +
         " (load.expected_body; --expect-body TEXT or --any-body); the first:";
}

std::string format_ns_as_ms(mono_ns ns) { return format_ms(ns_to_ms(ns)); }

}  // namespace forkcheck::harness
