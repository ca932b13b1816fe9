// The timeline's lower half: the live and ready counts against N, the request points, the time axis
// and the legend.
#include <cmath>

#include "harness/report/html/timeline_layout.hpp"
#include "harness/report/report_summary.hpp"

namespace forkcheck::harness::timeline {
namespace {

// 1, 2 or 5 times a power of ten: about eight ticks across `span`.
double tick_step(double span) {
  const double raw = span / 8;
  const double decade = std::pow(10.0, std::floor(std::log10(raw)));
  for (double f : {1.0, 2.0, 5.0})
    if (f * decade >= raw) return f * decade;
  return 10 * decade;
}

// 10^d as people write it: 0.01, 0.1, 1, 10, ...
std::string decade_text(double d) {
  std::ostringstream o;
  o << std::pow(10.0, d);
  return o.str();
}

void write_panel_frame(std::ostream& o, double top, double height, const std::string& title) {
  o << "<rect class=\"panel\" x=\"" << num(kLeft) << "\" y=\"" << num(top) << "\" width=\"" << num(kPlotWidth)
    << "\" height=\"" << num(height) << "\"/><text x=\"" << num(kLeft) << "\" y=\"" << num(top - 5) << "\">"
    << escape_html(title) << "</text>\n";
}

// A step line through (t, value) pairs: horizontal to the next instant, then vertical. x_of maps
// milliseconds since the launch to a clamped x, so the same line serves the zoomed views.
template <typename X, typename Value>
std::string step_path(const TimelineModel& m, X x_of, Value value, double y0, double per_unit, double x_end) {
  std::string d;
  for (std::size_t i = 0; i < m.steps.size(); ++i) {
    const double x = x_of(m.steps[i].t_ms), y = y0 - per_unit * value(m.steps[i]);
    // Appended piece by piece: g++ 12 at -O3 warns (-Wrestrict, a false positive in inlined
    // std::string code) on "literal" + std::string.
    d += i == 0 ? "M" : "H";
    d += num(x);
    d += i == 0 ? "," : " V";
    d += num(y);
    d += ' ';
  }
  d += 'H';
  d += num(x_end);
  return d;
}

int live(const CountStep& s) { return s.live; }
int ready(const CountStep& s) { return s.ready; }

int top_count(const TimelineModel& m) {
  int top = m.n;
  for (const auto& s : m.steps) top = std::max(top, s.live);
  return top;
}

// One zoomed view: the counts from just before the victim's death to just after N were ready again.
void write_zoom(std::ostream& o, const Layout& l, const TimelineModel& m, const FaultRecovery& r, double x0, double y0) {
  const double death_ms = l.ms(*r.death_ns);
  const double gap_ms = r.restored_ns ? l.ms(*r.restored_ns) - death_ms : std::min(l.end_ms - death_ms, 1000.0);
  const double pad_ms = 0.3 * gap_ms + 0.5, from_ms = death_ms - pad_ms, to_ms = death_ms + gap_ms + pad_ms;
  const auto x_of = [&](double ms) { return x0 + std::clamp((ms - from_ms) / (to_ms - from_ms), 0.0, 1.0) * kZoomWidth; };
  const int top = top_count(m);
  const double bottom = y0 + kZoomHeight - 4, per_unit = (kZoomHeight - 8) / std::max(1, top + 1);
  const std::string text = r.recovery_ns() ? "recovery " + format_ns_as_ms(*r.recovery_ns()) + " ms" : "not restored";
  o << "<g class=\"zoom\" id=\"zoom-" << r.fault_index + 1 << "\"><title>around F" << r.fault_index + 1 << ": "
    << format_ms(from_ms) << " to " << format_ms(to_ms) << " ms, " << text << "</title>"
    << "<text class=\"small\" x=\"" << num(x0) << "\" y=\"" << num(y0 - 4) << "\">F" << r.fault_index + 1 << ": " << text
    << " (" << format_ms(to_ms - from_ms) << " ms shown)</text>"
    << "<rect class=\"recovery\" x=\"" << num(x_of(death_ms)) << "\" y=\"" << num(y0) << "\" width=\""
    << num(std::max(2.0, x_of(death_ms + gap_ms) - x_of(death_ms))) << "\" height=\"" << num(kZoomHeight) << "\"/>"
    << "<rect class=\"panel\" x=\"" << num(x0) << "\" y=\"" << num(y0) << "\" width=\"" << num(kZoomWidth)
    << "\" height=\"" << num(kZoomHeight) << "\"/>"
    << "<line class=\"n-line\" x1=\"" << num(x0) << "\" x2=\"" << num(x0 + kZoomWidth) << "\" y1=\""
    << num(bottom - per_unit * m.n) << "\" y2=\"" << num(bottom - per_unit * m.n) << "\"/>"
    << "<path class=\"live\" d=\"" << step_path(m, x_of, live, bottom, per_unit, x0 + kZoomWidth) << "\"/>"
    << "<path class=\"ready\" d=\"" << step_path(m, x_of, ready, bottom, per_unit, x0 + kZoomWidth) << "\"/></g>\n";
}

}  // namespace

void write_counts_panel(std::ostream& o, const Layout& l, const TimelineModel& m) {
  const int top = top_count(m);
  const double bottom = l.counts_bottom() - 6, per_unit = (kCountsHeight - 12) / std::max(1, top + 1);
  const auto x_ms = [&](double ms) { return l.x_ms(ms); };
  write_panel_frame(o, l.counts_top(), kCountsHeight, "Workers: live (solid) and ready (dashed) against N (dotted)");
  for (int v : {0, m.n, top})
    o << "<text class=\"small label\" x=\"" << num(kLeft - 4) << "\" y=\"" << num(bottom - per_unit * v + 3) << "\">"
      << v << (v == m.n ? " = N" : "") << "</text>";
  o << "<line class=\"n-line\" x1=\"" << num(kLeft) << "\" x2=\"" << num(kLeft + kPlotWidth) << "\" y1=\""
    << num(bottom - per_unit * m.n) << "\" y2=\"" << num(bottom - per_unit * m.n) << "\"/>\n";
  o << "<path class=\"live\" d=\"" << step_path(m, x_ms, live, bottom, per_unit, kLeft + kPlotWidth)
    << "\"><title>live workers</title></path>\n";
  o << "<path class=\"ready\" d=\"" << step_path(m, x_ms, ready, bottom, per_unit, kLeft + kPlotWidth)
    << "\"><title>ready workers</title></path>\n";
}

void write_latency_panel(std::ostream& o, const Layout& l, const TimelineModel& m) {
  double lo = 1e9, hi = 0;
  for (const auto& p : m.points) lo = std::min(lo, p.latency_ms), hi = std::max(hi, p.latency_ms);
  const double lo_decade = std::floor(std::log10(std::max(0.01, std::min(lo, 1.0))));
  const double hi_decade = std::max(lo_decade + 1, std::ceil(std::log10(std::max(hi, 0.01))));
  const double top = l.latency_top(), h = kLatencyHeight;
  const auto y_of = [&](double ms) {
    const double v = std::clamp(std::log10(std::max(ms, 1e-3)), lo_decade, hi_decade);
    return top + h - 6 - (v - lo_decade) / (hi_decade - lo_decade) * (h - 12);
  };
  write_panel_frame(o, top, h, "Load requests: latency (ms, log scale) by intended send time");
  for (double d = lo_decade; d <= hi_decade; ++d) {
    const double y = y_of(std::pow(10.0, d));
    o << "<line class=\"grid\" x1=\"" << num(kLeft) << "\" x2=\"" << num(kLeft + kPlotWidth) << "\" y1=\"" << num(y)
      << "\" y2=\"" << num(y) << "\"/><text class=\"small label\" x=\"" << num(kLeft - 4) << "\" y=\"" << num(y + 3)
      << "\">" << decade_text(d) << " ms</text>";
  }
  o << "\n<g class=\"points\">\n";
  for (const auto& p : m.points) {
    o << "<use class=\"pt " << to_string(p.outcome) << "\" href=\"#pt-" << to_string(p.outcome) << "\" x=\""
      << num(l.x_ms(p.t_ms)) << "\" y=\"" << num(y_of(p.latency_ms)) << "\"";
    if (p.outcome == PointOutcome::ok) {
      o << "/>\n";
      continue;
    }
    o << "><title>request " << p.id << ": " << to_string(p.error) << " (" << to_string(p.outcome) << ") at "
      << format_ms(p.t_ms) << " ms after " << format_ms(p.latency_ms) << " ms</title></use>\n";
  }
  o << "</g>\n";
}

void write_time_axis(std::ostream& o, const Layout& l) {
  const double step = tick_step(l.end_ms), bottom = l.latency_bottom();
  for (int i = 0; i * step <= l.end_ms + 1e-9 && i <= 20; ++i) {
    const double x = l.x_ms(i * step);
    o << "<line class=\"grid\" x1=\"" << num(x) << "\" x2=\"" << num(x) << "\" y1=\"" << num(l.lanes_top()) << "\" y2=\""
      << num(bottom + 4) << "\"/><text class=\"small\" text-anchor=\"middle\" x=\"" << num(x) << "\" y=\""
      << num(bottom + 15) << "\">" << format_ms(i * step) << "</text>";
  }
  o << "\n<text x=\"" << num(kLeft + kPlotWidth / 2) << "\" y=\"" << num(bottom + 29)
    << "\" text-anchor=\"middle\">milliseconds since the target's launch</text>\n";
}

void write_legend(std::ostream& o, const Layout& l, const TimelineModel& m) {
  const double y = l.legend_top() + 14;
  const char* words[] = {"ok", "excused (on a killed or stopped worker's own connection)", "failed"};
  const char* how[] = {"drawn: the fastest and the slowest per pixel column", "drawn", "drawn"};
  o << "<g class=\"legend\">";
  for (std::size_t i = 0; i < kPointOutcomes; ++i) {
    const double x = kLeft + static_cast<double>(i) * 360;
    const auto outcome = static_cast<PointOutcome>(i);
    o << "<use href=\"#pt-" << to_string(outcome) << "\" x=\"" << num(x + 4) << "\" y=\"" << num(y - 4) << "\"/>"
      << "<text class=\"legend-" << to_string(outcome) << "\" x=\"" << num(x + 12) << "\" y=\"" << num(y) << "\">"
      << words[i] << ": " << m.seen[i] << " (" << m.drawn[i] << " " << how[i] << ")</text>";
  }
  const double y2 = y + 22;
  o << "<rect class=\"starting\" x=\"" << num(kLeft) << "\" y=\"" << num(y2 - 9) << "\" width=\"18\" height=\"10\"/>"
    << "<text x=\"" << num(kLeft + 22) << "\" y=\"" << num(y2) << "\">forked, not ready</text>"
    << "<rect class=\"serving\" x=\"" << num(kLeft + 150) << "\" y=\"" << num(y2 - 9) << "\" width=\"18\" height=\"10\"/>"
    << "<text x=\"" << num(kLeft + 172) << "\" y=\"" << num(y2) << "\">ready</text>"
    << "<path class=\"death\" d=\"M" << num(kLeft + 240) << "," << num(y2 - 9) << " l8,10 m0,-10 l-8,10\"/>"
    << "<text x=\"" << num(kLeft + 254) << "\" y=\"" << num(y2) << "\">exit and its cause</text>"
    << "<line class=\"fault-line\" x1=\"" << num(kLeft + 390) << "\" x2=\"" << num(kLeft + 390) << "\" y1=\""
    << num(y2 - 11) << "\" y2=\"" << num(y2 + 2) << "\"/><text x=\"" << num(kLeft + 396) << "\" y=\"" << num(y2)
    << "\">fault Fk sent</text>"
    << "<rect class=\"recovery\" x=\"" << num(kLeft + 510) << "\" y=\"" << num(y2 - 9) << "\" width=\"18\" height=\"10\"/>"
    << "<text x=\"" << num(kLeft + 532) << "\" y=\"" << num(y2) << "\">recovery gap: victim's death to N ready again</text>"
    << "</g>\n";
}

void write_zooms(std::ostream& o, const Layout& l, const TimelineModel& m, const std::vector<FaultRecovery>& recoveries) {
  if (l.zooms == 0) return;
  o << "<text x=\"" << num(kLeft) << "\" y=\"" << num(l.zooms_top() + 14)
    << "\">Around each fault: live (solid) and ready (dashed) workers, the recovery gap shaded</text>\n";
  std::size_t shown = 0;
  for (const auto& r : recoveries) {
    if (!r.death_ns || shown == l.zooms) continue;
    const double x0 = kLeft + static_cast<double>(shown % kZoomsPerRow) * (kZoomWidth + 20);
    const double y0 = l.zooms_top() + 38 + static_cast<double>(shown / kZoomsPerRow) * kZoomRowHeight;
    write_zoom(o, l, m, r, x0, y0);
    ++shown;
  }
}

}  // namespace forkcheck::harness::timeline
