#pragma once
// What the three reports (report.md, report.json, junit.xml) share: the caller's metadata and the
// figures computed once from a run. Pure; writing the files is the caller's job (run/run.cpp).
#include <string>
#include <vector>

#include "common/exit_code.hpp"
#include "harness/report/excused_failures.hpp"
#include "harness/report/execution_table_summary.hpp"
#include "harness/model/history.hpp"
#include "harness/load/load_stats.hpp"
#include "harness/model/property.hpp"
#include "harness/model/scenario.hpp"

namespace forkcheck::harness {

struct ReportMeta {
  std::string command_line;       // the exact command that reproduces the run (seed included)
  std::string report_dir;         // where the caller writes the files
  std::string forkcheck_version;  // e.g. "0.1.0"
  // Non-empty when SIGINT/SIGTERM stopped the run early (what and when): the report is partial,
  // its verdicts judge only what was observed before, and the exit status is 130.
  std::string interrupted;
};

struct ReportModel {
  ExecutionTable table;
  VariableTracker tracker;
  std::vector<KeyMoment> moments;
  LoadSummary load;     // load requests only
  LoadSummary probes;   // readiness probes only
  ExcusedFailures excused;  // the load's failures that a fault excuses, per fault
  std::vector<FaultRecovery> recoveries;  // one per fault, in History::faults order
  ExitCode exit_code = ExitCode::ok;
  Verdict overall = Verdict::unknown;     // fail if any fail, else unknown if any unknown, else pass
};

// The load's and the probes' figures and the load's excused failures, in one pass over the requests
// (a streamed log is read from its file once).
struct RequestFigures {
  LoadSummary load;
  LoadSummary probes;
  ExcusedFailures excused;
};
RequestFigures count_requests(const History& h, const Scenario& s);

ReportModel build_report_model(const History& h, const Scenario& s, const std::vector<PropertyResult>& results,
                               const ReportMeta& meta = {});

// The load's requests as every report states them: "1000: 990 ok, 10 failed (8 excused)", and
// ", 3 cancelled by the interrupt" when the harness cut some (no failure of the target's).
std::string load_requests_text(const LoadSummary& l, const ExcusedFailures& e);
// "reset 3, eof 1" (the failures by kind, cancelled apart), "none" when nothing failed.
std::string failures_by_kind_text(const LoadSummary& l);
// What came back where the body was not the expected one, one line per kept bad_body answer
// (History::bad_bodies): "request #3: status 200, 3 bytes: \"OK\\n\"" (escaped). Every report shows
// them, so a bad_body count is never all a user sees. bad_body_heading: the sentence above them.
std::vector<std::string> bad_body_lines(const History& h);
std::string bad_body_heading(const LoadSpec& load);

// "12.3" (one decimal), the way every report prints milliseconds (and seconds).
std::string format_one_decimal(double value);
std::string format_ms(double ms);
std::string format_ns_as_ms(mono_ns ns);

}  // namespace forkcheck::harness
