#include "harness/suite/suite_console.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iomanip>
#include <map>
#include <sstream>

#include "common/exit_code.hpp"
#include "harness/suite/suite_render_text.hpp"
#include "harness/suite/suite_status.hpp"

namespace forkcheck::harness {
namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : " ") + n;
  return out;
}

std::string short_status(CellStatus s) {
  switch (s) {
    case CellStatus::passed: return "pass";
    case CellStatus::expected_failure: return "xfail";
    case CellStatus::flaky_expected: return "xflaky";
    case CellStatus::conformance_failure: return "FAIL";
    case CellStatus::unexpected_pass: return "XPASS";
    case CellStatus::flaky: return "FLAKY";
    case CellStatus::reference_failed: return "REF-FAIL";
    case CellStatus::could_not_run: return "ERROR";
    case CellStatus::undecided: return "UNDECIDED";
    case CellStatus::skipped: return "skipped";
    case CellStatus::missing: return "MISSING";
  }
  return "?";
}

}  // namespace

std::string cell_outcome_text(const Cell& cell) {
  int passed = 0, failed = 0, undecided = 0;
  std::vector<std::string> failing;
  for (const CellRun& r : cell.runs) {
    if (r.exit_code == to_int(ExitCode::ok)) ++passed;
    else if (r.exit_code == to_int(ExitCode::violated)) ++failed;
    else if (r.exit_code == to_int(ExitCode::undecided)) ++undecided;
    else return "could not run: " + (r.error.empty() ? "exit " + std::to_string(r.exit_code) : r.error);
    for (const auto& p : r.failed)
      if (std::find(failing.begin(), failing.end(), p) == failing.end()) failing.push_back(p);
  }
  const int total = passed + failed + undecided;
  if (failed > 0 && passed + undecided > 0)
    return "flaky " + std::to_string(failed) + "/" + std::to_string(total) + " fail " + joined(failing);
  if (failed > 0) return "fail " + joined(failing);
  if (undecided > 0) return "undecided";
  return "pass";
}

std::string render_suite_text(const SuiteResult& r) {
  std::map<std::pair<std::string, std::string>, const Cell*> at;
  for (const Cell& c : r.cells) at[{c.scenario, c.target}] = &c;
  std::size_t width = 8;
  for (const auto& s : r.scenarios) width = std::max(width, s.name.size());
  std::ostringstream o;
  o << std::left << std::setw(static_cast<int>(width)) << "scenario";
  for (const auto& t : r.targets) o << "  " << std::setw(12) << t.name;
  o << "\n";
  for (const auto& s : r.scenarios) {
    bool any = false;
    std::ostringstream row;
    row << std::left << std::setw(static_cast<int>(width)) << s.name;
    for (const auto& t : r.targets) {
      const auto it = at.find({s.name, t.name});
      any = any || it != at.end();
      row << "  " << std::setw(12) << (it == at.end() ? "-" : short_status(it->second->status));
    }
    if (any) o << row.str() << "\n";
  }
  for (const auto& t : r.targets)
    if (!t.skipped_because.empty()) o << "\n" << t.name << ": skipped, " << t.skipped_because;
  o << "\n";
  if (const std::string partial = partial_text(r); !partial.empty()) o << "PARTIAL: " << partial << "\n";
  for (const Cell& c : r.cells)
    if (!as_expected(c.status) || c.status == CellStatus::expected_failure || c.status == CellStatus::flaky_expected)
      o << c.scenario << " × " << c.target << ": " << to_string(c.status)
        << (c.failing_properties.empty() ? std::string() : " (failing " + joined(c.failing_properties) + ")") << ": "
        << c.note << "\n";
  return o.str();
}

SuiteConsole::SuiteConsole(std::FILE* out, bool quiet)
    : out_(out), quiet_(quiet), terminal_(::isatty(::fileno(out)) == 1) {
  const char* no_colour = std::getenv("NO_COLOR");
  colour_ = terminal_ && (no_colour == nullptr || *no_colour == '\0');
}

void SuiteConsole::clear_status() {
  if (status_shown_) std::fputs("\r\033[K", out_);
  status_shown_ = false;
}

void SuiteConsole::line(const std::string& text) {
  clear_status();
  std::fprintf(out_, "%s\n", text.c_str());
  std::fflush(out_);
}

void SuiteConsole::cell_finished(const Cell& cell, std::size_t done, std::size_t total) {
  if (quiet_) return;
  const double wall_s = cell_wall_s(cell);
  const std::string outcome = cell_outcome_text(cell);
  const bool good = outcome == "pass";
  std::ostringstream o;
  o << "[" << done << "/" << total << "] " << cell.scenario << " × " << cell.target << ": ";
  if (colour_) o << (good ? "\033[32m" : "\033[31m");
  o << outcome;
  if (colour_) o << "\033[0m";
  o << " " << std::fixed << std::setprecision(1) << wall_s << " s";
  if (const std::string requests = requests_failed_text(cell); !requests.empty()) o << " · " << requests;
  line(o.str());
}

void SuiteConsole::rerun_finished(const Cell& cell, const CellRun& run) {
  if (quiet_) return;
  std::ostringstream o;
  o << "[rerun " << run.rerun << "] " << cell.scenario << " × " << cell.target << " seed " << run.seed << ": "
    << run_verdict(run);
  if (!run.failed.empty()) o << " " << joined(run.failed);
  o << " " << std::fixed << std::setprecision(1) << run.wall_s << " s";
  if (const std::string requests = requests_failed_text(run.requests_failed, run.requests_excused); !requests.empty())
    o << " · " << requests;
  line(o.str());
}

void SuiteConsole::running(const std::vector<const CellJob*>& jobs, const std::vector<Cell>& cells) {
  if (quiet_ || !terminal_) return;
  clear_status();
  if (jobs.empty()) return;
  std::string text = "running: ";
  for (std::size_t i = 0; i < jobs.size(); ++i)
    text += (i == 0 ? "" : ", ") + cells[jobs[i]->cell_index].scenario + " × " + cells[jobs[i]->cell_index].target +
            " (run " + std::to_string(jobs[i]->repeat_index + 1) + ")";
  std::fputs(text.substr(0, 200).c_str(), out_);
  status_shown_ = true;
  std::fflush(out_);
}

}  // namespace forkcheck::harness
