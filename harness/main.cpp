// forkcheck: the thin command line over harness/run/, harness/explore/ and harness/suite/.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

#include "common/exit_code.hpp"
#include "harness/explore/explore.hpp"
#include "harness/library/library_listing.hpp"
#include "harness/library/scenario_library.hpp"
#include "harness/model/scenario.hpp"
#include "harness/model/target_overrides.hpp"
#include "harness/run/run.hpp"
#include "harness/suite/suite.hpp"
#include "harness/suite/suite_file.hpp"

namespace {

constexpr const char* kExitStatuses =
    "Exit status: 0 every property passed (explore: every case); 1 a property failed (explore: a counterexample);\n"
    "2 could not run (bad flag or scenario, report directory refused, target did not start or serve, or its\n"
    "pre-flight answer was not the expected one: --path, --expect-status, --expect-body, --any-body);\n"
    "3 undecided (no property failed, but one is unknown); 130 interrupted (SIGINT/SIGTERM: target stopped,\n"
    "partial report written).";

constexpr const char* kSuiteExitStatuses =
    "Exit status: 0 every cell as expected; 1 an unexpected failure, pass (a stale expectation) or flaky cell;\n"
    "2 a cell could not run or is missing (merge), or the reference failed; 3 a cell undecided; 130 interrupted\n"
    "(cells done so far written). suite merge: 2 also when a shard is missing (unless --allow-partial: never 0).";

const std::string kWorkersHelp = "Worker count N, 1.." + std::to_string(forkcheck::harness::kMaxWorkers);

// A seed is 64 bits and never negative: said in those words (CLI11's number checks print their
// bound, a 309-digit double).
const CLI::Validator kSeedCheck(
    [](std::string& text) {
      return !text.empty() && text.front() == '-' ? std::string("must be 0 or more (a 64-bit seed)") : std::string();
    },
    "SEED >= 0");

// What the user's server answers and how it stops, over the scenario's: the same flags on run,
// explore and suite (`applies_to` says where, in the help).
void add_target_override_options(CLI::App* cmd, forkcheck::harness::TargetOverrideFlags& flags, const std::string& applies_to) {
  cmd->add_option("--path", flags.path,
                  "Request target of every request and probe, e.g. /healthz (default: the scenario's load.path, else /)" + applies_to);
  cmd->add_option("--header", flags.headers,
                  "Extra request header 'Name: value', repeatable; replaces the scenario's header of that name" + applies_to);
  cmd->add_option("--expect-status", flags.expect_status,
                  "Accepted statuses, e.g. 200 or 200,204 (default: the scenario's load.accepted_statuses, else 200)" + applies_to);
  auto* body = cmd->add_option("--expect-body", flags.expect_body,
                               "Body of a good answer, C escapes understood (\\n \\r \\t \\\\ \\xHH), e.g. 'OK\\n' "
                               "(default: the scenario's load.expected_body, else any)" + applies_to);
  auto* any = cmd->add_flag("--any-body", flags.any_body, "Accept any body; the status is still checked" + applies_to);
  body->excludes(any);
  cmd->add_option("--stop-signal", flags.stop_signal,
                  "Signal asking the primary for a graceful stop, sent by term_primary and the harness's own stop, "
                  "e.g. SIGQUIT (default: the scenario's stop_signal, else SIGTERM)" + applies_to);
}

// The flags into overrides; false (message printed) when one is refused.
bool read_target_overrides(const forkcheck::harness::TargetOverrideFlags& flags, forkcheck::harness::TargetOverrides& out) {
  std::string error;
  auto parsed = forkcheck::harness::parse_target_overrides(flags, &error);
  if (!parsed) {
    std::cerr << "forkcheck: " << error << "\n";
    return false;
  }
  out = std::move(*parsed);
  return true;
}

// `forkcheck list [--json]`: the library's scenarios, the properties, the peer targets.
int list_library_command(bool json) {
  const auto describe_suite = [](const std::filesystem::path& path) -> std::optional<std::string> {
    auto parsed = forkcheck::harness::load_suite_file(path.string());
    if (const auto* suite = std::get_if<forkcheck::harness::SuiteFile>(&parsed)) return suite->description;
    return std::nullopt;
  };
  const auto listing = forkcheck::harness::list_library(forkcheck::harness::scenario_library_dir(), describe_suite);
  std::cout << (json ? render_listing_json(listing) : render_listing_text(listing));
  return forkcheck::to_int(forkcheck::ExitCode::ok);
}

}  // namespace

