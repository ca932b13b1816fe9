#include "harness/run/run.hpp"

#include <signal.h>
#include <sys/signalfd.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <thread>

#include "common/clock.hpp"
#include "common/unique_fd.hpp"
#include "harness/check/checker.hpp"
#include "harness/check/checker_harness_late.hpp"
#include "harness/target/events_tail.hpp"
#include "harness/report/excused_failures.hpp"
#include "harness/report/execution_table_summary.hpp"
#include "harness/faults/faults_driver.hpp"
#include "harness/target/launcher.hpp"
#include "harness/load/load.hpp"
#include "harness/observe/connection_owners.hpp"
#include "harness/load/preflight.hpp"
#include "harness/observe/observer.hpp"
#include "harness/observe/worker_lifetimes.hpp"
#include "harness/target/port_probe.hpp"
#include "harness/report/report_dir.hpp"
#include "harness/report/html/report_html.hpp"
#include "harness/report/report_json.hpp"
#include "harness/report/report_junit.hpp"
#include "harness/report/report_markdown.hpp"
#include "harness/report/report_console.hpp"
#include "harness/report/report_setup_error.hpp"
#include "harness/report/report_step_summary.hpp"
#include "harness/report/step_summary.hpp"
#include "harness/run/run_api.hpp"
#include "harness/run/run_diagnosis.hpp"
#include "harness/run/run_setup.hpp"
#include "harness/run/scheduling_probe.hpp"
#include "harness/wire/wire_fuzz.hpp"

namespace forkcheck::harness {
namespace {

constexpr mono_ns kTick = ms_to_ns(2);
constexpr mono_ns kDeathConfirmTimeout = ms_to_ns(2000);
// Fewer than N workers, and none forked for this long after the target listens: it will not fork
// more (it hard-codes its count, or ignores {workers}); say so instead of judging a wrong cluster.
constexpr mono_ns kWorkerCountSettled = ms_to_ns(2000);
// Answers without a pid from any source after which, with neither refcluster's events nor the
// kernel's socket tables, readiness is taken to be unobservable.
constexpr std::size_t kAnswersBeforeNoReadiness = 16;

// The whole run's mutable state. Each phase is one method, called in order by run_scenario.
class Run {
 public:
  Run(RunSetup setup, Target target, Observer& observer)
      : setup_(std::move(setup)), target_(std::move(target)), observer_(observer),
        events_(setup_.events_path), resolver_(static_cast<std::uint16_t>(setup_.port)),
        console_(std::cout, !setup_.options.quiet, ::isatty(STDOUT_FILENO) == 1) {}

  ExitCode wait_until_serving();
  ExitCode preflight();
  ExitCode drive_load_and_faults();
  void stop_target();
  ExitCode finish(bool print);
  std::vector<PropertyResult> results() const { return results_; }
  const std::string& setup_error() const { return setup_error_; }
  const std::string& setup_error_details() const { return setup_error_details_; }

 private:
  bool interrupted();
  ExitCode cannot_serve(const std::string& reason, const std::string& details = {});
  ExitCode wait_for_workers(mono_ns deadline);
  std::optional<ExitCode> open_service_window(mono_ns now);
  ExitCode never_ready(mono_ns now);
  int confirmed_ready(mono_ns now) const;
  int busiest_second_of_forks() const;
  int live_children() const;
  std::string helpers_hint() const;
  std::vector<WorkerLifetime> current_workers() const;
  bool readiness_observable() const;
  ExitCode refuse_shell_wrapper(mono_ns deadline);
  void collect();
  void fire_due_faults(mono_ns now);
  void fire_overdue_faults();
  void print_new_rows();
  void print_status(mono_ns now);
  void print_request_counts() const;
  History snapshot() const;
  void stop_wire_fuzz();
  void record_health();
  void say_if_late() const;

