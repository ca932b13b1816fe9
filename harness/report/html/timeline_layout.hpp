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

// The counts and latency panels, the axis and the legend (timeline_panels.cpp).
void write_counts_panel(std::ostream& o, const Layout& l, const TimelineModel& m);
void write_latency_panel(std::ostream& o, const Layout& l, const TimelineModel& m);
void write_time_axis(std::ostream& o, const Layout& l);
void write_legend(std::ostream& o, const Layout& l, const TimelineModel& m);
void write_zooms(std::ostream& o, const Layout& l, const TimelineModel& m, const std::vector<FaultRecovery>& recoveries);

}  // namespace forkcheck::harness::timeline
