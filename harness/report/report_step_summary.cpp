#include "harness/report/report_step_summary.hpp"

#include <algorithm>
#include <sstream>

#include "harness/check/checker.hpp"
#include "harness/report/markdown_text.hpp"

namespace forkcheck::harness {
namespace {

// A run with many faults (a storm, a soak) lists the first ones; the report has them all.
constexpr std::size_t kRecoveriesListed = 12;

std::string verdict_counts(const std::vector<PropertyResult>& results) {
  std::string out;
  for (Verdict v : {Verdict::pass, Verdict::fail, Verdict::unknown}) {
    const auto n = std::count_if(results.begin(), results.end(), [v](const PropertyResult& r) { return r.verdict == v; });
    if (n > 0) out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + std::string(to_string(v));
  }
  return out.empty() ? "none checked" : out;
}

void write_not_passed(std::ostream& o, const std::vector<PropertyResult>& results) {
  if (std::none_of(results.begin(), results.end(), [](const PropertyResult& r) { return r.verdict != Verdict::pass; }))
    return;
  o << "\n| Property | Verdict | Summary |\n|---|---|---|\n";
  for (const auto& r : results)
    if (r.verdict != Verdict::pass)
      o << "| " << markdown_code(to_string(r.property)) << " | **" << to_string(r.verdict) << "** | " << markdown_cell(r.summary)
        << " |\n";
}

// "Requests: 1000: 990 ok, 10 failed (8 excused: F1 5 · F2 3)": excused failures apart, never in "ok".
void write_requests(std::ostream& o, const History& h, const Scenario& s) {
  const RequestFigures f = count_requests(h, s);
  const std::string per_fault = excused_per_fault_text(f.excused);
  o << "\nRequests " << load_requests_text(f.load, f.excused) << (per_fault.empty() ? "" : "; excused by fault: " + per_fault)
    << "\n";
}

// "F1 12.3 ms · F2 not restored": every fault whose victim was seen to die.
void write_recoveries(std::ostream& o, const History& h) {
  std::string listed;
  std::size_t count = 0;
  for (std::size_t i = 0; i < h.faults.size(); ++i) {
    const FaultRecovery r = recovery_after(h, i);
    if (!r.death_ns) continue;
    if (++count > kRecoveriesListed) continue;
    listed += (listed.empty() ? "" : " · ") + ("F" + std::to_string(i + 1)) + " " +
              (r.recovery_ns() ? format_ns_as_ms(*r.recovery_ns()) + " ms" : "not restored");
  }
  if (count == 0) return;
  o << "\nRecovery (victim's death → N workers ready again): " << listed;
  if (count > kRecoveriesListed) o << " · … " << count - kRecoveriesListed << " more in the report";
  o << "\n";
}

void write_report_path(std::ostream& o, const ReportMeta& meta, const char* file) {
  if (!meta.report_dir.empty()) o << "\nReport: " << markdown_code(meta.report_dir + "/" + file) << "\n";
}

}  // namespace

std::string render_run_step_summary(const History& h, const Scenario& s, const std::vector<PropertyResult>& results,
                                    const ReportMeta& meta) {
  const ExitCode code = meta.interrupted.empty() ? exit_code_for(results) : ExitCode::interrupted;
  std::ostringstream o;
  o << "### forkcheck run " << markdown_code(s.name) << ": ";
  if (!meta.interrupted.empty())
    o << "interrupted (exit " << to_int(code) << ", " << meta.interrupted << "; the verdicts judge a partial run)\n\n";
  else
    o << (code == ExitCode::ok ? "pass" : code == ExitCode::violated ? "FAIL" : "undecided") << " (exit " << to_int(code)
      << ")\n\n";
  o << "Target " << markdown_code(h.target.command) << " · N = " << h.target.workers << " · seed " << s.seed << " · properties: "
    << verdict_counts(results) << "\n";
  write_not_passed(o, results);
  write_requests(o, h, s);
  write_recoveries(o, h);
  write_report_path(o, meta, "report.html");
  return o.str();
}

std::string render_setup_error_step_summary(const SetupFailure& f, const ReportMeta& meta) {
  std::ostringstream o;
  o << "### forkcheck run " << markdown_code(f.scenario_name) << ": could not run (exit " << to_int(ExitCode::cannot_run) << ")\n\n"
    << markdown_cell(f.reason) << "\n";
  if (!f.target_command.empty()) o << "\nTarget " << markdown_code(f.target_command) << "\n";
  write_report_path(o, meta, "report.md");
  return o.str();
}

}  // namespace forkcheck::harness
