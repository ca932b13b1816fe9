#pragma once
// report.html: everything report.md shows (from the same ReportModel), and the timeline picture.
// Self-contained: inline CSS and SVG, no script, nothing fetched. Pure: returns the text.
#include <string>
#include <vector>

#include "harness/report/report_summary.hpp"

namespace forkcheck::harness {

std::string render_html_report(const History& h, const Scenario& s, const std::vector<PropertyResult>& results,
                               const ReportMeta& meta);

}  // namespace forkcheck::harness
