#pragma once
// The timeline's geometry, shared by the lanes (timeline_svg.cpp) and the panels
// (timeline_panels.cpp). Internal to harness/report/html/.
#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "harness/model/history.hpp"
#include "harness/report/html/html_text.hpp"
#include "harness/report/html/timeline_model.hpp"

namespace forkcheck::harness::timeline {

constexpr double kLeft = 170;      // the lanes' labels sit left of this
constexpr double kPlotWidth = 1080;
constexpr double kWidth = kLeft + kPlotWidth + 40;
constexpr double kFaultBand = 34;  // fault labels, two rows
constexpr double kStepBand = 22;   // the execution table's instants
constexpr double kLaneHeight = 16;
constexpr double kGap = 26;
constexpr double kCountsHeight = 110;
constexpr double kLatencyHeight = 220;
constexpr double kAxisHeight = 34;
constexpr double kLegendHeight = 64;
constexpr double kZoomWidth = 250;  // one zoomed view per fault that killed workers, four a row
constexpr double kZoomHeight = 70;
constexpr double kZoomRowHeight = kZoomHeight + 34;
constexpr std::size_t kZoomsPerRow = 4;
constexpr std::size_t kMaxZooms = 12;

struct Layout {
  mono_ns launch_ns = 0;
  double end_ms = 1;
  std::size_t lanes = 0;  // the primary's and one per worker
  std::size_t zooms = 0;  // zoomed views, at most kMaxZooms
  double lanes_top() const { return kFaultBand + kStepBand; }
  double lanes_bottom() const { return lanes_top() + static_cast<double>(lanes) * kLaneHeight; }
  double counts_top() const { return lanes_bottom() + kGap; }
  double counts_bottom() const { return counts_top() + kCountsHeight; }
  double latency_top() const { return counts_bottom() + kGap; }
  double latency_bottom() const { return latency_top() + kLatencyHeight; }
  double legend_top() const { return latency_bottom() + kAxisHeight; }
  double zooms_top() const { return legend_top() + kLegendHeight; }
  double height() const {
    const std::size_t rows = (zooms + kZoomsPerRow - 1) / kZoomsPerRow;
    return zooms_top() + (zooms ? 24 + static_cast<double>(rows) * kZoomRowHeight : 0);
  }
  double x_ms(double ms) const { return kLeft + std::clamp(ms / end_ms, 0.0, 1.0) * kPlotWidth; }
  double x(mono_ns t) const { return x_ms(ns_to_ms(t - launch_ns)); }
  double ms(mono_ns t) const { return ns_to_ms(t - launch_ns); }
};

inline std::string num(double v) { return svg_number(v); }

// Text labels along one band (the faults' names, the recoveries' figures): close markers' labels must
// neither overlap nor run past the picture's right edge, where SVG clips them ("F1 not restored"
// showing as "F1 not"). Widths are estimated from the character count, generously.
inline double label_width(std::size_t chars, double px_per_char = 6.5) { return static_cast<double>(chars) * px_per_char + 4; }

struct LabelSpan {
  double x = 0;      // where the label would start: just right of its marker
  double width = 0;  // label_width() of its text
};
struct PlacedLabel {
  double x = 0;         // the start of the text (text-anchor start)
  std::size_t row = 0;  // 0 .. rows-1, top first
};

// Each label keeps its x unless it would cross right_edge (then it ends there), and goes into the
// first row where it does not overlap a label placed before it, in the order of x; when every row is
// taken, into the row whose last label ends first. Pure.
inline std::vector<PlacedLabel> place_labels(const std::vector<LabelSpan>& labels, std::size_t rows, double right_edge) {
  std::vector<std::size_t> order(labels.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return labels[a].x < labels[b].x; });
  std::vector<double> row_end(std::max<std::size_t>(1, rows), -1e9);
  std::vector<PlacedLabel> placed(labels.size());
  for (std::size_t i : order) {
    const double x = std::max(0.0, std::min(labels[i].x, right_edge - labels[i].width));
    std::size_t row = static_cast<std::size_t>(std::min_element(row_end.begin(), row_end.end()) - row_end.begin());
    for (std::size_t r = 0; r < row_end.size(); ++r)
      if (row_end[r] + 3 <= x) {
        row = r;
        break;
      }
    row_end[row] = x + labels[i].width;
    placed[i] = PlacedLabel{x, row};
  }
  return placed;
}

// The counts and latency panels, the axis and the legend (timeline_panels.cpp).
void write_counts_panel(std::ostream& o, const Layout& l, const TimelineModel& m);
void write_latency_panel(std::ostream& o, const Layout& l, const TimelineModel& m);
void write_time_axis(std::ostream& o, const Layout& l);
void write_legend(std::ostream& o, const Layout& l, const TimelineModel& m);
void write_zooms(std::ostream& o, const Layout& l, const TimelineModel& m, const std::vector<FaultRecovery>& recoveries);

}  // namespace forkcheck::harness::timeline
