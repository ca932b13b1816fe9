#pragma once
// report.md: the execution table, the variable tracker, the key moments, the verdicts, the load and
// recovery figures and the command that reproduces the run. Pure: returns the text.
#include <string>
#include <vector>

#include "harness/report/report_summary.hpp"

namespace forkcheck::harness {

std::string render_markdown_report(const History& h, const Scenario& s, const std::vector<PropertyResult>& results,
                                   const ReportMeta& meta);

}  // namespace forkcheck::harness
