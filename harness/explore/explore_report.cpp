#include "harness/explore/explore_report.hpp"

#include <cstdio>
#include <sstream>

#include "harness/report/report_junit.hpp"
#include "harness/report/report_summary.hpp"

namespace forkcheck::harness {
namespace {

std::string verdict_line(const ExploreSummary& s) {
  switch (s.code) {
    case ExitCode::ok: return "**pass**: every case kept every property";
    case ExitCode::violated:
      return "**fail**: a counterexample was found and shrunk" +
             (s.replays > 0 ? std::string("; it ") + replays_text(s) : std::string());
    case ExitCode::undecided: return "**undecided**: no case failed, " + std::to_string(s.cases_unknown) + " case(s) undecided";
    default: return "**could not run**: a case could not be run";
  }
}

}  // namespace

std::string replays_text(const ExploreSummary& s) {
  if (s.replays == 0) return "";
  return "fails " + std::to_string(s.replays_failed) + "/" + std::to_string(s.replays) + " replays" +
         (s.timing_dependent() ? " (timing-dependent)" : "");
}

std::string_view to_string(CaseOutcome o) {
  switch (o) {
    case CaseOutcome::pass: return "pass";
    case CaseOutcome::fail: return "fail";
    case CaseOutcome::unknown: return "undecided";
    case CaseOutcome::cannot_run: return "could not run";
  }
  return "?";
}

std::string render_explore_markdown(const ExploreReport& r) {
  const ExploreSummary& s = r.summary;
  std::ostringstream o;
  o << "# forkcheck explore\n\n- Verdict: " << verdict_line(s) << " (exit " << to_int(s.code) << ")\n";
  o << "- Cases: " << s.cases_run << " run in " << format_one_decimal(s.cases_s) << " s; shrinking: " << s.shrink_tries
    << " run(s) in " << format_one_decimal(s.shrink_s) << " s\n\n";
  o << "## Runs\n\n`cases/case-<k>` are generated cases, `cases/shrink-<k>` shrink runs, `cases/replay-<k>` fresh "
       "runs of the shrunk schedule; each holds the scenario and its report.\n\n| Run | Folder | Schedule | Outcome | Properties | Time (s) |\n|---|---|---|---|---|---:|\n";
  for (const CaseEntry& e : r.runs)
    o << "| " << e.label << " | `" << e.folder << "` | " << e.schedule << " | " << to_string(e.outcome) << " | "
      << (e.properties.empty() ? "—" : e.properties) << " | " << format_one_decimal(e.seconds) << " |\n";
  if (!s.counterexample.empty()) {
    o << "\n## Counterexample\n\n" << s.schedule << "\n\n";
    if (s.replays > 0)
      o << "Replayed " << s.replays << " times from scratch: it " << replays_text(s)
        << (s.timing_dependent() ? ": its failure rests on timing, a replay may pass" : ": it failed every time") << ".\n\n";
    o << "```sh\nforkcheck run " << s.counterexample << "\n```\n";
  }
  o << "\n## Reproduce\n\n```sh\n" << r.command << "\n```\n";
  return o.str();
}

std::string render_explore_junit(const ExploreReport& r) {
  int failures = 0, errors = 0;
  for (const CaseEntry& e : r.runs) {
    if (e.outcome == CaseOutcome::fail) ++failures;
    else if (e.outcome != CaseOutcome::pass) ++errors;
  }
  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"forkcheck.explore\" tests=\"" << r.runs.size()
    << "\" failures=\"" << failures << "\" errors=\"" << errors << "\" skipped=\"0\">\n";
  o << "  <properties>\n    <property name=\"command\" value=\"" << xml_escape(r.command) << "\"/>\n";
  if (!r.summary.counterexample.empty())
    o << "    <property name=\"counterexample\" value=\""
      << xml_escape(r.summary.schedule + (r.summary.replays > 0 ? "; " + replays_text(r.summary) : "")) << "\"/>\n";
  o << "  </properties>\n";
  for (const CaseEntry& e : r.runs) {
    o << "  <testcase name=\"" << xml_escape(e.folder) << "\" classname=\"forkcheck.explore\" time=\"" << format_one_decimal(e.seconds) << "\">\n";
    std::string what = e.schedule + (e.properties.empty() ? "" : ": " + e.properties);
    if (e.folder.starts_with("cases/replay-")) what += " (counterexample " + replays_text(r.summary) + ")";
    if (e.outcome == CaseOutcome::fail)
      o << "    <failure message=\"" << xml_escape(what) << "\" type=\"fail\">" << xml_escape(what) << "</failure>\n";
    else if (e.outcome != CaseOutcome::pass)
      o << "    <error message=\"" << xml_escape(what) << "\" type=\"" << to_string(e.outcome) << "\">" << xml_escape(what) << "</error>\n";
    else
      o << "    <system-out>" << xml_escape(what) << "</system-out>\n";
    o << "  </testcase>\n";
  }
  o << "</testsuite>\n";
  return o.str();
}

}  // namespace forkcheck::harness
