#include "harness/suite/suite.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <tuple>
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
#include "harness/suite/suite_rerun.hpp"
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
  r.rerun_failed = o.rerun_failed;
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
  r.shard_plan = plan_shards(r.scenarios, shard);
  r.cells = plan_cells(r.scenarios, r.targets, shard);
  // An expectation naming a scenario the suite does not run would leave its target judged without
  // it (a typo, or a scenario excluded since). --scenario narrows the suite on purpose: not then.
  if (o.scenarios.empty()) {
    std::vector<std::string> names;
    for (const auto& s : r.scenarios) names.push_back(s.name);
    if (auto e = check_expectations(file, names)) return e->to_string();
  }
  return r;
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
      jobs.push_back({i, k, s.seed + static_cast<std::uint64_t>(k), s.path, t.command, t.workers_match,
                      "cells/" + s.name + "/" + t.name + "/run-" + std::to_string(k + 1), 0,
                      target_override_arguments(t.overrides)});
  }
  return jobs;
}

std::vector<CellJob> plan_rerun_jobs(const SuiteResult& r, const std::vector<RerunDue>& due) {
  std::vector<CellJob> jobs;
  for (const RerunDue& d : due) {
    const Cell& c = r.cells[d.cell_index];
    const auto s = std::find_if(r.scenarios.begin(), r.scenarios.end(), [&](const SuiteScenario& x) { return x.name == c.scenario; });
    const auto t = std::find_if(r.targets.begin(), r.targets.end(), [&](const SuiteTarget& x) { return x.name == c.target; });
    jobs.push_back({d.cell_index, d.repeat_index, d.seed, s->path, t->command, t->workers_match,
                    "cells/" + c.scenario + "/" + c.target + "/run-" + std::to_string(d.repeat_index + 1) + "-rerun-" +
                        std::to_string(d.rerun),
                    d.rerun, target_override_arguments(t->overrides)});
  }
  return jobs;
}

void sort_runs(SuiteResult& r) {
  // By seed, a seed's reruns after it in order: the repeat runs were started in seed order but
  // finish in any order.
  for (auto& c : r.cells)
    std::sort(c.runs.begin(), c.runs.end(),
              [](const CellRun& a, const CellRun& b) { return std::tie(a.seed, a.rerun) < std::tie(b.seed, b.rerun); });
}

std::size_t cells_to_run(const SuiteResult& r, const std::vector<CellJob>& jobs) {
  std::vector<bool> has(r.cells.size(), false);
  for (const auto& j : jobs) has[j.cell_index] = true;
  return static_cast<std::size_t>(std::count(has.begin(), has.end(), true));
}

// Every cell's --repeat runs, `jobs` at a time; then judged. False when interrupted.
bool run_planned_cells(SuiteResult& result, const std::vector<CellJob>& jobs, const RunnerOptions& runner,
                       SuiteConsole& console) {
  const std::size_t total = cells_to_run(result, jobs);
  std::size_t done = 0;
  const bool finished = run_cell_jobs(
      jobs, runner,
      [&](const CellJob& job, const CellRun& run) {
        Cell& cell = result.cells[job.cell_index];
        cell.runs.push_back(run);
        if (static_cast<int>(cell.runs.size()) == result.repeat) console.cell_finished(cell, ++done, total);
      },
      [&](const std::vector<const CellJob*>& now) { console.running(now, result.cells); });
  sort_runs(result);
  judge_cells(result);
  return finished;
}

// --rerun-failed K: rounds of reruns, each round judged before the next, so that a cell whose
// rerun passed (flaky now) is done. False when interrupted.
bool rerun_failed_cells(SuiteResult& result, int max_reruns, const RunnerOptions& runner, SuiteConsole& console) {
  for (int round = 1; round <= max_reruns; ++round) {
    const std::vector<CellJob> reruns = plan_rerun_jobs(result, reruns_due(result, max_reruns));
    if (reruns.empty()) return true;
    const bool finished = run_cell_jobs(
        reruns, runner,
        [&](const CellJob& job, const CellRun& run) {
          result.cells[job.cell_index].runs.push_back(run);
          console.rerun_finished(result.cells[job.cell_index], run);
        },
        [&](const std::vector<const CellJob*>& now) { console.running(now, result.cells); });
    sort_runs(result);
    judge_cells(result);
    if (!finished) return false;
  }
  return true;
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
  const auto dir = prepare_report_dir(o.report_dir, "suite-" + result.name, &error);
  if (!dir) return fail_setup(error);

  SuiteConsole console(stdout, o.quiet);
  for (const auto& t : result.targets)
    if (!t.skipped_because.empty()) console.line(t.name + ": skipped (" + t.skipped_because + ")");
  std::error_code ec;
  const RunnerOptions runner{fs::read_symlink("/proc/self/exe", ec).string(), *dir, o.jobs,
                             o.workers ? o.workers : file.workers};
  const bool finished = run_planned_cells(result, plan_jobs(result), runner, console) &&
                        rerun_failed_cells(result, o.rerun_failed, runner, console);
  result.wall_s = static_cast<double>(monotonic_ns() - started) / 1e9;
  result.exit_code = finished ? suite_exit_code(result.cells) : to_int(ExitCode::interrupted);
  if (!write_suite_outputs(result, *dir, &error)) return fail_setup(error);
  if (!o.quiet) console.line("\n" + render_suite_text(result));
  console.line("suite " + result.name + ": exit " + std::to_string(result.exit_code) + ", report in " + *dir +
               (finished ? "" : " (interrupted: the cells done so far)"));
  return result.exit_code;
}

}  // namespace forkcheck::harness
