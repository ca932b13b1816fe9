#include "harness/run/run_setup.hpp"

#include <signal.h>
#include <sys/signalfd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <thread>

#include "harness/library/scenario_library.hpp"
#include "harness/observe/observer.hpp"
#include "harness/target/port_probe.hpp"
#include "harness/report/report_dir.hpp"
#include "harness/target/target_command.hpp"

namespace forkcheck::harness {
namespace {

namespace fs = std::filesystem;

bool apply_overrides(const RunOptions& o, Scenario& s, std::string* error) {
  apply_target_overrides(s, o.overrides);
  if (o.target) s.target = *o.target;
  if (o.workers) s.workers = *o.workers;
  if (o.port) s.port = *o.port;
  if (o.seed) s.seed = *o.seed;
  if (o.workers_match) s.workers_match = *o.workers_match;
  if (s.workers && *s.workers < 1) {
    *error = "--workers must be at least 1";
    return false;
  }
  if (o.workers_match) {
    if (std::string why = workers_match_error(*o.workers_match); !why.empty()) {
      *error = why;
      return false;
    }
  }
  return true;
}

UniqueFd block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  ::signal(SIGPIPE, SIG_IGN);  // a target that resets a connection must not kill the harness
  return UniqueFd(::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
}

bool resolve_port(RunSetup& setup, std::string* error) {
  setup.port = setup.scenario.port;
  const std::string& host = setup.scenario.load.host;
  if (setup.port == 0) {
    setup.port = pick_free_port(host);
    if (setup.port == 0) {
      *error = "no free port on " + host;
      return false;
    }
  } else if (port_accepts(setup.port, host)) {
    *error = "port " + std::to_string(setup.port) + " is busy: something already listens on " +
             host_and_port(host, setup.port) + " (use --port 0 for a free one)";
    return false;
  }
  return true;
}

// A template must pass the port on: without {port} the target listens wherever it likes and the
// run would wait its whole start timeout on another port.
bool template_passes_port(const Scenario& s, int port, std::string* error) {
  if (s.target.empty() || s.target.find("{port}") != std::string::npos) return true;
  *error = "the target command has no {port}: forkcheck gives the target its port (here " + std::to_string(port) +
           ") through {port}, e.g. '... --port {port}'; target: " + s.target;
  return false;
}

bool resolve_command(RunSetup& setup, std::string* error) {
  std::string templ = setup.scenario.target;
  const bool wants_refcluster = templ.empty() || templ.find("{refcluster}") != std::string::npos;
  const std::string refcluster = wants_refcluster ? path_from_cwd(find_refcluster()) : std::string();
  if (wants_refcluster && refcluster.empty()) {
    *error = "refcluster not found beside forkcheck, in the build tree or on PATH (or give --target)";
    return false;
  }
  if (templ.empty()) templ = refcluster_template(refcluster);
  if (templ.find("{events}") != std::string::npos) setup.events_path = setup.report_dir + "/events.jsonl";
  setup.crash_file = setup.report_dir + "/crash_file";
  const fs::path targets = scenario_library_dir() / "targets";
  std::error_code ec;
  const TargetValues values{setup.port,   setup.workers,          setup.events_path,
                            setup.crash_file, refcluster,           setup.scenario.load.host,
                            fs::is_directory(targets, ec) ? path_from_cwd(targets.string()) : std::string()};
  const auto command = expand_target(templ, values, error);
  if (!command) return false;
  setup.command = *command;
  return true;
}

}  // namespace

std::optional<RunSetup> prepare_run(const RunOptions& options, std::string* error) {
  RunSetup setup;
  setup.options = options;
  if (std::error_code ec; std::filesystem::is_directory(options.scenario_path, ec)) {
    *error = options.scenario_path + " is a directory, not a scenario file (a scenario is one YAML file, e.g. " +
             (std::filesystem::path(options.scenario_path) / "walkthrough.yaml").string() + ")";
    return std::nullopt;
  }
  // A file path, or a library name (`walkthrough`): the reproduce command keeps the argument as given,
  // so a replay finds the same library scenario by name wherever forkcheck is installed.
  const auto file = resolve_scenario(options.scenario_path, error);
  if (!file) return std::nullopt;
  setup.scenario_file = file->string();
  auto parsed = load_scenario_file(setup.scenario_file);
  if (auto* bad = std::get_if<ScenarioError>(&parsed)) {
    *error = bad->to_string();
    return std::nullopt;
  }
  setup.scenario = std::move(std::get<Scenario>(parsed));
  if (!apply_overrides(options, setup.scenario, error)) return std::nullopt;
  // A --target override replaces the scenario's own target: say at once what its faults lose.
  if (options.target)
    for (const std::string& warning : fault_placeholders_missing(setup.scenario, *options.target))
      std::cerr << "forkcheck: warning: " << warning << "\n";
  setup.workers = setup.scenario.workers.value_or(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  if (auto range = workers_range_error(setup.scenario, setup.workers)) {
    *error = setup.scenario.name + ": " + *range +
             (options.workers ? " (--workers " + std::to_string(*options.workers) + ")" : std::string());
    return std::nullopt;
  }
  if (!resolve_port(setup, error)) return std::nullopt;
  if (!template_passes_port(setup.scenario, setup.port, error)) return std::nullopt;
  setup.reproduce_command = reproduce_command(setup);
  const auto dir = prepare_report_dir(options.report_dir, setup.scenario.name, error);
  if (!dir) return std::nullopt;
  setup.report_dir = *dir;
  // From here on the run has a report directory: an error is reported there, not only on stderr.
  resolve_command(setup, &setup.command_error);
  setup.signals = block_stop_signals();
  return setup;
}

std::string reproduce_command(const RunSetup& setup) {
  const RunOptions& o = setup.options;
  std::string cmd = shell_word(path_from_cwd(o.program)) + " run " + shell_word(o.scenario_path);
  if (o.target) cmd += " --target " + shell_quote(*o.target);
  if (o.workers_match) cmd += " --workers-match " + shell_quote(*o.workers_match);
  for (const std::string& arg : target_override_arguments(o.overrides)) cmd += " " + shell_word(arg);
  // The port policy, not the port picked: a free port (0) stays "any free port".
  const int port_policy = o.port.value_or(setup.scenario.port);
  return cmd + " --workers " + std::to_string(setup.workers) + " --port " +
         std::to_string(setup.scenario.port == 0 || port_policy == 0 ? 0 : port_policy) + " --seed " +
         std::to_string(setup.scenario.seed);
}

void print_verdicts(std::ostream& out, const std::vector<PropertyResult>& results) {
  for (const PropertyResult& r : results) {
    std::string verdict(to_string(r.verdict));
    for (char& c : verdict) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out << "  " << verdict << std::string(8 - std::min<std::size_t>(7, verdict.size()), ' ') << to_string(r.property)
        << ": " << r.summary << "\n";
  }
}

std::string indent_tail(const std::string& text) {
  if (text.empty()) return {};
  std::istringstream in(text);
  std::string line, out = "  target output (last lines):\n";
  while (std::getline(in, line)) out += "  | " + line + "\n";
  return out;
}

}  // namespace forkcheck::harness
