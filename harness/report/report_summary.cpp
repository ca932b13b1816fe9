#include "harness/report/report_summary.hpp"

#include <cstdio>

#include "harness/check/checker.hpp"
#include "harness/model/c_escape.hpp"

namespace forkcheck::harness {

ReportModel build_report_model(const History& h, const Scenario& s, const std::vector<PropertyResult>& results,
                               const ReportMeta& meta) {
  ReportModel m;
  m.table = build_execution_table(h, s, /*run_over=*/true);
  m.tracker = build_variable_tracker(m.table);
  m.moments = key_moments(h, m.table);
  // One pass over the requests (a streamed log is read from its file), no copies.
  LoadAccumulator load, probes(/*include_probes=*/true);
  for (const auto& r : h.requests) (r.probe ? probes : load).add(r);
  m.load = load.summary();
  m.probes = probes.summary();
  for (std::size_t i = 0; i < h.faults.size(); ++i) m.recoveries.push_back(recovery_after(h, i));
  m.exit_code = exit_code_for(results);
  m.overall = m.exit_code == ExitCode::ok ? Verdict::pass
              : m.exit_code == ExitCode::violated ? Verdict::fail
                                                  : Verdict::unknown;
  if (!meta.interrupted.empty()) m.exit_code = ExitCode::interrupted;
  return m;
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
