#include "harness/report/report_setup_error.hpp"

#include <nlohmann/json.hpp>
#include <sstream>

#include "harness/report/report_json.hpp"
#include "harness/report/report_junit.hpp"

namespace forkcheck::harness {

std::string render_setup_error_markdown(const SetupFailure& f, const ReportMeta& meta) {
  std::ostringstream o;
  o << "# forkcheck report: " << f.scenario_name << "\n\n";
  o << "- Verdict: **could not run** (exit " << to_int(ExitCode::cannot_run) << "): " << f.reason << "\n";
  o << "- Scenario: `" << f.scenario_path << "`\n";
  if (!f.target_command.empty()) o << "- Target: `" << f.target_command << "`\n";
  if (!f.details.empty()) o << "\n````text\n" << f.details << (f.details.ends_with('\n') ? "" : "\n") << "````\n";
  o << "\nNo property was checked. The target's output is in `target.log` beside this file.\n\n";
  o << "## Reproduce\n\n```sh\n" << meta.command_line << "\n```\n";
  if (!meta.forkcheck_version.empty()) o << "\nforkcheck " << meta.forkcheck_version << "\n";
  return o.str();
}

std::string render_setup_error_json(const SetupFailure& f, const ReportMeta& meta) {
  const nlohmann::json report = {{"schema_version", kReportSchemaVersion},
                                 {"forkcheck_version", meta.forkcheck_version},
                                 {"command", meta.command_line},
                                 {"report_dir", meta.report_dir},
                                 {"verdict", "could_not_run"},
                                 {"exit_code", to_int(ExitCode::cannot_run)},
                                 {"error", f.reason},
                                 {"error_details", f.details},
                                 {"scenario", {{"name", f.scenario_name}, {"source_path", f.scenario_path}}},
                                 {"target", f.target_command},
                                 {"properties", nlohmann::json::array()}};
  return report.dump(2) + "\n";
}

std::string render_setup_error_junit(const SetupFailure& f, const ReportMeta& meta) {
  const std::string classname = "forkcheck." + f.scenario_name;
  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  o << "<testsuite name=\"" << xml_escape(classname) << "\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n";
  o << "  <properties>\n";
  o << "    <property name=\"scenario\" value=\"" << xml_escape(f.scenario_path) << "\"/>\n";
  o << "    <property name=\"target\" value=\"" << xml_escape(f.target_command) << "\"/>\n";
  o << "    <property name=\"command\" value=\"" << xml_escape(meta.command_line) << "\"/>\n";
  o << "  </properties>\n";
  write_error_case(o, classname, "setup", f.reason, f.details);
  o << "</testsuite>\n";
  return o.str();
}

}  // namespace forkcheck::harness
