#include "harness/report/report_summary.hpp"

#include <cstdio>

#include "harness/check/checker.hpp"

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

std::string format_ns_as_ms(mono_ns ns) { return format_ms(ns_to_ms(ns)); }

}  // namespace forkcheck::harness
