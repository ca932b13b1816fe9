#pragma once
// report.json: everything about a run, the raw history included. The schema is documented in
// reports/README.md (schema_version 1). Pure: returns the document.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/report/report_summary.hpp"

namespace forkcheck::harness {

constexpr int kReportSchemaVersion = 1;

nlohmann::json scenario_to_json(const Scenario& s);
nlohmann::json report_to_json(const History& h, const Scenario& s, const std::vector<PropertyResult>& results,
                              const ReportMeta& meta);
// report_to_json(...).dump(2) with a trailing newline.
std::string render_json_report(const History& h, const Scenario& s, const std::vector<PropertyResult>& results,
                               const ReportMeta& meta);

}  // namespace forkcheck::harness
