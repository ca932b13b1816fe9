#include "harness/report/html/report_html.hpp"

#include <sstream>

#include "harness/model/pid_list.hpp"
#include "harness/report/html/html_text.hpp"
#include "harness/report/html/timeline_svg.hpp"
#include "harness/report/report_health.hpp"
#include "harness/report/report_wire_fuzz.hpp"

namespace forkcheck::harness {
namespace {

// report.html's own rules (html_page_start holds the shared ones).
constexpr const char* kPageStyle = R"(tr.mismatch{background:#fde8e0}tr:target{outline:3px solid #e69f00}
.verdict{font-weight:bold;padding:1px 8px;border-radius:3px;border:1px solid}
.verdict.pass{background:#d7f0e5;border-color:#009e73}.verdict.fail{background:#fbd9c9;border-color:#d55e00}
.verdict.unknown{background:#eee;border-color:#777}
figure{margin:0;overflow-x:auto}figcaption{font-size:.92em;color:#444;margin:.3em 0}
)";

std::string yes_no(const std::optional<bool>& b) { return b ? (*b ? "Yes" : "No") : "—"; }
std::string rel_ms(const History& h, std::optional<mono_ns> t) {
  return t ? format_ns_as_ms(*t - h.target.launch_ns) : "—";
}
std::string verdict_badge(Verdict v) {
  const std::string name(to_string(v));
  return "<span class=\"verdict " + name + "\">" + name + "</span>";
}
// The timeline element an execution-table row links to.
std::string row_anchor(std::size_t row_index) { return "t-row-" + std::to_string(row_index + 1); }

void write_header(std::ostream& o, const History& h, const Scenario& s, const ReportModel& m) {
  o << "<h1>forkcheck report: " << escape_html(s.name) << "</h1>\n";
  if (!s.description.empty()) o << "<p>" << escape_html(s.description) << "</p>\n";
  o << "<ul><li>Verdict: " << verdict_badge(m.overall) << " (exit " << to_int(m.exit_code) << ")</li>"
    << "<li>Scenario: <code>" << escape_html(s.source_path) << "</code>, seed " << s.seed << "</li>"
    << "<li>Target: <code>" << escape_html(h.target.command) << "</code> (primary pid " << h.target.primary_pid
    << "), N = " << h.target.workers << ", port " << h.target.port << "</li>"
    << "<li>Observation: " << (h.target.white_box ? "white-box (the target's events) and " : "black-box, ")
    << "observer source <code>" << escape_html(h.target.observer_source.empty() ? "unknown" : h.target.observer_source)
    << "</code></li></ul>\n";
}

void write_timeline(std::ostream& o, const History& h, const Scenario& s, const ReportModel& m) {
  std::vector<TimelineAnchor> anchors;
  for (std::size_t i = 0; i < m.table.rows.size(); ++i) {
    const TableRow& r = m.table.rows[i];
    if (r.t_ns)
      anchors.push_back({row_anchor(i), std::to_string(r.step),
                         "Step " + std::to_string(r.step) + ": " + r.action + " at " + rel_ms(h, r.t_ns) + " ms",
                         "#row-" + std::to_string(i + 1), *r.t_ns});
  }
  const TimelineModel t = build_timeline(h, s);
  o << "<h2 id=\"timeline\">Timeline</h2>\n<figure>\n" << render_timeline_svg(h, t, m.recoveries, anchors)
    << "<figcaption>" << h.workers.size() << " worker lanes below the primary's, " << h.faults.size()
    << " fault markers (F1, F2, …), " << t.seen[0] + t.seen[1] + t.seen[2] << " load requests ("
    << t.points.size() << " drawn). Hover a lane, marker or failed request for its details.</figcaption>\n</figure>\n";
}

void write_table(std::ostream& o, const History& h, const ReportModel& m) {
  o << "<h2 id=\"execution-table\">Execution table</h2>\n<table><tr><th>Step</th><th>Time (ms)</th><th>Action</th>"
       "<th>Process Type</th><th>Workers Count</th><th>Server Listening</th><th>Notes</th><th>Expected</th><th>Match</th></tr>\n";
  for (std::size_t i = 0; i < m.table.rows.size(); ++i) {
    const TableRow& r = m.table.rows[i];
    const std::string time = rel_ms(h, r.t_ns);
    o << "<tr id=\"row-" << i + 1 << "\"" << (r.mismatch() ? " class=\"mismatch\"" : "") << "><td>" << r.step << "</td><td>"
      << (r.t_ns ? "<a href=\"#" + row_anchor(i) + "\">" + time + "</a>" : time) << "</td><td>" << escape_html(r.action)
      << "</td><td>" << to_string(r.process) << "</td><td>" << (r.workers ? std::to_string(*r.workers) : "—")
      << "</td><td>" << yes_no(r.listening) << "</td><td>" << escape_html(r.notes) << "</td><td>" << r.expected_workers
      << ", " << (r.expected_listening ? "Yes" : "No") << "</td><td>" << (r.mismatch() ? "✗ mismatch" : "✓") << "</td></tr>\n";
  }
  o << "</table>\n<p>Times are milliseconds since the target's launch (each links to its instant on the timeline); "
       "Expected is the walkthrough's Workers Count and Server Listening for N = "
    << m.table.n << ".</p>\n";
}

void write_tracker(std::ostream& o, const ReportModel& m) {
  o << "<h2>Variable tracker</h2>\n<table><tr><th>Variable</th>";
  for (const auto& c : m.tracker.columns) o << "<th>" << escape_html(c) << "</th>";
  o << "</tr>\n";
  for (const auto& row : m.tracker.rows) {
    o << "<tr><td>" << escape_html(row.variable) << "</td>";
    for (const auto& c : row.cells)
      o << "<td>" << escape_html(c.observed) << (c.mismatch ? " ✗ (expected " + escape_html(c.expected) + ")" : "") << "</td>";
    o << "</tr>\n";
  }
  o << "</table>\n<h2>Key moments</h2>\n<ol>\n";
  for (const auto& k : m.moments)
    o << "<li><b>" << escape_html(k.question) << "</b> " << to_string(k.status) << " (" << escape_html(k.rows)
      << "): " << escape_html(k.evidence) << "</li>\n";
  o << "</ol>\n";
}

void write_properties(std::ostream& o, const std::vector<PropertyResult>& results) {
  o << "<h2 id=\"properties\">Properties</h2>\n<table><tr><th>Property</th><th>Verdict</th><th>Summary</th></tr>\n";
  for (const auto& r : results)
    o << "<tr><td><code>" << to_string(r.property) << "</code></td><td>" << verdict_badge(r.verdict) << "</td><td>"
      << escape_html(r.summary) << "</td></tr>\n";
  o << "</table>\n";
  for (const auto& r : results) {
    if (r.evidence.empty()) continue;
    o << "<h3>" << to_string(r.property) << " (" << to_string(r.verdict) << ")</h3>\n<ul>\n";
    for (const auto& e : r.evidence) o << "<li>" << escape_html(e) << "</li>\n";
    o << "</ul>\n";
  }
}

void write_load(std::ostream& o, const History& h, const Scenario& s, const ReportModel& m) {
  const auto& l = m.load;
  o << "<h2>Load</h2>\n<table><tr><td>requests</td><td>" << escape_html(load_requests_text(l, m.excused))
    << "</td></tr><tr><td>failures by kind</td><td>" << failures_by_kind_text(l) << "</td></tr>"
    << "<tr><td>latency p50 / p90 / p99 / max (ms, from the intended send time)</td><td>" << format_ms(l.latency.p50_us / 1e3)
    << " / " << format_ms(l.latency.p90_us / 1e3) << " / " << format_ms(l.latency.p99_us / 1e3) << " / "
    << format_ms(l.latency.max_us / 1e3) << "</td></tr>";
  const mono_ns span = h.load_end_ns - h.load_start_ns;
  if (span > 0)
    o << "<tr><td>achieved rate</td><td>" << format_ms(static_cast<double>(l.requests) / (static_cast<double>(span) / 1e9))
      << " requests/s</td></tr>";
  o << "<tr><td>readiness probes</td><td>" << m.probes.requests << " (" << m.probes.failed() << " failed)</td></tr></table>\n";
  if (h.bad_bodies.empty()) return;
  o << "<p>" << escape_html(bad_body_heading(s.load)) << "</p>\n<ul class=\"bad-bodies\">";
  for (const std::string& line : bad_body_lines(h)) o << "<li><code>" << escape_html(line) << "</code></li>";
  o << "</ul>\n";
}

void write_excused(std::ostream& o, const History& h, const ReportModel& m) {
  if (m.excused.excused == 0) return;
  o << "<h2>Excused failures</h2>\n<p>" << m.excused.excused << " of the " << m.excused.failed
    << " failed load requests were on a connection a fault's victim held when it was signalled (the excuse "
       "<code>no_dropped_requests</code> applies).</p>\n<table><tr><th>Fault</th><th>Kind</th><th>Excused</th>"
       "<th>First requests</th></tr>\n";
  for (const ExcusedByFault& f : m.excused.by_fault) {
    std::string first;
    for (const RequestRecord& r : f.first) first += (first.empty() ? "" : " · ") + excused_request_text(h, r);
    o << "<tr><td><a href=\"#fault-" << f.fault_index + 1 << "\">F" << f.fault_index + 1 << "</a></td><td>"
      << to_string(h.faults[f.fault_index].kind) << "</td><td>" << f.count << "</td><td>" << escape_html(first)
      << (f.count > f.first.size() ? " · …" : "") << "</td></tr>\n";
  }
  o << "</table>\n";
}

void write_recoveries(std::ostream& o, const History& h, const ReportModel& m) {
  if (m.recoveries.empty()) return;
  o << "<h2>Faults and recovery</h2>\n<table><tr><th>Fault</th><th>Kind</th><th>Signal</th><th>Victims</th><th>Sent (ms)</th>"
       "<th>Death seen (ms)</th><th>Replacement</th><th>Forked after (ms)</th><th>Recovery (ms)</th></tr>\n";
  for (const auto& r : m.recoveries) {
    const FaultRecord& f = h.faults[r.fault_index];
    const std::string victims = pid_list(f.victims), repl = pid_list(r.replacements);
    o << "<tr><td><a href=\"#fault-" << r.fault_index + 1 << "\">F" << r.fault_index + 1 << "</a></td><td>"
      << to_string(f.kind) << "</td><td>" << signal_name(f.signal) << "</td><td>" << (victims.empty() ? "—" : victims)
      << "</td><td>" << rel_ms(h, f.sent_ns) << "</td><td>"
      << (r.death_ns ? rel_ms(h, r.death_ns) : "did not happen" + (f.note.empty() ? "" : ": " + escape_html(f.note)))
      << "</td><td>" << (repl.empty() ? "—" : repl) << "</td><td>"
      << (r.replacement_fork_ns && r.death_ns ? format_ns_as_ms(*r.replacement_fork_ns - *r.death_ns) : "—") << "</td><td>"
      << (r.recovery_ns() ? format_ns_as_ms(*r.recovery_ns()) : "—") << "</td></tr>\n";
  }
  o << "</table>\n<p>Recovery: from the victim's death to the first instant N workers are ready again (the shaded "
       "band on the timeline).</p>\n";
}

// The wire fuzz section is report.md's own text: one renderer, shown preformatted.
void write_wire_fuzz(std::ostream& o, const History& h, const Scenario& s) {
  std::ostringstream md;
  write_wire_fuzz_markdown(md, h, s);
  if (md.str().empty()) return;
  o << "<h2>Wire fuzz</h2>\n<pre>" << escape_html(md.str()) << "</pre>\n";
}

}  // namespace

std::string render_html_report(const History& h, const Scenario& s, const std::vector<PropertyResult>& results,
                               const ReportMeta& meta) {
  const ReportModel m = build_report_model(h, s, results);
  std::ostringstream o;
  o << html_page_start("forkcheck: " + s.name + " — " + std::string(to_string(m.overall)), kPageStyle);
  write_header(o, h, s, m);
  write_timeline(o, h, s, m);
  write_table(o, h, m);
  write_tracker(o, m);
  write_properties(o, results);
  write_load(o, h, s, m);
  write_excused(o, h, m);
  write_recoveries(o, h, m);
  write_wire_fuzz(o, h, s);
  if (const std::string health = harness_health_line(h, s); !health.empty())
    o << "<h2>Harness health</h2>\n<p>" << escape_html(health) << " (report.md has the figures per source.)</p>\n";
  o << "<h2>Reproduce</h2>\n<pre>" << escape_html(meta.command_line) << "</pre>\n<p>";
  if (!meta.report_dir.empty()) o << "Report directory: <code>" << escape_html(meta.report_dir) << "</code> ";
  if (!meta.forkcheck_version.empty()) o << "· forkcheck " << escape_html(meta.forkcheck_version);
  o << "</p>\n</body></html>\n";
  return o.str();
}

}  // namespace forkcheck::harness
