#include "harness/run/run.hpp"

#include <signal.h>
#include <sys/signalfd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <thread>

#include "common/clock.hpp"
#include "common/unique_fd.hpp"
#include "harness/check/checker.hpp"
#include "harness/target/events_tail.hpp"
#include "harness/report/execution_table_summary.hpp"
#include "harness/faults/faults_driver.hpp"
#include "harness/target/launcher.hpp"
#include "harness/load/load.hpp"
#include "harness/observe/observer.hpp"
#include "harness/observe/worker_lifetimes.hpp"
#include "harness/target/port_probe.hpp"
#include "harness/report/report_dir.hpp"
#include "harness/report/report_json.hpp"
#include "harness/report/report_junit.hpp"
#include "harness/report/report_markdown.hpp"
#include "harness/run/run_api.hpp"
#include "harness/run/run_setup.hpp"
#include "harness/wire/wire_fuzz.hpp"

namespace forkcheck::harness {
namespace {

constexpr mono_ns kTick = ms_to_ns(2);
constexpr mono_ns kDeathConfirmTimeout = ms_to_ns(2000);

mono_ns seconds_to_ns(double s) { return static_cast<mono_ns>(s * 1e9); }

// The whole run's mutable state. Each phase is one method, called in order by run_scenario.
class Run {
 public:
  Run(RunSetup setup, Target target, Observer& observer)
      : setup_(std::move(setup)), target_(std::move(target)), observer_(observer),
        events_(setup_.events_path) {}

  ExitCode wait_until_serving();
  ExitCode drive_load_and_faults();
  void stop_target();
  ExitCode finish(bool print);
  std::vector<PropertyResult> results() const { return results_; }

 private:
  bool interrupted();
  void collect();
  void fire_due_faults(mono_ns now);
  void print_new_rows(bool run_over);
  History snapshot() const;
  void stop_wire_fuzz();

  RunSetup setup_;
  Target target_;
  Observer& observer_;
  EventsTail events_;
  History history_;
  std::map<pid_t, mono_ns> served_at_;  // pid -> first request it served (black-box readiness)
  std::optional<FaultDriver> faults_;
  std::vector<PropertyResult> results_;
  std::unique_ptr<LoadGenerator> load_;
  std::unique_ptr<WireFuzzer> wire_fuzz_;  // the wire_fuzz faults, sent from a thread of its own
  std::size_t rows_printed_ = 0;
  std::size_t table_signature_ = 0;
  bool header_printed_ = false;

