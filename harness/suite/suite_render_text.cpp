#include "harness/suite/suite_render_text.hpp"

#include <algorithm>

#include "common/exit_code.hpp"

namespace forkcheck::harness {
namespace {

// Okabe–Ito hues (as report.html's verdicts), each a different lightness too, so the cells stay
// apart in grey scale; every cell also carries its label.
const std::vector<CellStatusText>& table() {
  static const std::vector<CellStatusText> kTexts = {
      {CellStatus::passed, "passed", "st-passed", "✅", "#d7f0e5", "#009e73",
       "every run passed, as the suite file expects", false, JunitOutcome::pass},
      {CellStatus::expected_failure, "expected failure", "st-expected-failure", "☑️", "#dbe9f6", "#0072b2",
       "failed exactly the properties the suite file lists for this target, with its reason", false, JunitOutcome::skipped},
      {CellStatus::flaky_expected, "flaky (expected)", "st-flaky-expected", "☑️", "#ece3f3", "#8c5ca8",
       "mixed verdicts over the repeats, which the suite file accepts for this target", false, JunitOutcome::skipped},
      {CellStatus::conformance_failure, "conformance failure", "st-conformance-failure", "❌", "#f9c6ae", "#d55e00",
       "the reference passed this scenario and this target failed it (unexpected)", true, JunitOutcome::failure},
      {CellStatus::unexpected_pass, "unexpected pass", "st-unexpected-pass", "⚠️", "#fdf0a8", "#a08800",
       "the suite file expects a failure and the target passed: a stale expectation", true, JunitOutcome::failure},
      {CellStatus::flaky, "flaky", "st-flaky", "⚠️", "#fdd9a0", "#e69f00",
       "some repeats passed and some failed, and the suite file does not say so", true, JunitOutcome::failure},
      {CellStatus::reference_failed, "reference failed", "st-reference-failed", "🟤", "#dcc7b8", "#7a4a2a",
       "the reference did not pass this scenario: the scenario or the machine is at fault, not the target", true,
       JunitOutcome::error},
      {CellStatus::could_not_run, "could not run", "st-could-not-run", "⛔", "#f2c4dc", "#b0407f",
       "a run could not be made (the target did not start or serve, a bad scenario): exit 2", true,
       JunitOutcome::error},
      {CellStatus::undecided, "undecided", "st-undecided", "❔", "#e4e4e4", "#666",
       "no property failed, but one stayed unknown", true, JunitOutcome::error},
      {CellStatus::missing, "missing", "st-missing", "🚫", "#c9d3dd", "#2c3e50",
       "a merge did not get this cell: its shard's report is missing or the shard was interrupted (a partial result)",
       true, JunitOutcome::error},
      {CellStatus::skipped, "skipped", "st-skipped", "➖", "#ffffff", "#aaa",
       "not run here: the target is not installed, or the cell is in another shard", false, JunitOutcome::skipped},
  };
  return kTexts;
}

}  // namespace

const CellStatusText& status_text(CellStatus s) {
  const auto& all = table();
  const auto it = std::find_if(all.begin(), all.end(), [s](const CellStatusText& t) { return t.status == s; });
  return it != all.end() ? *it : all.back();
}

const std::vector<CellStatusText>& all_status_texts() { return table(); }

std::string_view suite_exit_meaning(int exit_code) {
  switch (exit_code) {
    case to_int(ExitCode::ok): return "every cell is as expected";
    case to_int(ExitCode::violated): return "a cell failed unexpectedly, passed unexpectedly (a stale expectation) or was flaky";
    case to_int(ExitCode::cannot_run): return "a cell could not be run or is missing, or the reference failed a scenario";
    case to_int(ExitCode::undecided): return "no cell failed, but one stayed undecided";
    case to_int(ExitCode::interrupted): return "interrupted: the cells not run are missing";
    default: return "unknown exit status";
  }
}

double cell_wall_s(const Cell& cell) {
  double s = 0;
  for (const CellRun& r : cell.runs) s += r.wall_s;
  return s;
}

double total_cell_time_s(const SuiteResult& result) {
  double s = 0;
  for (const Cell& c : result.cells) s += cell_wall_s(c);
  return s;
}

std::string partial_text(const SuiteResult& result) {
  std::string out;
  for (const MissingShard& m : result.missing_shards)
    out += (out.empty() ? "" : "; ") + std::string("shard ") + m.shard + " missing, " + m.reason + " (" +
           std::to_string(m.cells.size()) + (m.cells.size() == 1 ? " cell)" : " cells)");
  return out;
}

std::string_view run_verdict(const CellRun& run) {
  switch (run.exit_code) {
    case to_int(ExitCode::ok): return "pass";
    case to_int(ExitCode::violated): return "fail";
    case to_int(ExitCode::undecided): return "undecided";
    case to_int(ExitCode::interrupted): return "interrupted";
    default: return "could not run";
  }
}

std::string repeats_text(const Cell& cell) {
  if (cell.runs.size() < 2) return "";
  const std::string of = "/" + std::to_string(cell.runs.size());
  std::string out;
  for (std::string_view verdict : {"fail", "could not run", "undecided", "interrupted"}) {
    const auto n = std::count_if(cell.runs.begin(), cell.runs.end(),
                                 [verdict](const CellRun& r) { return run_verdict(r) == verdict; });
    if (n > 0) out += (out.empty() ? "" : ", ") + std::to_string(n) + of + " " + std::string(verdict);
  }
  if (out.empty()) out = std::to_string(cell.runs.size()) + of + " pass";
  const auto reruns = std::count_if(cell.runs.begin(), cell.runs.end(), [](const CellRun& r) { return r.rerun > 0; });
  if (reruns > 0) out += " (" + std::to_string(reruns) + (reruns == 1 ? " rerun)" : " reruns)");
  return out;
}

std::string run_link_text(const Cell& cell, std::size_t i) {
  if (cell.runs.size() == 1) return "report";
  const CellRun& run = cell.runs.at(i);
  std::size_t k = 0;  // the --repeat run of run's seed, 1-based: planned runs are in seed order
  for (const CellRun& r : cell.runs) {
    if (r.rerun == 0) ++k;
    if (r.rerun == 0 && r.seed == run.seed) break;
  }
  return "run " + std::to_string(k) + (run.rerun ? " rerun " + std::to_string(run.rerun) : "");
}

std::string requests_failed_text(const Cell& cell) {
  std::uint64_t failed = 0, excused = 0;
  for (const CellRun& r : cell.runs) failed += r.requests_failed, excused += r.requests_excused;
  return requests_failed_text(failed, excused);
}

std::string requests_failed_text(std::uint64_t failed, std::uint64_t excused) {
  if (failed == 0) return "";
  return std::to_string(failed) + " failed request" + (failed == 1 ? "" : "s") + " (" + std::to_string(excused) +
         " excused)";
}

std::string run_report_path(const CellRun& run) {
  if (run.report_dir.empty()) return "";
  return run.report_dir + (run.exit_code == to_int(ExitCode::cannot_run) ? "/report.md" : "/report.html");
}

const Cell* find_cell(const SuiteResult& result, const std::string& scenario, const std::string& target) {
  const auto it = std::find_if(result.cells.begin(), result.cells.end(),
                               [&](const Cell& c) { return c.scenario == scenario && c.target == target; });
  return it != result.cells.end() ? &*it : nullptr;
}

std::string comma_joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

std::string status_counts(const std::vector<Cell>& cells) {
  std::vector<std::string> parts;
  for (const CellStatusText& t : all_status_texts()) {
    const auto n = std::count_if(cells.begin(), cells.end(), [&t](const Cell& c) { return c.status == t.status; });
    if (n > 0) parts.push_back(std::to_string(n) + " " + std::string(t.label));
  }
  return parts.empty() ? "no cells" : comma_joined(parts);
}

std::string target_label(const SuiteTarget& target) {
  return target.reference ? target.name + " (reference)" : target.name;
}

}  // namespace forkcheck::harness
