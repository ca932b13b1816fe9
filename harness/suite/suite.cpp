#include "harness/suite/suite.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <variant>

#include "common/clock.hpp"
#include "common/exit_code.hpp"
#include "harness/library/scenario_library.hpp"
#include "harness/report/report_dir.hpp"
#include "harness/suite/suite_console.hpp"
#include "harness/suite/suite_file.hpp"
#include "harness/suite/suite_json.hpp"
#include "harness/suite/suite_outputs.hpp"
#include "harness/suite/suite_plan.hpp"
#include "harness/suite/suite_runner.hpp"
#include "harness/suite/suite_scenarios.hpp"
#include "harness/suite/suite_status.hpp"

namespace forkcheck::harness {
namespace {

namespace fs = std::filesystem;

constexpr int kCannotRun = to_int(ExitCode::cannot_run);

int fail_setup(const std::string& message) {
  std::cerr << "forkcheck suite: " << message << "\n";
  return kCannotRun;
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<std::string> default_suite_path(std::string* error) {
  const fs::path dir = scenario_library_dir();
  if (!dir.empty() && fs::is_regular_file(dir / "conformance.yaml")) return (dir / "conformance.yaml").string();
  *error = "no SUITE.yaml given and no conformance.yaml in the scenario library (set FORKCHECK_SCENARIOS)";
  return std::nullopt;
}

// The suite run's SuiteResult before any cell ran: file, overrides, reference, cells of the shard.
std::variant<SuiteResult, std::string> plan_suite(const SuiteOptions& o, const SuiteFile& file, Shard shard) {
  SuiteResult r;
  r.name = file.name;
  r.suite_file = file.path;
  r.forkcheck_version = FORKCHECK_VERSION;
  r.repeat = o.repeat.value_or(file.repeat);
  r.shard = shard.to_string();
  r.started_utc = utc_now();
  std::vector<SuiteTarget> from_flags;
  for (std::size_t i = 0; i < o.targets.size(); ++i) from_flags.push_back(target_from_flag(o.targets[i], static_cast<int>(i) + 1));
  r.targets = plan_targets(file.targets, from_flags);
  for (auto& t : r.targets)
    if (!t.reference) t.overrides = layered(t.overrides, o.overrides);
  mark_missing_programs(r.targets);
  std::string error;
  auto scenarios = expand_scenarios(file, o.scenarios, &error);
  if (!scenarios) return error;
  r.scenarios = std::move(*scenarios);
  if (o.seed)
    for (auto& s : r.scenarios) s.seed = *o.seed;
  r.cells = plan_cells(r.scenarios, r.targets, shard);
  return r;
}

// An expectation naming a scenario the suite does not run is most likely a typo: say so (not an
// error, since --scenario may have narrowed the suite on purpose).
void warn_unused_expectations(const SuiteResult& r) {
  for (const auto& t : r.targets)
    for (const auto& e : t.expected)
      if (std::none_of(r.scenarios.begin(), r.scenarios.end(), [&](const SuiteScenario& s) { return s.name == e.scenario; }))
        std::cerr << "forkcheck suite: warning: target " << t.name << " expects something of scenario '" << e.scenario
                  << "', which the suite does not run\n";
}

std::vector<CellJob> plan_jobs(const SuiteResult& r) {
  std::map<std::string, const SuiteScenario*> scenario;
  for (const auto& s : r.scenarios) scenario[s.name] = &s;
  std::map<std::string, const SuiteTarget*> target;
  for (const auto& t : r.targets) target[t.name] = &t;
  std::vector<CellJob> jobs;
  for (std::size_t i = 0; i < r.cells.size(); ++i) {
    const SuiteTarget& t = *target.at(r.cells[i].target);
    if (!t.skipped_because.empty()) continue;
    const SuiteScenario& s = *scenario.at(r.cells[i].scenario);
    for (int k = 0; k < r.repeat; ++k)
      jobs.push_back({i, k, s.seed + static_cast<std::uint64_t>(k), s.path, t.command,
                      "cells/" + s.name + "/" + t.name + "/run-" + std::to_string(k + 1),
                      target_override_arguments(t.overrides)});
  }
  return jobs;
}

std::size_t cells_to_run(const SuiteResult& r, const std::vector<CellJob>& jobs) {
  std::vector<bool> has(r.cells.size(), false);
  for (const auto& j : jobs) has[j.cell_index] = true;
  return static_cast<std::size_t>(std::count(has.begin(), has.end(), true));
}

}  // namespace

int run_suite(const SuiteOptions& o) {
  const mono_ns started = monotonic_ns();
  std::string error;
  std::string path = o.suite_path;
  if (path.empty()) {
    auto found = default_suite_path(&error);
    if (!found) return fail_setup(error);
    path = *found;
  } else if (auto found = resolve_scenario(path, &error, "suite")) {
    path = found->string();  // a library name (`forkcheck suite conformance`) or a file
  } else {
    return fail_setup(error);
  }
  auto loaded = load_suite_file(path);
  if (auto* e = std::get_if<ScenarioError>(&loaded)) return fail_setup(e->to_string());
  const SuiteFile& file = std::get<SuiteFile>(loaded);
  const auto shard = o.shard.empty() ? std::optional<Shard>(Shard{}) : parse_shard(o.shard);
  if (!shard) return fail_setup("--shard: expected I/N with 1 <= I <= N, got '" + o.shard + "'");
  auto planned = plan_suite(o, file, *shard);
  if (auto* e = std::get_if<std::string>(&planned)) return fail_setup(*e);
  SuiteResult result = std::move(std::get<SuiteResult>(planned));
  if (o.scenarios.empty()) warn_unused_expectations(result);
  const auto dir = prepare_report_dir(o.report_dir, "suite-" + result.name, &error);
  if (!dir) return fail_setup(error);

  SuiteConsole console(stdout, o.quiet);
  for (const auto& t : result.targets)
    if (!t.skipped_because.empty()) console.line(t.name + ": skipped (" + t.skipped_because + ")");
  const std::vector<CellJob> jobs = plan_jobs(result);
  const std::size_t total = cells_to_run(result, jobs);
  std::size_t done = 0;
  std::error_code ec;
  const RunnerOptions runner{fs::read_symlink("/proc/self/exe", ec).string(), *dir, o.jobs,
                             o.workers ? o.workers : file.workers};
  const bool finished = run_cell_jobs(
      jobs, runner,
      [&](const CellJob& job, const CellRun& run) {
        Cell& cell = result.cells[job.cell_index];
        cell.runs.push_back(run);
        if (static_cast<int>(cell.runs.size()) == result.repeat) console.cell_finished(cell, ++done, total);
      },
      [&](const std::vector<const CellJob*>& now) { console.running(now, result.cells); });
  for (auto& c : result.cells)
    std::sort(c.runs.begin(), c.runs.end(), [](const CellRun& a, const CellRun& b) { return a.seed < b.seed; });
  judge_cells(result);
  result.wall_s = static_cast<double>(monotonic_ns() - started) / 1e9;
  result.exit_code = finished ? suite_exit_code(result.cells) : to_int(ExitCode::interrupted);
  if (!write_suite_outputs(result, *dir, &error)) return fail_setup(error);
  if (!o.quiet) console.line("\n" + render_suite_text(result));
  console.line("suite " + result.name + ": exit " + std::to_string(result.exit_code) + ", report in " + *dir +
               (finished ? "" : " (interrupted: the cells done so far)"));
  return result.exit_code;
}

}  // namespace forkcheck::harness