  RunSetup setup_;
  Target target_;
  Observer& observer_;
  EventsTail events_;
  History history_;
  std::map<pid_t, mono_ns> served_at_;  // pid -> first request it served (black-box readiness)
  ServingPidResolver resolver_;         // serving pids from the kernel (observe/connection_owners)
  mono_ns start_deadline_ = 0;          // launch + start_timeout_s: listening, N live and N ready by then
  mono_ns schedule_length_ = 0;         // the load's length from its schedule's origin (load_start_ns)
  std::size_t answered_without_pid_ = 0;  // ok responses no source attributed (readiness_observable)
  bool any_pid_ = false;                // some response was attributed to a process
  std::optional<FaultDriver> faults_;
  std::vector<PropertyResult> results_;
  std::unique_ptr<LoadGenerator> load_;
  std::unique_ptr<WireFuzzer> wire_fuzz_;  // the wire_fuzz faults, sent from a thread of its own
  RunConsole console_;
  std::size_t table_signature_ = 0;
  std::size_t requests_ok_ = 0, requests_failed_ = 0;
  ExcusedTally excused_;  // the failures a fault excuses, counted as requests arrive
  std::string setup_error_;   // why the target could not serve (for the error report)
  std::string never_ready_;   // N workers were never ready, in a crash loop: judged, not "could not run"
  std::string setup_error_details_;  // what it answered instead, when it answered (the pre-flight)
  std::string interrupted_;   // what stopped the run early, for the partial report
  // The harness's own lateness (model/harness_health.hpp): the probe thread, the loop's tick, the sends.
  SchedulingProbe probe_;
  LatenessRecorder tick_lateness_, request_lateness_;

