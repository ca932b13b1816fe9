#pragma once
// The reports of a run that could not be made after its report directory existed (the target did
// not start, did not listen, the command template is wrong): report.md, report.json and junit.xml
// still appear, each saying why, so a CI job collecting junit.xml sees an error, not nothing. Pure.
#include <string>

#include "harness/report/report_summary.hpp"

namespace forkcheck::harness {

struct SetupFailure {
  std::string scenario_name;
  std::string scenario_path;
  std::string target_command;  // may be empty when the command could not be made
  std::string reason;          // the one-line error forkcheck printed
  std::string details;         // more lines when there is more to show (what the target answered); may be empty
};

std::string render_setup_error_markdown(const SetupFailure& f, const ReportMeta& meta);
std::string render_setup_error_json(const SetupFailure& f, const ReportMeta& meta);
std::string render_setup_error_junit(const SetupFailure& f, const ReportMeta& meta);

}  // namespace forkcheck::harness
