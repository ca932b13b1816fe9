#include "harness/report/report_markdown.hpp"

#include <sstream>

#include "harness/model/pid_list.hpp"
#include "harness/report/markdown_text.hpp"
#include "harness/report/report_health.hpp"
#include "harness/report/report_wire_fuzz.hpp"

namespace forkcheck::harness {
namespace {

std::string cell(std::string_view text) { return markdown_cell(text); }

std::string yes_no(const std::optional<bool>& b) { return b ? (*b ? "Yes" : "No") : "—"; }

// Which children were workers and which helpers, and how long the target took to be ready.
void write_workers_and_warmup(std::ostream& o, const History& h) {
  if (!h.target.workers_rule.empty()) o << "- Workers: " << h.target.workers_rule << "\n";
  if (!h.helpers.empty()) {
    o << "- Helpers (children of the primary that are not workers; never counted, never a victim):";
    for (const HelperProcess& p : h.helpers)
      o << " pid " << p.pid << " `" << (p.command.empty() ? "(command line not read)" : p.command) << "`"
        << (p.exit_ns ? " (exited at " + format_ns_as_ms(*p.exit_ns - h.target.launch_ns) + " ms)" : "") << ";";
    o << "\n";
  }
  if (h.target.ready_ns)
    o << "- Warm-up: " << h.target.workers << " workers ready at " << format_ns_as_ms(*h.target.ready_ns - h.target.launch_ns)
      << " ms after the launch" << (h.load_begin_ns ? " (" + format_ns_as_ms(*h.target.ready_ns - h.load_begin_ns) + " ms after the load began)" : "")
      << "; the service window starts at "
      << format_ns_as_ms(h.target.service_start_ns.value_or(*h.target.ready_ns) - h.target.launch_ns) << " ms\n";
  else if (h.target.service_start_ns)
    o << "- Warm-up: readiness was not observed; the service window starts at the end of warm-up, "
      << format_ns_as_ms(*h.target.service_start_ns - h.target.launch_ns) << " ms\n";
}

void write_header(std::ostream& o, const History& h, const Scenario& s, const ReportModel& m, const ReportMeta& meta) {
  o << "# forkcheck report: " << s.name << "\n\n";
  if (!s.description.empty()) o << s.description << "\n\n";
  if (!meta.interrupted.empty())
    o << "- Verdict: **interrupted** (exit " << to_int(m.exit_code) << "): " << meta.interrupted
      << ". This report is partial: the verdicts below judge only what was observed before the run stopped.\n";
  else
    o << "- Verdict: **" << to_string(m.overall) << "** (exit " << to_int(m.exit_code) << ")\n";
  o << "- Scenario: `" << s.source_path << "`, seed " << s.seed << "\n";
  o << "- Target: `" << h.target.command << "` (primary pid " << h.target.primary_pid << "), N = " << h.target.workers
    << ", port " << h.target.port << "\n";
  o << "- Observation: " << (h.target.white_box ? "white-box (the target's events) and " : "black-box, ")
    << "observer source `" << (h.target.observer_source.empty() ? "unknown" : h.target.observer_source) << "`\n";
  write_workers_and_warmup(o, h);
  o << "\n";
}

void write_table(std::ostream& o, const History& h, const Scenario& s, const ReportModel& m) {
  o << "## Execution table\n\n";
  o << "| Step | Time (ms) | Action | Process Type | Workers Count | Server Listening | Notes | Expected | Match |\n";
  o << "|---:|---:|---|---|---:|---|---|---|:---:|\n";
  for (const auto& r : m.table.rows) {
    o << "| " << r.step << " | " << (r.t_ns ? format_ns_as_ms(*r.t_ns - m.table.launch_ns) : "—") << " | "
      << cell(r.action) << " | " << to_string(r.process) << " | " << (r.workers ? std::to_string(*r.workers) : "—")
      << " | " << yes_no(r.listening) << " | " << cell(r.notes) << " | " << r.expected_workers << ", "
      << (r.expected_listening ? "Yes" : "No") << " | " << match_mark(r, s.walkthrough) << " |\n";
  }
  o << "\nTimes are milliseconds since the target's launch; Expected is the walkthrough's Workers Count and "
       "Server Listening for N = "
    << m.table.n << (s.walkthrough ? "" : "; Match is not judged: this scenario is not the walkthrough") << ".";
  if (h.load_start_ns > 0)
    o << " The load (and each fault's `at_s`) starts at " << format_ns_as_ms(h.load_start_ns - m.table.launch_ns) << " ms.";
  o << "\n\n";
}

void write_tracker(std::ostream& o, const ReportModel& m) {
  o << "## Variable tracker\n\n| Variable |";
  for (const auto& c : m.tracker.columns) o << " " << c << " |";
  o << "\n|---|";
  for (std::size_t i = 0; i < m.tracker.columns.size(); ++i) o << "---|";
  o << "\n";
  for (const auto& row : m.tracker.rows) {
    o << "| " << row.variable << " |";
    for (const auto& c : row.cells)
      o << " " << cell(c.observed) << (c.mismatch ? " ✗ (expected " + cell(c.expected) + ")" : "") << " |";
    o << "\n";
  }
  o << "\n## Key moments\n\n";
  for (std::size_t i = 0; i < m.moments.size(); ++i) {
    const auto& k = m.moments[i];
    o << i + 1 << ". **" << k.question << "** " << to_string(k.status) << " (" << k.rows << "): " << k.evidence << "\n";
  }
  o << "\n";
}

void write_properties(std::ostream& o, const std::vector<PropertyResult>& results) {
  o << "## Properties\n\n| Property | Verdict | Summary |\n|---|---|---|\n";
  for (const auto& r : results)
    o << "| `" << to_string(r.property) << "` | " << to_string(r.verdict) << " | " << cell(r.summary) << " |\n";
  for (const auto& r : results) {
    if (r.evidence.empty()) continue;
    o << "\n### " << to_string(r.property) << " (" << to_string(r.verdict) << ")\n\n";
    for (const auto& e : r.evidence) o << "- " << e << "\n";
  }
  o << "\n";
}

void write_load(std::ostream& o, const History& h, const Scenario& s, const ReportModel& m) {
  const auto& l = m.load;
  o << "## Load\n\n| | |\n|---|---|\n";
  o << "| requests | " << load_requests_text(l, m.excused) << " |\n";
  o << "| failures by kind | " << failures_by_kind_text(l) << " |\n";
  o << "| latency p50 / p90 / p99 / max (ms, from the intended send time) | " << format_ms(l.latency.p50_us / 1e3)
    << " / " << format_ms(l.latency.p90_us / 1e3) << " / " << format_ms(l.latency.p99_us / 1e3) << " / "
    << format_ms(l.latency.max_us / 1e3) << " |\n";
  const mono_ns span = h.load_end_ns - h.load_start_ns;
  if (span > 0)
    o << "| achieved rate | " << format_ms(static_cast<double>(l.requests) / (static_cast<double>(span) / 1e9)) << " requests/s |\n";
  o << "| readiness probes | " << m.probes.requests << " (" << m.probes.failed() << " failed) |\n\n";
  if (h.bad_bodies.empty()) return;
  o << bad_body_heading(s.load) << "\n\n";
  for (const std::string& line : bad_body_lines(h)) o << "- " << markdown_code(line) << "\n";
  o << "\n";
}

// Failures a fault excuses are not hidden inside a pass: each fault's count and first requests.
void write_excused(std::ostream& o, const History& h, const ReportModel& m) {
  if (m.excused.excused == 0) return;
  o << "## Excused failures\n\n" << m.excused.excused << " of the " << m.excused.failed
    << " failed load requests were on a connection a fault's victim held when it was signalled (the excuse "
       "`no_dropped_requests` applies).\n\n| Fault | Kind | Excused | First requests |\n|---:|---|---:|---|\n";
  for (const ExcusedByFault& f : m.excused.by_fault) {
    std::string first;
    for (const RequestRecord& r : f.first) first += (first.empty() ? "" : " · ") + excused_request_text(h, r);
    o << "| " << f.fault_index + 1 << " | " << to_string(h.faults[f.fault_index].kind) << " | " << f.count << " | "
      << cell(first) << (f.count > f.first.size() ? " · …" : "") << " |\n";
  }
  o << "\n";
}

void write_recoveries(std::ostream& o, const History& h, const ReportModel& m) {
  if (m.recoveries.empty()) return;
  o << "## Faults and recovery\n\n| Fault | Kind | Signal | Victims | Sent (ms) | Death seen (ms) | Replacement | "
       "Forked after (ms) | Recovery (ms) |\n|---:|---|---|---|---:|---:|---|---:|---:|\n";
  for (const auto& r : m.recoveries) {
    const FaultRecord& f = h.faults[r.fault_index];
    const std::string victims = pid_list(f.victims), repl = pid_list(r.replacements);
    const auto rel = [&](std::optional<mono_ns> t) { return t ? format_ns_as_ms(*t - h.target.launch_ns) : "—"; };
    o << "| " << r.fault_index + 1 << " | " << to_string(f.kind) << " | " << signal_name(f.signal) << " | "
      << (victims.empty() ? "—" : victims) << " | " << rel(f.sent_ns) << " | "
      << (r.death_ns ? rel(r.death_ns) : "did not happen" + (f.note.empty() ? "" : ": " + cell(f.note))) << " | "
      << (repl.empty() ? "—" : repl) << " | "
      << (r.replacement_fork_ns && r.death_ns ? format_ns_as_ms(*r.replacement_fork_ns - *r.death_ns) : "—") << " | "
      << (r.recovery_ns() ? format_ns_as_ms(*r.recovery_ns()) : "—") << " |\n";
  }
  o << "\nRecovery: from the victim's death to the first instant N workers are ready again.\n\n";
}

}  // namespace

std::string render_markdown_report(const History& h, const Scenario& s, const std::vector<PropertyResult>& results,
                                   const ReportMeta& meta) {
  const ReportModel m = build_report_model(h, s, results, meta);
  std::ostringstream o;
  write_header(o, h, s, m, meta);
  write_table(o, h, s, m);
  write_tracker(o, m);
  write_properties(o, results);
  write_load(o, h, s, m);
  write_excused(o, h, m);
  write_recoveries(o, h, m);
  write_wire_fuzz_markdown(o, h, s);
  write_harness_health_markdown(o, h, s);
  o << "## Reproduce\n\n```sh\n" << meta.command_line << "\n```\n";
  if (!meta.report_dir.empty()) o << "\nReport directory: `" << meta.report_dir << "`";
  if (!meta.forkcheck_version.empty()) o << (meta.report_dir.empty() ? "\n" : " · ") << "forkcheck " << meta.forkcheck_version;
  o << "\n";
  return o.str();
}

}  // namespace forkcheck::harness