 public:
  void begin() {
    history_.seed = setup_.scenario.seed;
    history_.target.command = target_.command();
    history_.target.primary_pid = target_.primary_pid();
    history_.target.launch_ns = target_.launch_ns();
    history_.target.port = setup_.port;
    history_.target.workers = setup_.workers;
    history_.target.white_box = !setup_.events_path.empty();
    history_.target.observer_source = observer_.source();
  }
};

bool Run::interrupted() {
  if (!setup_.signals) return false;
  signalfd_siginfo info{};
  if (::read(setup_.signals.get(), &info, sizeof info) != sizeof info) return false;
  std::cerr << "forkcheck: interrupted by signal " << info.ssi_signo << "; stopping the target\n";
  return true;
}

ExitCode Run::wait_until_serving() {
  const mono_ns deadline = monotonic_ns() + seconds_to_ns(setup_.scenario.start_timeout_s);
  for (;;) {
    if (interrupted()) return ExitCode::cannot_run;
    if (port_accepts(setup_.port)) break;
    if (target_.primary_exited()) {
      std::cerr << "forkcheck: target exited before listening on port " << setup_.port << ": "
                << history_.target.command << "\n" << indent_tail(read_tail(target_.log_path()));
      return ExitCode::cannot_run;
    }
    if (monotonic_ns() >= deadline) {
      std::cerr << "forkcheck: target did not listen on 127.0.0.1:" << setup_.port << " within "
                << setup_.scenario.start_timeout_s << " s: " << history_.target.command << "\n"
                << indent_tail(read_tail(target_.log_path()));
      return ExitCode::cannot_run;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  history_.target.listening_ns = monotonic_ns();
  // Start-up is not a fault: give the target its start timeout to fork all N workers.
  observer_.wait_for_live_count(setup_.workers, deadline);
  return ExitCode::ok;
}

ExitCode Run::drive_load_and_faults() {
  const Scenario& s = setup_.scenario;
  // wire_fuzz faults are the WireFuzzer's; the FaultDriver plans and fires the others.
  std::string fuzz_error;
  wire_fuzz_ = WireFuzzer::create(s, s.seed, static_cast<std::uint16_t>(setup_.port), &fuzz_error);
  if (!wire_fuzz_) {
    std::cerr << "forkcheck: " << fuzz_error << "\n";
    return ExitCode::cannot_run;
  }
  faults_.emplace(without_wire_fuzz(s), s.seed, FaultTargets{target_.primary_pid(), static_cast<std::uint16_t>(setup_.port),
                                          setup_.crash_file, kDeathConfirmTimeout});
  // The load lasts the scenario's duration, and at least until the last fault's recovery
  // deadline has passed, so every fault's recovery is observed under load.
  mono_ns length = seconds_to_ns(s.duration_s);
  if (!faults_->empty())
    length = std::max(length, faults_->last_offset_ns() + seconds_to_ns(s.recovery_deadline_s) + ms_to_ns(250));
  history_.load_start_ns = monotonic_ns();
  const mono_ns end = history_.load_start_ns + length;
  load_ = std::make_unique<LoadGenerator>(s.load, "127.0.0.1", setup_.port);
  load_->start(history_.load_start_ns, end);
  wire_fuzz_->start(history_.load_start_ns);
  bool aborted = false;
  for (mono_ns now = monotonic_ns(); now < end; now = monotonic_ns()) {
    if (interrupted()) {
      aborted = true;
      break;
    }
    collect();
    fire_due_faults(now);
    print_new_rows(false);
    std::this_thread::sleep_for(std::chrono::nanoseconds(kTick));
  }
  if (aborted) load_->stop();
  load_->join();
  stop_wire_fuzz();
  history_.load_end_ns = monotonic_ns();
  collect();
  return aborted ? ExitCode::cannot_run : ExitCode::ok;
}

// The fuzzer's records join the history once its thread is done.
void Run::stop_wire_fuzz() {
  if (!wire_fuzz_) return;
  history_.wire_inputs = wire_fuzz_->stop();
  if (wire_fuzz_->unsent_inputs() > 0)
    std::cerr << "forkcheck: wire_fuzz: " << wire_fuzz_->unsent_inputs() << " planned input(s) not sent before the load ended\n";
}

void Run::collect() {
  for (RequestRecord& r : load_ ? load_->drain_records() : std::vector<RequestRecord>{}) {
    if (r.error == RequestError::ok && r.worker_pid > 0) {
      auto [it, fresh] = served_at_.emplace(r.worker_pid, r.end_ns);
      if (!fresh) it->second = std::min(it->second, r.end_ns);
    }
    history_.requests.push_back(r);
  }
  for (Event& e : events_.poll()) history_.events.push_back(std::move(e));
}

void Run::fire_due_faults(mono_ns now) {
  const std::size_t before = history_.faults.size();
  faults_->fire_due(history_.load_start_ns, now, observer_.live_workers(), history_.faults);
  for (std::size_t i = before; i < history_.faults.size(); ++i) {
    const FaultRecord& rec = history_.faults[i];
    if (!rec.death_seen_ns && (rec.kind == FaultKind::kill_worker || rec.kind == FaultKind::kill_all))
      std::cerr << "forkcheck: fault " << i + 1 << " (" << to_string(rec.kind)
                << ") did not happen: " << rec.note << "\n";
  }
}

History Run::snapshot() const {
  History h = history_;
  assemble_worker_lifetimes(h, observer_.workers(), served_at_);
  return h;
}

void Run::print_new_rows(bool run_over) {
  if (setup_.options.quiet) return;
  // Rebuilding the table copies the history: do it only when something it depends on changed.
  const std::size_t signature = observer_.workers().size() * 1'000'003 + served_at_.size() * 1009 +
                                history_.faults.size() * 31 + history_.events.size() +
                                (history_.requests.empty() ? 0 : 7) + (run_over ? 1 : 0);
  if (signature == table_signature_ && rows_printed_ > 0) return;
  table_signature_ = signature;
  const ExecutionTable table = build_execution_table(snapshot(), setup_.scenario, run_over);
  if (!header_printed_) {
    std::cout << render_table_header_text();
    header_printed_ = true;
  }
  for (; rows_printed_ < table.rows.size(); ++rows_printed_)
    std::cout << render_row_text(table.rows[rows_printed_], table.launch_ns);
  std::cout.flush();
}

void Run::stop_target() {
  std::vector<pid_t> known;
  for (const WorkerLifetime& w : observer_.workers()) known.push_back(w.pid);
  const int grace_ms = static_cast<int>(setup_.scenario.stop_grace_s * 1000);
  const int orphan_grace_ms = static_cast<int>(setup_.scenario.orphan_grace_s * 1000);
  history_.stop = target_.stop_and_check_orphans(known, grace_ms, orphan_grace_ms);
  // Whether the primary died before the harness stopped it: the observer saw it exit first.
  if (const auto exit = observer_.primary_exit(); exit && history_.stop.primary_exited_during_run) {
    history_.stop.primary_exit_ns = exit->exit_ns;
  }
  collect();
  history_.run_end_ns = monotonic_ns();
}

ExitCode Run::finish(bool print) {
  print_new_rows(true);
  const History h = snapshot();
  results_ = check(h, setup_.scenario);
  const std::vector<PropertyResult>& results = results_;
  ReportMeta meta{setup_.options.reproduce_command, setup_.report_dir, FORKCHECK_VERSION};
  std::string error;
  const bool written =
      (!wire_fuzz_ || save_crash_inputs(*wire_fuzz_, h, setup_.report_dir, &error)) &&
      write_report_file(setup_.report_dir, "report.md", render_markdown_report(h, setup_.scenario, results, meta), &error) &&
      write_report_file(setup_.report_dir, "report.json", render_json_report(h, setup_.scenario, results, meta), &error) &&
      write_report_file(setup_.report_dir, "junit.xml", render_junit_report(h, setup_.scenario, results, meta), &error);
  if (print) {
    print_verdicts(std::cout, results);
    std::cout << "report: " << setup_.report_dir << "/report.md\n";
  }
  if (!written) {
    std::cerr << "forkcheck: " << error << "\n";
    return ExitCode::cannot_run;
  }
  return exit_code_for(results);
}

// The run's sequence: prepare, launch, wait until serving, load and faults, stop, check, report.
ExitCode run_sequence(const RunOptions& options, bool print, RunOutcome& outcome) {
  std::string error;
  auto setup = prepare_run(options, &error);
  if (!setup) {
    std::cerr << "forkcheck: " << error << "\n";
    return ExitCode::cannot_run;
  }
  outcome.report_dir = setup->report_dir;
  outcome.command = setup->command;
  if (!become_subreaper()) std::cerr << "forkcheck: warning: cannot become a child subreaper\n";
  Observer observer;  // before the launch, so the first forks are seen
  // The observer learns the primary's pid as soon as it exists, not after launch's settle wait: the
  // /proc fallback would otherwise stamp the first forks up to that wait late.
  auto launched = launch(setup->command, setup->report_dir + "/target.log", 50,
                         [&observer](pid_t primary) { observer.set_primary(primary); });
  if (auto* failure = std::get_if<LaunchError>(&launched)) {
    std::cerr << "forkcheck: target did not start: " << failure->reason << "\n" << indent_tail(failure->output_tail);
    return ExitCode::cannot_run;
  }
  Target target = std::move(std::get<Target>(launched));
  if (!setup->options.quiet)
    std::cout << "forkcheck: " << setup->scenario.name << ": " << setup->command << " (N=" << setup->workers
              << ", port " << setup->port << ", seed " << setup->scenario.seed << ", observer "
              << observer.source() << ")\n";
  Run run(std::move(*setup), std::move(target), observer);
  run.begin();
  ExitCode code = run.wait_until_serving();
  if (code == ExitCode::ok) code = run.drive_load_and_faults();
  run.stop_target();
  if (code != ExitCode::ok) return code;
  code = run.finish(print);
  outcome.results = run.results();
  return code;
}

}  // namespace

ExitCode run_scenario(const RunOptions& options) { return run_scenario_outcome(options, true).code; }

RunOutcome run_scenario_outcome(const RunOptions& given, bool print) {
  RunOptions options = given;
  options.quiet = options.quiet || !print;
  RunOutcome outcome;
  outcome.code = run_sequence(options, print, outcome);
  return outcome;
}

}  // namespace forkcheck::harness
