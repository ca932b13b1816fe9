#pragma once
// What `forkcheck run` appends to the CI job's summary (step_summary.hpp): a few lines, not the
// report: scenario, target, the verdicts, each property that did not pass with its one-line
// summary, the recovery after each fault, and where the report is. Pure.
#include <string>
#include <vector>

#include "harness/report/report_setup_error.hpp"
#include "harness/report/report_summary.hpp"

namespace forkcheck::harness {

std::string render_run_step_summary(const History& h, const Scenario& s, const std::vector<PropertyResult>& results,
                                    const ReportMeta& meta);

// A run that could not be made: why, and where its report.md is.
std::string render_setup_error_step_summary(const SetupFailure& f, const ReportMeta& meta);

}  // namespace forkcheck::harness
