#include "harness/report/html/timeline_svg.hpp"

#include <map>

#include "harness/model/pid_list.hpp"
#include "harness/model/scenario.hpp"
#include "harness/report/html/timeline_layout.hpp"
#include "harness/report/report_summary.hpp"

namespace forkcheck::harness {
namespace {
using namespace timeline;

// Colours from the Okabe-Ito palette (distinguishable with colour-blindness); every outcome also has
// its own shape, and every marker a text label, so the picture reads in grey too.
constexpr const char* kStyle = R"(<style>
.tl text{font:11px sans-serif;fill:#222}
.tl .small{font-size:9.5px}
.tl .label{text-anchor:end}
.tl .grid{stroke:#e4e4e4}
.tl .starting{fill:#fff;stroke:#0072b2;stroke-dasharray:2 2}
.tl .serving{fill:#56b4e9;stroke:#0072b2}
.tl .primary-bar{fill:#cfcfcf;stroke:#555}
.tl .death{stroke:#000;stroke-width:2}
.tl .fault-line{stroke:#cc79a7;stroke-width:1.5;stroke-dasharray:5 3}
.tl .fault-marker text{fill:#8b3a6b;font-weight:bold}
.tl .step-marker line{stroke:#333}
.tl rect.recovery{fill:#f0e442;fill-opacity:.45;stroke:#b8a800}
.tl .recovery text{fill:#5c5200;font-weight:bold}
.tl .live{fill:none;stroke:#0072b2;stroke-width:2}
.tl .ready{fill:none;stroke:#009e73;stroke-width:2;stroke-dasharray:6 3}
.tl .n-line{stroke:#000;stroke-dasharray:1 3}
.tl .panel{fill:none;stroke:#bbb}
</style>
)";

// The point shapes: a dot, a triangle and a cross (used by the latency panel and the legend).
constexpr const char* kDefs = R"(<defs>
<circle id="pt-ok" r="2" fill="#0072b2"/>
<path id="pt-excused" d="M0,-4 L3.5,3 L-3.5,3 Z" fill="#e69f00" stroke="#8a5f00" stroke-width=".6"/>
<path id="pt-failed" d="M-3.5,-3.5 L3.5,3.5 M-3.5,3.5 L3.5,-3.5" stroke="#d55e00" stroke-width="2"/>
</defs>
)";

std::string death_cause(const WorkerLifetime& w) {
  if (!w.exit_ns) return "alive at the end";
  if (w.exit_signal != 0) return signal_name(w.exit_signal);
  return "exit " + std::to_string(w.exit_status);
}

// "F1" for the first fault. Built by appending: g++ 12 at -O3 warns (-Wrestrict, a false positive
// in inlined std::string code) on "literal" + std::string.
std::string fault_label(std::size_t index) {
  std::string label = "F";
  label += std::to_string(index + 1);
  return label;
}

// Which fault killed each victim: "F1", for the lanes' death labels.
std::map<pid_t, std::string> fault_of_victim(const History& h) {
  std::map<pid_t, std::string> out;
  for (std::size_t i = 0; i < h.faults.size(); ++i)
    for (pid_t v : h.faults[i].victims) out.emplace(v, fault_label(i));
  return out;
}

void write_lane_label(std::ostream& o, double y, const std::string& text) {
  o << "<text class=\"label\" x=\"" << num(kLeft - 8) << "\" y=\"" << num(y + 12) << "\">" << escape_html(text)
    << "</text>";
}

void write_death(std::ostream& o, const Layout& l, double y, mono_ns t, const std::string& text) {
  const double x = l.x(t);
  o << "<path class=\"death\" d=\"M" << num(x - 4) << "," << num(y + 3) << " l8,10 m0,-10 l-8,10\"/>";
  const bool room_right = x + 90 < kLeft + kPlotWidth;
  o << "<text class=\"small\" x=\"" << num(room_right ? x + 6 : x - 6) << "\" y=\"" << num(y + 12) << "\""
    << (room_right ? "" : " text-anchor=\"end\"") << ">" << escape_html(text) << "</text>";
}

void write_primary_lane(std::ostream& o, const Layout& l, const History& h) {
  const double y = l.lanes_top();
  const mono_ns end = h.stop.primary_exit_ns.value_or(h.stop.stop_sent_ns ? h.stop.stop_sent_ns : h.run_end_ns);
  o << "<g class=\"lane primary\" data-pid=\"" << h.target.primary_pid << "\"><title>primary " << h.target.primary_pid
    << ": launched at 0 ms" << (h.target.listening_ns ? ", listening at " + format_ns_as_ms(*h.target.listening_ns - l.launch_ns) + " ms" : "")
    << "</title>";
  write_lane_label(o, y, "primary " + std::to_string(h.target.primary_pid));
  o << "<rect class=\"primary-bar\" x=\"" << num(kLeft) << "\" y=\"" << num(y + 3) << "\" width=\""
    << num(std::max(1.0, l.x(std::max(end, l.launch_ns)) - kLeft)) << "\" height=\"10\"/>";
  if (h.target.listening_ns)
    o << "<text class=\"small\" x=\"" << num(l.x(*h.target.listening_ns) + 3) << "\" y=\"" << num(y + 12)
      << "\">listening</text>";
  if (h.stop.primary_exit_ns) {
    const std::string cause = h.stop.primary_exit_signal ? signal_name(h.stop.primary_exit_signal)
                                                         : "exit " + std::to_string(h.stop.primary_exit_status);
    write_death(o, l, y, *h.stop.primary_exit_ns, (h.stop.primary_exited_during_run ? "died: " : "stopped: ") + cause);
  }
  o << "</g>\n";
}

void write_worker_lane(std::ostream& o, const Layout& l, const WorkerLifetime& w, double y, const std::string& fault) {
  const mono_ns end = w.exit_ns.value_or(l.launch_ns + static_cast<mono_ns>(l.end_ms * 1e6));
  const mono_ns ready = w.ready_ns ? std::min(*w.ready_ns, end) : end;
  const std::string cause = death_cause(w) + (fault.empty() || !w.exit_ns ? "" : " (" + fault + ")");
  o << "<g class=\"lane worker\" id=\"worker-" << w.pid << "\" data-pid=\"" << w.pid << "\"><title>worker " << w.pid
    << ": forked " << format_ms(l.ms(w.fork_ns)) << " ms, "
    << (w.ready_ns ? "ready " + format_ms(l.ms(*w.ready_ns)) + " ms, " : "never ready, ")
    << (w.exit_ns ? "exited " + format_ms(l.ms(*w.exit_ns)) + " ms: " : "") << escape_html(cause) << "</title>";
  write_lane_label(o, y, "worker " + std::to_string(w.pid));
  o << "<rect class=\"starting\" x=\"" << num(l.x(w.fork_ns)) << "\" y=\"" << num(y + 3) << "\" width=\""
    << num(std::max(1.0, l.x(ready) - l.x(w.fork_ns))) << "\" height=\"10\"/>";
  if (w.ready_ns && *w.ready_ns < end)
    o << "<rect class=\"serving\" x=\"" << num(l.x(ready)) << "\" y=\"" << num(y + 3) << "\" width=\""
      << num(std::max(1.0, l.x(end) - l.x(ready))) << "\" height=\"10\"/>";
  if (w.exit_ns) write_death(o, l, y, *w.exit_ns, cause);
  o << "</g>\n";
}

bool fault_happened(const FaultRecord& f) { return f.death_seen_ns || f.confirmed_ns || !expects_death(f); }

std::string fault_marker_text(std::size_t i, const FaultRecord& f) {
  return fault_label(i) + " " + std::string(to_string(f.kind)) + (fault_happened(f) ? "" : " (did not happen)");
}

void write_fault_markers(std::ostream& o, const Layout& l, const History& h) {
  std::vector<LabelSpan> spans;
  for (std::size_t i = 0; i < h.faults.size(); ++i)
    spans.push_back({l.x(h.faults[i].sent_ns) + 3, label_width(fault_marker_text(i, h.faults[i]).size(), 7.0)});
  const std::vector<PlacedLabel> labels = place_labels(spans, 2, kWidth - 2);
  for (std::size_t i = 0; i < h.faults.size(); ++i) {
    const FaultRecord& f = h.faults[i];
    const double x = l.x(f.sent_ns);
    const bool happened = fault_happened(f);
    const std::string victims = pid_list(f.victims);
    o << "<g class=\"fault-marker\" id=\"fault-" << i + 1 << "\" data-kind=\"" << to_string(f.kind) << "\"><title>fault "
      << i + 1 << ": " << to_string(f.kind);
    if (f.signal) o << " " << signal_name(f.signal);
    o << " at " << format_ms(l.ms(f.sent_ns)) << " ms";
    if (!victims.empty()) o << ", victims " << victims;
    if (!happened) o << ", did not happen: " << escape_html(f.note);
    o << "</title>";
    const std::size_t row = labels[i].row;
    o << "<line class=\"fault-line\" x1=\"" << num(x) << "\" x2=\"" << num(x) << "\" y1=\"" << num(row ? 18 : 4)
      << "\" y2=\"" << num(l.latency_bottom()) << "\"/>";
    o << "<text x=\"" << num(labels[i].x) << "\" y=\"" << num(row ? 28 : 13) << "\">" << escape_html(fault_marker_text(i, f))
      << "</text></g>\n";
  }
}

// Ticks at the execution table's instants; the labels are pushed right when instants crowd together.
void write_anchors(std::ostream& o, const Layout& l, const std::vector<TimelineAnchor>& anchors) {
  const double y = kFaultBand;
  double next_free_x = 0;
  o << "<text class=\"small label\" x=\"" << num(kLeft - 8) << "\" y=\"" << num(y + 14) << "\">table steps</text>\n";
  for (const auto& a : anchors) {
    const double x = l.x(a.t_ns);
    const double label_x = std::max(x, next_free_x);
    next_free_x = label_x + 7.0 * static_cast<double>(a.label.size()) + 5;
    o << "<g class=\"step-marker\" id=\"" << escape_html(a.id) << "\"><title>" << escape_html(a.title) << "</title>"
      << "<line x1=\"" << num(x) << "\" x2=\"" << num(x) << "\" y1=\"" << num(y + 16) << "\" y2=\"" << num(y + 22)
      << "\"/>" << (a.link.empty() ? "" : "<a href=\"" + escape_html(a.link) + "\">") << "<text class=\"small\" x=\""
      << num(label_x) << "\" y=\"" << num(y + 12) << "\">" << escape_html(a.label) << "</text>"
      << (a.link.empty() ? "" : "</a>") << "</g>\n";
  }
}

// The recovery bands, each labelled right of its end ("F2 recovery 3.1 ms", "F1 not restored"); the
// labels of close faults take rows of their own instead of covering each other.
void write_recoveries(std::ostream& o, const Layout& l, const std::vector<FaultRecovery>& recoveries) {
  constexpr std::size_t kRows = 4;
  struct Band {
    const FaultRecovery* r;
    double x, w;
    std::string text;
  };
  std::vector<Band> bands;
  std::vector<LabelSpan> spans;
  for (const auto& r : recoveries) {
    if (!r.death_ns) continue;
    const mono_ns end = r.restored_ns.value_or(l.launch_ns + static_cast<mono_ns>(l.end_ms * 1e6));
    const double x = l.x(*r.death_ns), w = std::max(3.0, l.x(end) - x);
    std::string text = fault_label(r.fault_index) + " ";
    text += r.recovery_ns() ? "recovery " + format_ns_as_ms(*r.recovery_ns()) + " ms" : "not restored";
    spans.push_back({x + w + 3, label_width(text.size(), 6.0)});
    bands.push_back({&r, x, w, std::move(text)});
  }
  const std::vector<PlacedLabel> labels = place_labels(spans, kRows, kWidth - 2);
  for (std::size_t i = 0; i < bands.size(); ++i) {
    const Band& b = bands[i];
    o << "<g class=\"recovery\" id=\"recovery-" << b.r->fault_index + 1 << "\"><title>" << escape_html(b.text)
      << "</title><rect class=\"recovery\" x=\"" << num(b.x) << "\" y=\"" << num(l.counts_top()) << "\" width=\""
      << num(b.w) << "\" height=\"" << num(l.latency_bottom() - l.counts_top()) << "\"/><text class=\"small\" x=\""
      << num(labels[i].x) << "\" y=\"" << num(l.counts_top() + 10 + 11.0 * static_cast<double>(labels[i].row)) << "\">"
      << escape_html(b.text) << "</text></g>\n";
  }
}

}  // namespace

std::string render_timeline_svg(const History& h, const TimelineModel& m, const std::vector<FaultRecovery>& recoveries,
                                const std::vector<TimelineAnchor>& anchors) {
  std::size_t zooms = 0;
  for (const auto& r : recoveries) zooms += r.death_ns ? 1 : 0;
  Layout l{h.target.launch_ns, m.end_ms, 1 + h.workers.size(), std::min(zooms, kMaxZooms)};
  std::ostringstream o;
  o << "<svg class=\"tl\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"tl-title\" viewBox=\"0 0 "
    << num(kWidth) << " " << num(l.height()) << "\" width=\"" << num(kWidth) << "\" height=\"" << num(l.height())
    << "\">\n<title id=\"tl-title\">Timeline: the primary, " << h.workers.size() << " workers, " << h.faults.size()
    << " faults, worker counts and request latencies over " << format_ms(m.end_ms) << " ms</title>\n"
    << kStyle << kDefs;
  write_time_axis(o, l);
  write_recoveries(o, l, recoveries);
  write_anchors(o, l, anchors);
  write_primary_lane(o, l, h);
  const auto killers = fault_of_victim(h);
  for (std::size_t i = 0; i < h.workers.size(); ++i) {
    const auto k = killers.find(h.workers[i].pid);
    write_worker_lane(o, l, h.workers[i], l.lanes_top() + static_cast<double>(i + 1) * kLaneHeight,
                      k == killers.end() ? "" : k->second);
  }
  write_counts_panel(o, l, m);
  write_latency_panel(o, l, m);
  write_fault_markers(o, l, h);
  write_legend(o, l, m);
  write_zooms(o, l, m, recoveries);
  o << "</svg>\n";
  return o.str();
}

}  // namespace forkcheck::harness
