#pragma once
// The timeline as inline SVG: the primary's lane and one lane per worker (fork → ready → exit and the
// cause of death), fault markers across every panel, the live and ready counts against N, every load
// request as a point (time × latency, shape and colour by outcome), the recovery gap after each
// fault shaded, and a zoomed view of the counts around each fault. Pure: no script, readable without colour (shapes, labels, a legend).
#include <string>
#include <vector>

#include "harness/model/history.hpp"
#include "harness/report/html/timeline_model.hpp"

namespace forkcheck::harness {

// An instant the page links to (an execution-table row): drawn as a tick with `label`, element id `id`.
struct TimelineAnchor {
  std::string id;
  std::string label;  // short, e.g. the step number
  std::string title;  // the tooltip and accessible text
  std::string link;   // where the tick links back to (e.g. "#row-3"); empty: nowhere
  mono_ns t_ns = 0;
};

std::string render_timeline_svg(const History& h, const TimelineModel& m, const std::vector<FaultRecovery>& recoveries,
                                const std::vector<TimelineAnchor>& anchors);

}  // namespace forkcheck::harness