 public:
  void begin() {
    // Every request goes to the report directory as the run goes, not to memory (reports/README.md).
    history_.requests = RequestLog::stream_to(setup_.report_dir + "/requests.tsv");
    history_.seed = setup_.scenario.seed;
    history_.target.command = target_.command();
    history_.target.primary_pid = target_.primary_pid();
    history_.target.launch_ns = target_.launch_ns();
    history_.target.port = setup_.port;
    history_.target.workers = setup_.workers;
    history_.target.white_box = !setup_.events_path.empty();
    history_.target.observer_source = observer_.source();
    history_.target.workers_rule = observer_.workers_rule();
    history_.target.kernel_attribution = resolver_.available();
    probe_.start();
  }
};

bool Run::interrupted() {
  if (!setup_.signals) return false;
  signalfd_siginfo info{};
  if (::read(setup_.signals.get(), &info, sizeof info) != sizeof info) return false;
  interrupted_ = signal_name(static_cast<int>(info.ssi_signo)) + " " +
                 format_one_decimal(ns_to_ms(monotonic_ns() - target_.launch_ns()) / 1e3) + " s after the launch";
  console_.clear_status();
  std::cerr << "forkcheck: interrupted by " << interrupted_ << "; stopping the target and writing a partial report\n";
  return true;
}

ExitCode Run::cannot_serve(const std::string& reason, const std::string& details) {
  setup_error_ = reason;
  setup_error_details_ = details;
  std::cerr << "forkcheck: " << reason << "\n" << details << indent_tail(read_tail(target_.log_path()));
  return ExitCode::cannot_run;
}

ExitCode Run::wait_until_serving() {
  const mono_ns deadline = monotonic_ns() + seconds_to_ns(setup_.scenario.start_timeout_s);
  start_deadline_ = deadline;
  for (;;) {
    if (interrupted()) return ExitCode::interrupted;
    if (port_accepts(setup_.port, setup_.scenario.load.host)) break;
    if (const auto exit = target_.exit_info())
      return cannot_serve("target " + describe_exit(*exit) + " before listening on port " + std::to_string(setup_.port) +
                          ": " + history_.target.command);
    if (monotonic_ns() >= deadline) {
      char within[32];
      std::snprintf(within, sizeof within, "%g", setup_.scenario.start_timeout_s);
      return cannot_serve("target did not listen on " + host_and_port(setup_.scenario.load.host, setup_.port) +
                          " within " + within + " s" + describe_other_ports(target_.primary_pid(), setup_.port) +
                          ": " + history_.target.command);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  history_.target.listening_ns = monotonic_ns();
  observer_.end_start_up(*history_.target.listening_ns);  // a later exec is not a wrapper's
  return wait_for_workers(deadline);
}

// Start-up is not a fault: the target has its start timeout to fork all N workers. A count that
// stops short of N for kWorkerCountSettled is diagnosed at once.
//
// Counted here: live workers, and live children not (yet) workers. A worker that never holds the
// listening socket (Node's round-robin: the primary accepts and hands each connection on) qualifies
// only once it holds a connection, and no connection reaches it before the load starts: waiting for
// N *workers* would wait for ever. The service window still waits for N workers seen ready.
int Run::live_children() const {
  int helpers = 0;
  for (const HelperProcess& p : observer_.helpers()) helpers += p.exit_ns ? 0 : 1;
  return observer_.live_count() + helpers;
}

ExitCode Run::wait_for_workers(mono_ns deadline) {
  int seen = live_children();
  mono_ns changed_ns = monotonic_ns();
  for (mono_ns now = changed_ns; seen < setup_.workers; now = monotonic_ns()) {
    if (interrupted()) return ExitCode::interrupted;
    if (const int live = live_children(); live != seen) {
      seen = live;
      changed_ns = now;
      continue;
    }
    if (now >= deadline || now - changed_ns >= kWorkerCountSettled) {
      const bool passes_workers = setup_.scenario.target.empty() ||
                                  setup_.scenario.target.find("{workers}") != std::string::npos;
      return cannot_serve("only " + std::to_string(seen) + " of " + std::to_string(setup_.workers) +
                          " workers appeared (none more within " + format_ms(ns_to_ms(now - changed_ns)) +
                          " ms)" + describe_wrapper(target_.primary_pid()) +
                          (passes_workers ? "" : "; the target command has no {workers}, so the target picks its own count") +
                          helpers_hint() +
                          ": " + history_.target.command);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return refuse_shell_wrapper(deadline);
}

// N children were seen, but the launched process is a shell: it may wrap the server without exec,
// the server's own workers (our grandchildren) coming a moment later. They are waited for as long as
// a worker count may take to settle.
ExitCode Run::refuse_shell_wrapper(mono_ns deadline) {
  if (!is_shell(target_.primary_pid())) return ExitCode::ok;
  const mono_ns until = std::min(deadline, monotonic_ns() + kWorkerCountSettled);
  for (mono_ns now = monotonic_ns(); now < until; now = monotonic_ns()) {
    if (interrupted()) return ExitCode::interrupted;
    if (const std::string wrapper = describe_wrapper(target_.primary_pid()); !wrapper.empty())
      return cannot_serve("the target is a shell wrapping the server" + wrapper + ": " + history_.target.command);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return ExitCode::ok;
}

// One request before the schedule, judged by the load's own rule: a target whose good answer is not
// the scenario's (another body, its health check on another path) is told at once what came back
// and which option to change, instead of failing every request of the run. No answer at all within
// the request timeout is not refused here: a target whose workers never serve (a crash loop) is what
// the properties judge, so the run goes on, and says so.
ExitCode Run::preflight() {
  const LoadSpec& load = setup_.scenario.load;
  if (interrupted()) return ExitCode::interrupted;
  std::string error;
  const auto answer = send_preflight_request(load, load.host, setup_.port, monotonic_ns() + ms_to_ns(load.timeout_ms), &error);
  if (!answer) {
    console_.clear_status();
    std::cerr << "forkcheck: warning: the pre-flight request GET " << load.path << " got no answer (" << error
              << "): what the target answers is not known before the run; the properties judge it\n";
    return ExitCode::ok;
  }
  if (const auto refusal = judge_preflight(load, *answer)) return cannot_serve(refusal->summary, refusal->details);
  return ExitCode::ok;
}

ExitCode Run::drive_load_and_faults() {
  const Scenario& s = setup_.scenario;
  // wire_fuzz faults are the WireFuzzer's; the FaultDriver plans and fires the others.
  std::string fuzz_error;
  wire_fuzz_ = WireFuzzer::create(s, s.seed, static_cast<std::uint16_t>(setup_.port), &fuzz_error);
  if (!wire_fuzz_) {
    setup_error_ = fuzz_error;
    std::cerr << "forkcheck: " << fuzz_error << "\n";
    return ExitCode::cannot_run;
  }
  faults_.emplace(without_wire_fuzz(s), s.seed, FaultTargets{target_.primary_pid(), static_cast<std::uint16_t>(setup_.port),
                                          setup_.crash_file, kDeathConfirmTimeout});
  // The load lasts the scenario's duration, and at least until the last fault's recovery
  // deadline has passed, so every fault's recovery is observed under load.
  schedule_length_ = seconds_to_ns(s.duration_s);
  const mono_ns recovery_under_load = seconds_to_ns(s.recovery_deadline_s) + ms_to_ns(250);
  if (!faults_->empty())
    schedule_length_ = std::max(schedule_length_, faults_->last_offset_ns() + recovery_under_load);
  // The load starts with N live workers; its schedule (the faults' at_s, the duration) is fixed
  // once N are ready (open_service_window), so until then it may have to run up to the start deadline.
  history_.load_begin_ns = monotonic_ns();
  history_.load_start_ns = history_.load_begin_ns;
  mono_ns end = std::max(start_deadline_, history_.load_begin_ns) + schedule_length_;
  load_ = std::make_unique<LoadGenerator>(s.load, s.load.host, setup_.port, s.load.expected_body);
  load_->start(history_.load_begin_ns, end);
  console_.line("load started " + format_ns_as_ms(history_.load_begin_ns - target_.launch_ns()) +
                " ms after the launch; waiting for " + std::to_string(setup_.workers) + " ready workers");
  bool aborted = false, window_open = false;
  ExitCode code = ExitCode::ok;
  for (mono_ns now = monotonic_ns(); now < end; now = monotonic_ns()) {
    if (interrupted()) {
      aborted = true;
      code = ExitCode::interrupted;
      break;
    }
    const std::size_t faults_before = history_.faults.size();
    collect();
    if (!window_open) {
      if (const auto failed = open_service_window(now)) {
        aborted = true;
        code = *failed;
        break;
      }
      if (!never_ready_.empty()) {
        aborted = true;
        break;
      }
      if (history_.target.service_start_ns) {
        window_open = true;
        end = history_.load_start_ns + schedule_length_;
        load_->set_stop_ns(end);
        wire_fuzz_->start(history_.load_start_ns);
      }
    }
    if (window_open) {
      fire_due_faults(now);
      // A fault sent late (its freeze, or this loop, held up on a starved CPU) still has its
      // recovery observed under load: the end moves with it, as it was planned from its offset.
      if (const mono_ns covering = load_end_covering(end, history_.faults, recovery_under_load); covering > end) {
        end = covering;
        load_->set_stop_ns(end);
      }
    }
    print_new_rows();
    print_status(now);
    std::this_thread::sleep_for(std::chrono::nanoseconds(kTick));
    // The tick is due kTick after its iteration began; it is late by the loop's own work and the
    // sleep's oversleep. An iteration that sent a fault waits on purpose (freezing its victims,
    // seeing their deaths): the harness doing its job, not the machine holding it off, so not counted.
    if (history_.faults.size() == faults_before) tick_lateness_.add(now + kTick, monotonic_ns());
  }
  if (aborted) load_->stop();
  load_->join();
  history_.bad_bodies = load_->bad_bodies();
  stop_wire_fuzz();
  history_.load_end_ns = monotonic_ns();
  collect();
  if (!aborted) fire_overdue_faults();
  return code;
}

// The lifetimes as the run knows them now: the observer's workers with every readiness source merged.
std::vector<WorkerLifetime> Run::current_workers() const {
  History h;
  h.events = history_.events;
  assemble_worker_lifetimes(h, observer_.workers(), served_at_);
  return std::move(h.workers);
}

// Whether any source can tell a worker is ready: refcluster's events, the kernel (the observer's
// looks and the connections' owners), or X-Worker-Pid. Without them, "ready" cannot be seen, and
// the properties resting on it say unknown (docs/design.md, section 5).
bool Run::readiness_observable() const {
  if (history_.target.white_box || resolver_.available() || any_pid_) return true;
  return answered_without_pid_ < kAnswersBeforeNoReadiness;
}

// Warm-up is not service (docs/design.md, section 5): the window opens when N workers have been seen
// ready, or at the end of warmup_s, whichever is later. When the target took longer than warmup_s,
// the schedule (faults' at_s, the load's length) counts from N ready - warmup_s, so every fault
// still falls warmup_s or more after the target was ready. Returns an exit code when the run must
// stop: the target was not ready by the start deadline.
std::optional<ExitCode> Run::open_service_window(mono_ns now) {
  const mono_ns warmup = seconds_to_ns(setup_.scenario.warmup_s);
  if (!readiness_observable()) {
    history_.target.service_start_ns = history_.load_begin_ns + warmup;
    console_.clear_status();
    std::cerr << "forkcheck: readiness cannot be observed: no X-Worker-Pid header in "
              << answered_without_pid_ << " answers and the kernel's socket tables cannot be read; the service window "
              << "starts at the end of warm-up and the properties resting on readiness are unknown\n";
    return std::nullopt;
  }
  History h;
  h.target.workers = setup_.workers;
  h.workers = current_workers();
  h.run_end_ns = now;
  if (!history_.target.ready_ns && confirmed_ready(now) >= setup_.workers) {
    if (const auto all = first_full_ready(h, target_.launch_ns())) history_.target.ready_ns = *all;
  }
  if (history_.target.ready_ns) {
    // Counted from when the run saw N ready (now), not from the instant the readiness is dated to:
    // a lagging source (a batch of answers resolved late) can date it seconds back, and a schedule
    // counted from then would fire every fault at once and end the load before their recoveries.
    history_.load_start_ns = std::max(history_.load_begin_ns, now - warmup);
    history_.target.service_start_ns = history_.load_start_ns + warmup;
    const mono_ns after_load = *history_.target.ready_ns - history_.load_begin_ns;
    console_.line(std::to_string(setup_.workers) + " workers ready " +
                  format_ns_as_ms(*history_.target.ready_ns - target_.launch_ns()) + " ms after the launch (" +
                  (after_load > 0 ? format_ns_as_ms(after_load) + " ms after the load started" : "before the load started") +
                  "); the service window starts at " +
                  format_ns_as_ms(*history_.target.service_start_ns - target_.launch_ns()) +
                  " ms; fault times count from " + format_ns_as_ms(history_.load_start_ns - target_.launch_ns()) + " ms");
    return std::nullopt;
  }
  if (now < start_deadline_ && !target_.primary_exited()) return std::nullopt;
  return never_ready(now);
}

// Under the socket rule a child's first looks can still find the listening socket it inherited at
// fork and has not closed yet (a helper that has not run): it is a worker only provisionally, and an
// answer naming it (X-Worker-Pid) must not make it count as ready. N workers are ready once the
// observer itself found N live workers ready (waiting on the listening socket, or holding a
// connection); the other sources then only date it earlier.
// The primary's children that are not workers, for an error saying too few workers were found.
std::string Run::helpers_hint() const {
  std::string out;
  for (const HelperProcess& p : observer_.helpers())
    if (!p.exit_ns) out += (out.empty() ? "" : ", ") + std::to_string(p.pid) + " '" + p.command + "'";
  if (out.empty()) return out;
  return "; other children of the primary (helpers): " + out +
         " (if they are workers the kernel cannot tell, e.g. behind a router, say so with --workers-match REGEX)";
}

int Run::confirmed_ready(mono_ns now) const {
  if (observer_.rule() != WorkerRule::serves_port) return setup_.workers;
  // The observer's look (waiting on the listening socket, or holding a connection) or an answer the
  // worker gave: a child that answered serves the port, whatever its looks caught (a worker that
  // sleeps between accept batches is seen neither waiting nor holding a connection).
  int ready = 0;
  for (const WorkerLifetime& w : observer_.workers())
    if ((!w.exit_ns || *w.exit_ns > now) && (w.ready_ns || served_at_.count(w.pid))) ++ready;
  return ready;
}

// The busiest second of worker forks seen so far, for a target that never got N workers ready:
// a crash loop at start-up is bounded_restarts' to judge, not a run that could not be made.
int Run::busiest_second_of_forks() const {
  std::vector<mono_ns> forks;
  for (const WorkerLifetime& w : observer_.workers()) forks.push_back(w.fork_ns);
  std::sort(forks.begin(), forks.end());
  int most = 0;
  for (std::size_t i = 0, j = 0; j < forks.size(); ++j) {
    while (forks[j] - forks[i] >= seconds_to_ns(1)) ++i;
    most = std::max(most, static_cast<int>(j - i + 1));
  }
  return most;
}

ExitCode Run::never_ready(mono_ns now) {
  int live = 0, ready = 0, answered = 0;
  for (const WorkerLifetime& w : current_workers()) {
    if (w.exit_ns && *w.exit_ns <= now) continue;
    ++live;
    if (w.ready_ns) ++ready;
    if (served_at_.count(w.pid)) ++answered;
  }
  char within[32];
  std::snprintf(within, sizeof within, "%g", setup_.scenario.start_timeout_s);
  const std::string what = target_.primary_exited() ? "the target exited before " : "";
  const Scenario& sc = setup_.scenario;
  const std::vector<Property> checked = properties_to_check(sc);
  const int forks = busiest_second_of_forks();
  if (forks > sc.max_forks_per_s.value_or(kDefaultMaxForksPerS) &&
      std::find(checked.begin(), checked.end(), Property::bounded_restarts) != checked.end()) {
    never_ready_ = what + std::to_string(setup_.workers) + " workers were never ready within start_timeout_s " + within +
                   " s, while the primary forked " + std::to_string(forks) + " workers in one second (a crash loop)";
    console_.clear_status();
    std::cerr << "forkcheck: " << never_ready_ << ": judging bounded_restarts and what needs no service window\n";
    return ExitCode::ok;
  }
  return cannot_serve(what + std::to_string(setup_.workers) + " workers were not ready within start_timeout_s " + within +
                      " s: " + std::to_string(live) + " live, " + std::to_string(ready) + " ready, " +
                      std::to_string(answered) + " answered a request (" + std::to_string(requests_ok_) +
                      " requests answered in all); " + history_.target.workers_rule + helpers_hint() + ": " +
                      history_.target.command);
}

// A fault the loop was too far behind to send while the load ran (an earlier fault's confirmation
// took the time) is sent now rather than dropped: its record shows it came after the load's end, and
// the checkers say unknown for what they could not observe under load (check/checker.cpp).
void Run::fire_overdue_faults() {
  const std::size_t before = history_.faults.size();
  fire_due_faults(monotonic_ns());
  for (std::size_t i = before; i < history_.faults.size(); ++i)
    console_.clear_status(), std::cerr << "forkcheck: fault " << i + 1 << " (" << to_string(history_.faults[i].kind)
              << ") was sent after the load ended: the run was behind its schedule\n";
}

// The fuzzer's records join the history once its thread is done.
void Run::stop_wire_fuzz() {
  if (!wire_fuzz_) return;
  history_.wire_inputs = wire_fuzz_->stop();
  if (wire_fuzz_->unsent_inputs() > 0)
    std::cerr << "forkcheck: wire_fuzz: " << wire_fuzz_->unsent_inputs() << " planned input(s) not sent before the load ended\n";
}

void Run::collect() {
  std::vector<RequestRecord> batch = load_ ? load_->drain_records() : std::vector<RequestRecord>{};
  // Which process served each answered connection, from the kernel, for the records the header did not name.
  if (std::any_of(batch.begin(), batch.end(), ConnectionPids::wants_pid)) {
    std::vector<pid_t> candidates = observer_.live_children();
    candidates.push_back(target_.primary_pid());
    resolver_.resolve(batch, candidates);
  }
  for (const RequestRecord& r : batch) {
    if (!r.probe && !cut_by_harness(r)) (r.error == RequestError::ok ? requests_ok_ : requests_failed_) += 1;
    if (r.error == RequestError::ok) (r.worker_pid ? any_pid_ = true : ++answered_without_pid_);
    excused_.add(history_, setup_.scenario, r);  // every fault that can excuse r was recorded before r was drained
    note_served(served_at_, r);
    // A send's lateness includes its wait for a free connection; one never sent is late until it gave up.
    if (!r.probe && r.intended_ns > 0) request_lateness_.add(r.intended_ns, r.start_ns ? r.start_ns : r.end_ns);
  }
  history_.requests.append(batch);  // written through: a crashed run keeps what was drained
  for (Event& e : events_.poll()) history_.events.push_back(std::move(e));
}

void Run::fire_due_faults(mono_ns now) {
  const std::size_t before = history_.faults.size();
  faults_->fire_due(history_.load_start_ns, now, observer_.live_workers(), history_.faults);
  for (std::size_t i = before; i < history_.faults.size(); ++i) {
    const FaultRecord& rec = history_.faults[i];
    if (!rec.death_seen_ns && (rec.kind == FaultKind::kill_worker || rec.kind == FaultKind::kill_all))
      console_.clear_status(), std::cerr << "forkcheck: fault " << i + 1 << " (" << to_string(rec.kind)
                << ") did not happen: " << rec.note << "\n";
  }
}

// Beside the verdicts: what the load saw, the failures a fault excused counted apart, per fault.
void Run::print_request_counts() const {
  const ExcusedFailures& e = excused_.result();
  const std::string per_fault = excused_per_fault_text(e);
  std::cout << "requests: " << requests_ok_ << " ok, " << failed_and_excused_text(requests_failed_, e.excused)
            << (per_fault.empty() ? "" : " by fault: " + per_fault) << "\n";
}

History Run::snapshot() const {
  History h = history_;
  assemble_worker_lifetimes(h, observer_.workers(), served_at_);
  h.helpers = observer_.helpers();
  return h;
}

void Run::print_new_rows() {
  if (setup_.options.quiet) return;
  // Rebuilding the table copies the history: do it only when something it depends on changed.
  const std::size_t signature = observer_.workers().size() * 1'000'003 + served_at_.size() * 1009 +
                                (history_.target.ready_ns ? 17 : 0) +
                                history_.faults.size() * 31 + history_.events.size() +
                                (history_.requests.empty() ? 0 : 7);
  if (signature == table_signature_) return;
  table_signature_ = signature;
  console_.print_new_rows(build_execution_table(snapshot(), setup_.scenario, /*run_over=*/false));
}

void Run::print_status(mono_ns now) {
  if (setup_.options.quiet) return;
  if (!console_.status_due(now)) {
    console_.status(now, {});  // starts the interval on the first call; prints nothing
    return;
  }
  RunStatus st;
  st.elapsed_s = ns_to_ms(now - history_.load_start_ns) / 1e3;
  st.requests_ok = requests_ok_;
  st.requests_failed = requests_failed_;
  st.requests_excused = excused_.result().excused;
  st.n = setup_.workers;
  for (const WorkerLifetime& w : current_workers()) {
    if (w.exit_ns && *w.exit_ns <= now) continue;
    ++st.live;
    st.ready += w.ready_ns && *w.ready_ns <= now ? 1 : 0;
  }
  if (const auto next = faults_->next_offset_ns(); next && history_.target.service_start_ns) st.next_fault_s = ns_to_ms(*next) / 1e3;
  console_.status(now, st);
}

void Run::stop_target() {
  std::vector<pid_t> known;
  for (const WorkerLifetime& w : observer_.workers()) known.push_back(w.pid);
  for (const HelperProcess& p : observer_.helpers()) known.push_back(p.pid);
  const int grace_ms = static_cast<int>(setup_.scenario.stop_grace_s * 1000);
  const int orphan_grace_ms = static_cast<int>(setup_.scenario.orphan_grace_s * 1000);
  // A primary already told to stop by a term_primary fault gets its grace from that signal: neither
  // the load's end nor the fault's 2 s confirmation may cut it short with a second stop signal.
  if (const auto not_before = harness_stop_not_before_ns(history_, setup_.scenario.stop_grace_s))
    target_.wait_exit_until(*not_before);
  history_.stop = target_.stop_and_check_orphans(known, grace_ms, orphan_grace_ms, setup_.scenario.stop_signal);
  // Whether the primary died before the harness stopped it: the observer saw it exit first.
  if (const auto exit = observer_.primary_exit(); exit && history_.stop.primary_exited_during_run) {
    history_.stop.primary_exit_ns = exit->exit_ns;
  }
  collect();
  history_.run_end_ns = monotonic_ns();
}

// The sources in a fixed order: the two that make stalls (tick, probe), then the faults and sends.
void Run::record_health() {
  history_.harness_health.sources = {tick_lateness_.summary("tick"), probe_.stop(), fault_lateness(history_.faults),
                                     request_lateness_.summary("request")};
}

// One console line when the harness was late enough for the rule to matter (docs/design.md, section 6).
void Run::say_if_late() const {
  const History& h = history_;
  const auto late = harness_was_late(h, setup_.scenario);
  if (!late) return;
  std::cerr << "forkcheck: harness health: " << describe_stall(h, *late) << ", more than "
            << kHarnessLateFraction * 100 << " % of one of the run's timing bounds: a timing fail judged during "
            << "it is unknown, not fail (report.md, Harness health)\n";
}

ExitCode Run::finish(bool print) {
  record_health();
  say_if_late();
  const History h = snapshot();
  if (!setup_.options.quiet)
    console_.print_final_rows(build_execution_table(h, setup_.scenario, /*run_over=*/true), setup_.scenario.walkthrough);
  results_ = check(h, setup_.scenario);
  if (!never_ready_.empty()) results_ = without_service_window(std::move(results_), never_ready_);
  results_ = with_harness_lateness(std::move(results_), h, setup_.scenario);
  const std::vector<PropertyResult>& results = results_;
  ReportMeta meta{setup_.reproduce_command, setup_.report_dir, FORKCHECK_VERSION, interrupted_};
  std::string error;
  const bool written =
      (!wire_fuzz_ || save_crash_inputs(*wire_fuzz_, h, setup_.report_dir, &error)) &&
      write_report_file(setup_.report_dir, "report.md", render_markdown_report(h, setup_.scenario, results, meta), &error) &&
      write_report_file(setup_.report_dir, "report.html", render_html_report(h, setup_.scenario, results, meta), &error) &&
      write_report_file(setup_.report_dir, "report.json", render_json_report(h, setup_.scenario, results, meta), &error) &&
      write_report_file(setup_.report_dir, "junit.xml", render_junit_report(h, setup_.scenario, results, meta), &error);
  if (print) {
    if (!setup_.options.quiet) std::cout << "\n";
    print_verdicts(std::cout, results);
    if (!setup_.options.quiet) print_request_counts();
    if (!interrupted_.empty()) std::cout << "INTERRUPTED (" << interrupted_ << "): the verdicts above judge a partial run\n";
    if (!setup_.options.quiet) std::cout << bad_body_note(h, setup_.scenario.load);
    if (!setup_.options.quiet) std::cout << "report: " << setup_.report_dir << "/report.md\n";
    append_step_summary(render_run_step_summary(h, setup_.scenario, results, meta));
  }
  if (!written) {
    std::cerr << "forkcheck: " << error << "\n";
    return ExitCode::cannot_run;
  }
  return interrupted_.empty() ? exit_code_for(results) : ExitCode::interrupted;
}

// A run that could not be made once its report directory existed still leaves report.md,
// report.json and junit.xml saying why, so CI finds an error where it looks for results.
// `print`: a `forkcheck run` of its own, which also tells the CI job's summary (explore's cases do not).
ExitCode could_not_run(const SetupFailure& f, const ReportMeta& meta, bool print) {
  std::string error;
  const bool written = write_report_file(meta.report_dir, "report.md", render_setup_error_markdown(f, meta), &error) &&
                       write_report_file(meta.report_dir, "report.json", render_setup_error_json(f, meta), &error) &&
                       write_report_file(meta.report_dir, "junit.xml", render_setup_error_junit(f, meta), &error);
  if (!written) std::cerr << "forkcheck: " << error << "\n";
  if (print) append_step_summary(render_setup_error_step_summary(f, meta));
  return ExitCode::cannot_run;
}

// What the run says at start about how it learns which process served a request.
std::string serving_pid_sources(int port) {
  if (ServingPidResolver(static_cast<std::uint16_t>(port)).available())
    return "X-Worker-Pid when the target sends it, else the kernel: the process holding the server side of the connection";
  return "X-Worker-Pid only: the kernel's socket tables (sock_diag) cannot be read here; without the header, "
         "readiness, row 7's spread and recoveries are unknown";
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
  SetupFailure failure{setup->scenario.name, setup->scenario_file, setup->command, setup->command_error};
  const ReportMeta meta{setup->reproduce_command, setup->report_dir, FORKCHECK_VERSION, {}};
  if (!failure.reason.empty()) {
    std::cerr << "forkcheck: " << failure.reason << "\n";
    return could_not_run(failure, meta, print);
  }
  if (!become_subreaper()) std::cerr << "forkcheck: warning: cannot become a child subreaper\n";
  // Before the launch, so the first forks are seen; it tells workers from helpers by the port (or
  // the scenario's workers_match).
  Observer observer(ObserverOptions{.port = static_cast<std::uint16_t>(setup->port), .workers_match = setup->scenario.workers_match});
  // The observer learns the primary's pid as soon as it exists, not after launch's settle wait: the
  // /proc fallback would otherwise stamp the first forks up to that wait late.
  auto launched = launch(setup->command, setup->report_dir + "/target.log", 50,
                         [&observer](pid_t primary) { observer.set_primary(primary); });
  if (auto* launch_error = std::get_if<LaunchError>(&launched)) {
    std::cerr << "forkcheck: target did not start: " << launch_error->reason << "\n"
              << indent_tail(launch_error->output_tail);
    failure.reason = "target did not start: " + launch_error->reason;
    return could_not_run(failure, meta, print);
  }
  Target target = std::move(std::get<Target>(launched));
  if (!setup->options.quiet)
    std::cout << "forkcheck: " << setup->scenario.name << ": " << setup->command << " (N=" << setup->workers
              << ", port " << setup->port << ", seed " << setup->scenario.seed << ", observer "
              << observer.source() << ")\n"
              << "forkcheck: workers: " << observer.workers_rule() << "\n"
              << "forkcheck: serving pid: " << serving_pid_sources(setup->port) << "\n";
  Run run(std::move(*setup), std::move(target), observer);
  run.begin();
  ExitCode code = run.wait_until_serving();
  if (code == ExitCode::ok) code = run.preflight();
  if (code == ExitCode::ok) code = run.drive_load_and_faults();
  run.stop_target();
  if (code == ExitCode::cannot_run) {
    failure.reason = run.setup_error();
    failure.details = run.setup_error_details();
    return could_not_run(failure, meta, print);
  }
  // An interrupted run is checked and reported too: partial, and marked as such.
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
