// forkcheck: the thin command line over harness/run/ and harness/explore/.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "common/exit_code.hpp"
#include "harness/explore/explore.hpp"
#include "harness/run/run.hpp"

namespace {

std::string quoted_command_line(int argc, char** argv) {
  std::ostringstream out;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    const bool plain = !arg.empty() && arg.find_first_of(" '\"\\$`{}*?;&|<>()") == std::string::npos;
    if (i) out << ' ';
    if (plain) {
      out << arg;
      continue;
    }
    out << '\'';
    for (char c : arg) out << (c == '\'' ? std::string("'\\''") : std::string(1, c));
    out << '\'';
  }
  return out.str();
}

}  // namespace

int main(int argc, char** argv) {
  using forkcheck::ExitCode;
  CLI::App app{"forkcheck: fault-injection test harness for pre-fork cluster servers"};
  app.set_version_flag("--version", std::string("forkcheck ") + FORKCHECK_VERSION);
  app.require_subcommand(1);

  forkcheck::harness::RunOptions run;
  auto* run_cmd = app.add_subcommand("run", "Run one scenario against a cluster and check its properties");
  run_cmd->add_option("scenario", run.scenario_path, "Scenario file (YAML), e.g. scenarios/walkthrough.yaml")->required();
  run_cmd->add_option("--target", run.target,
                      "Command template of the cluster to test; {port} and {workers} are replaced "
                      "(default: refcluster with its events)");
  run_cmd->add_option("--workers", run.workers, "Worker count N (overrides the scenario; default CPU count)")
      ->check(CLI::Range(1, 1024));
  run_cmd->add_option("--port", run.port, "TCP port on 127.0.0.1 (0: a free port)")->check(CLI::Range(0, 65535));
  run_cmd->add_option("--seed", run.seed, "Seed of the fault schedule and victim choice");
  run_cmd->add_option("--report", run.report_dir, "Report directory (default: reports/runs/<time>-<scenario>)");
  run_cmd->add_flag("--quiet", run.quiet, "Do not print the execution table live");

  forkcheck::harness::ExploreOptions explore;
  auto* explore_cmd = app.add_subcommand("explore", "Generate fault schedules (rapidcheck), run each, shrink a failure");
  explore_cmd->add_option("--target", explore.target, "Command template of the cluster to test (default: refcluster)");
  explore_cmd->add_option("--cases", explore.cases, "Schedules that must pass")->check(CLI::Range(1, 100000));
  explore_cmd->add_option("--seed", explore.seed, "rapidcheck's seed (default: from the clock, printed)");
  explore_cmd->add_option("--max-faults", explore.max_faults, "Faults per schedule at most")->check(CLI::Range(1, 20));
  explore_cmd->add_option("--workers", explore.workers, "Worker count N")->check(CLI::Range(1, 64));
  explore_cmd->add_option("--max-shrinks", explore.max_shrinks, "Shrink candidates run at most")->check(CLI::Range(0, 10000));
  std::string explore_signals;
  explore_cmd->add_option("--signals", explore_signals, "Signals a fault may send, comma-separated (default SIGKILL,SIGTERM)");
  explore_cmd->add_option("--report", explore.report_dir, "Report directory (default: reports/runs/<time>-explore)");

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

  run.reproduce_command = quoted_command_line(argc, argv);
  if (*run_cmd) return forkcheck::to_int(forkcheck::harness::run_scenario(run));
  if (*explore_cmd) {
    explore.program = argv[0];
    if (!explore_signals.empty() && !forkcheck::harness::parse_signal_list(explore_signals, explore.signals)) {
      std::cerr << "forkcheck: --signals: expected signal names or numbers separated by commas\n";
      return forkcheck::to_int(ExitCode::cannot_run);
    }
    return forkcheck::to_int(forkcheck::harness::explore(explore).code);
  }
  return forkcheck::to_int(ExitCode::cannot_run);
}