int main(int argc, char** argv) {
  using forkcheck::ExitCode;
  CLI::App app{"forkcheck: fault-injection test harness for pre-fork cluster servers"};
  app.set_version_flag("--version", std::string("forkcheck ") + FORKCHECK_VERSION);
  app.require_subcommand(1);
  app.footer(kExitStatuses);
  const auto workers_range = CLI::Range(1, forkcheck::harness::kMaxWorkers);

  forkcheck::harness::RunOptions run;
  auto* run_cmd = app.add_subcommand("run", "Run one scenario against a cluster and check its properties");
  run_cmd->footer(kExitStatuses);
  run_cmd->add_option("scenario", run.scenario_path,
                      "Scenario file (YAML), e.g. scenarios/walkthrough.yaml, or a library scenario's name, "
                      "e.g. walkthrough (see forkcheck list)")
      ->required();
  run_cmd->add_option("--target", run.target,
                      "Command template of the cluster to test; {port} (required), {workers}, {host} and {targets} "
                      "(the library's peer launchers) are replaced (default: the scenario's target, else refcluster "
                      "with its events)");
  run_cmd->add_option("--workers", run.workers, kWorkersHelp + " (default: the scenario's, else the CPU count)")
      ->check(workers_range);
  run_cmd->add_option("--port", run.port,
                      "TCP port on the scenario's load.host (127.0.0.1 by default), 0: a free port "
                      "(default: the scenario's, else 8000)")
      ->check(CLI::Range(0, 65535));
  run_cmd->add_option("--seed", run.seed, "Seed of the fault schedule and victim choice, >= 0 (default: the scenario's, else 1)")
      ->check(kSeedCheck);
  run_cmd->add_option("--workers-match", run.workers_match,
                      "Workers are the primary's children whose command line matches this regular expression "
                      "(default: the scenario's workers_match, else the children holding the port's listening socket)");
  forkcheck::harness::TargetOverrideFlags run_flags;
  add_target_override_options(run_cmd, run_flags, "");
  run_cmd->add_option("--report", run.report_dir,
                      "Report directory: new, empty or an earlier forkcheck report (default: reports/runs/<time>-<scenario>)");
  run_cmd->add_flag("--quiet", run.quiet, "Print nothing but the verdicts");

  forkcheck::harness::ExploreOptions explore;
  auto* explore_cmd = app.add_subcommand("explore", "Generate fault schedules (rapidcheck), run each, shrink a failure");
  explore_cmd->footer(kExitStatuses);
  explore_cmd->add_option("--target", explore.target, "Command template of the cluster to test (default: refcluster)");
  explore_cmd->add_option("--cases", explore.cases, "Schedules that must pass")->check(CLI::Range(1, 100000))->capture_default_str();
  explore_cmd->add_option("--seed", explore.seed, "rapidcheck's seed, >= 0 (default: from the clock, printed)")
      ->check(kSeedCheck);
  forkcheck::harness::TargetOverrideFlags explore_flags;
  add_target_override_options(explore_cmd, explore_flags, "");
  explore_cmd->add_option("--max-faults", explore.max_faults, "Faults per schedule at most")->check(CLI::Range(1, 20))->capture_default_str();
  explore_cmd->add_option("--workers", explore.workers, kWorkersHelp)->check(workers_range)->capture_default_str();
  explore_cmd->add_option("--port", explore.port, "TCP port on 127.0.0.1 for every case, 0: a free port each time")
      ->check(CLI::Range(0, 65535))->capture_default_str();
  explore_cmd->add_option("--max-shrinks", explore.max_shrinks, "Shrink candidates run at most")->check(CLI::Range(0, 10000))->capture_default_str();
  explore_cmd->add_option("--replays", explore.replays,
                          "Fresh runs of the shrunk counterexample; it fails R'/R, timing-dependent when R' < R")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  std::string explore_signals = "SIGKILL,SIGTERM";
  explore_cmd->add_option("--signals", explore_signals, "Signals a fault may send, comma-separated")->capture_default_str();
  explore_cmd->add_option("--report", explore.report_dir, "Report directory (default: reports/runs/<time>-explore)");
  explore_cmd->add_flag("--quiet", explore.quiet, "Print nothing but the outcome");

  bool list_json = false;
  auto* list_cmd = app.add_subcommand("list", "List the library's scenarios, the properties and the peer targets");
  list_cmd->add_flag("--json", list_json, "Print JSON (library, scenarios, others, properties, targets)");

  forkcheck::harness::SuiteOptions suite;
  auto* suite_cmd = app.add_subcommand("suite", "Run a conformance suite: scenarios × targets, the reference as the oracle");
  suite_cmd->footer(kSuiteExitStatuses);
  suite_cmd->add_option("suite", suite.suite_path, "Suite file (YAML) (default: conformance.yaml of the scenario library)");
  suite_cmd->add_option("--target", suite.targets, "'CMD {port} {workers}' or 'NAME=CMD': replace the suite's targets (not the reference)");
  suite_cmd->add_option("--scenario", suite.scenarios, "Scenario file, library name or glob: replace the suite's scenarios");
  suite_cmd->add_option("--repeat", suite.repeat, "Runs per cell, seeds scenario seed + 0..K-1")->check(CLI::Range(1, 1000));
  suite_cmd->add_option("--shard", suite.shard, "Run shard I of N (whole scenarios, deterministic), e.g. 1/4");
  suite_cmd->add_option("--report", suite.report_dir, "Report directory (default: reports/runs/<time>-suite-<name>)");
  suite_cmd->add_option("--jobs", suite.jobs, "Cell runs at once (parallel runs disturb timings)")->check(CLI::Range(1, 64))->capture_default_str();
  suite_cmd->add_option("--workers", suite.workers, kWorkersHelp + " (default: the suite's, else each scenario's)")->check(workers_range);
  suite_cmd->add_option("--seed", suite.seed, "Replace every scenario's seed (repeat k runs seed + k)")->check(kSeedCheck);
  suite_cmd->add_option("--rerun-failed", suite.rerun_failed,
                        "Rerun a failed or undecided seed up to K times; a cell that then passes is flaky, never passed")
      ->check(CLI::Range(0, 100))->capture_default_str();
  forkcheck::harness::TargetOverrideFlags suite_flags;
  add_target_override_options(suite_cmd, suite_flags, "; for the targets, not the reference");
  suite_cmd->add_flag("--quiet", suite.quiet, "Print the outcome only");
  forkcheck::harness::MergeOptions merge;
  auto* merge_cmd = suite_cmd->add_subcommand("merge", "Join shard report directories into one report (every shard, or exit 2)");
  merge_cmd->add_option("dirs", merge.dirs, "Shard report directories (each with suite.json)")->required();
  merge_cmd->add_option("--report", merge.report_dir, "Report directory of the merged suite");
  merge_cmd->add_option("--shards", merge.shards, "The shard count N the suite was run with: checked against the shards'")
      ->check(CLI::Range(1, 10000));
  merge_cmd->add_flag("--allow-partial", merge.allow_partial,
                      "Merge an incomplete set of shards into a report marked partial (its exit status is still 1 or 2)");
  merge_cmd->add_flag("--quiet", merge.quiet, "Print the outcome only");

  auto* help_cmd = app.add_subcommand("help", "Print this help");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One line, exit 2: a bad flag means the run could not be made.
    std::cerr << "forkcheck: " << e.what() << " (see --help)\n";
    return forkcheck::to_int(ExitCode::cannot_run);
  }

  if (*help_cmd) {
    std::cout << app.help();
    return forkcheck::to_int(ExitCode::ok);
  }
  if (const auto error = forkcheck::harness::scenario_library_env_error()) {
    std::cerr << "forkcheck: " << *error << "\n";
    return forkcheck::to_int(ExitCode::cannot_run);
  }
  if (*list_cmd) return list_library_command(list_json);
  run.program = argv[0];
  if (*run_cmd) {
    if (!read_target_overrides(run_flags, run.overrides)) return forkcheck::to_int(ExitCode::cannot_run);
    return forkcheck::to_int(forkcheck::harness::run_scenario(run));
  }
  if (*merge_cmd) return forkcheck::harness::merge_suites(merge);
  if (*suite_cmd) {
    if (!read_target_overrides(suite_flags, suite.overrides)) return forkcheck::to_int(ExitCode::cannot_run);
    return forkcheck::harness::run_suite(suite);
  }
  if (*explore_cmd) {
    if (!read_target_overrides(explore_flags, explore.overrides)) return forkcheck::to_int(ExitCode::cannot_run);
    explore.program = argv[0];
    if (!forkcheck::harness::parse_signal_list(explore_signals, explore.signals)) {
      std::cerr << "forkcheck: --signals: expected signal names or numbers separated by commas, each ending a process "
                   "by default (SIGSTOP, SIGCONT and the like are not kills)\n";
      return forkcheck::to_int(ExitCode::cannot_run);
    }
    return forkcheck::to_int(forkcheck::harness::explore(explore).code);
  }
  return forkcheck::to_int(ExitCode::cannot_run);
}
