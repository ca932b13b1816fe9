#include "harness/suite/suite_runner.hpp"

#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "common/clock.hpp"
#include "common/exit_code.hpp"
#include "common/pidfd.hpp"
#include "harness/report/step_summary.hpp"

extern char** environ;

namespace forkcheck::harness {
namespace {

namespace fs = std::filesystem;

volatile std::sig_atomic_t g_interrupted = 0;

void note_interrupt(int) { g_interrupted = 1; }

// Installs the SIGINT/SIGTERM handlers for the loop's lifetime (no SA_RESTART: poll returns EINTR).
class InterruptGuard {
 public:
  InterruptGuard() {
    g_interrupted = 0;
    struct sigaction sa {};
    sa.sa_handler = note_interrupt;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGINT, &sa, &old_int_);
    ::sigaction(SIGTERM, &sa, &old_term_);
  }
  ~InterruptGuard() {
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
  }
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

struct Running {
  const CellJob* job = nullptr;
  pid_t pid = -1;
  std::optional<Pidfd> handle;
  mono_ns started_ns = 0;
};

// Starts `forkcheck run` for the job, its output in <report_dir>.log, in a process group of its own
// (a Ctrl-C on the terminal reaches the suite alone, which passes it on). -1 with *error on failure.
pid_t spawn_run(const CellJob& job, const RunnerOptions& o, std::string* error) {
  const fs::path report = fs::path(o.report_root) / job.report_dir;
  std::error_code ec;
  fs::create_directories(report.parent_path(), ec);
  const std::string log = report.string() + ".log";
  std::vector<std::string> args = run_arguments(job, o);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults, none;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  pid_t pid = -1;
  // The suite appends its own summary to the CI job's; its cells must not each append theirs.
  std::vector<char*> env = environment_without_step_summary(environ);
  // Through /proc/self/exe, not the path: the binary this suite started from, even when a rebuild
  // has replaced the file meanwhile (argv[0] keeps the path for the cells' reproduce commands).
  const int rc = ::posix_spawn(&pid, "/proc/self/exe", &actions, &attr, argv.data(), env.data());
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    *error = "cannot start " + o.forkcheck_exe + ": " + std::strerror(rc);
    return -1;
  }
  return pid;
}

int wait_status(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

// Without a pidfd (an old kernel): has the child exited? It stays unreaped for wait_status.
bool exited_unreaped(pid_t pid) {
  siginfo_t info{};
  return ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid != 0;
}

double seconds_since(mono_ns t) { return static_cast<double>(monotonic_ns() - t) / 1e9; }

// Interrupted: SIGINT to every child (it stops its target and writes a partial report), then wait;
// a child still there after its grace gets SIGKILL. Bounded by kStopGrace.
void stop_children(std::vector<Running>& running) {
  constexpr mono_ns kStopGrace = 30'000'000'000;
  for (auto& r : running)
    if (r.handle) r.handle->send_signal(SIGINT);
  const mono_ns deadline = monotonic_ns() + kStopGrace;
  for (auto& r : running) {
    if (r.handle && !r.handle->wait_exit_until(deadline)) r.handle->send_signal(SIGKILL);
    wait_status(r.pid);
  }
  running.clear();
}

std::string last_line_of(const std::string& path) {
  std::ifstream in(path);
  std::string line, last;
  for (int i = 0; i < 100000 && std::getline(in, line); ++i)
    if (!line.empty()) last = line;
  return last;
}

std::optional<double> median_recovery_ms(const nlohmann::json& report) {
  std::vector<double> ms;
  if (report.contains("recoveries"))
    for (const auto& r : report["recoveries"])
      if (r.contains("recovery_ns") && r["recovery_ns"].is_number()) ms.push_back(r["recovery_ns"].get<double>() / 1e6);
  if (ms.empty()) return std::nullopt;
  std::sort(ms.begin(), ms.end());
  return ms.size() % 2 ? ms[ms.size() / 2] : (ms[ms.size() / 2 - 1] + ms[ms.size() / 2]) / 2;
}

}  // namespace

std::vector<std::string> run_arguments(const CellJob& job, const RunnerOptions& o) {
  std::vector<std::string> args = {o.forkcheck_exe, "run", job.scenario_path, "--port", "0",
                                   "--seed", std::to_string(job.seed),
                                   "--report", (fs::path(o.report_root) / job.report_dir).string(), "--quiet"};
  if (o.workers) args.insert(args.end(), {"--workers", std::to_string(*o.workers)});
  if (!job.workers_match.empty()) args.insert(args.end(), {"--workers-match", job.workers_match});
  args.insert(args.end(), job.run_flags.begin(), job.run_flags.end());
  if (!job.target_command.empty()) args.insert(args.begin() + 3, {"--target", job.target_command});
  return args;
}

CellRun read_cell_run(const std::string& report_root, const CellJob& job, int exit_code, double wall_s) {
  CellRun run;
  run.seed = job.seed;
  run.exit_code = exit_code;
  run.report_dir = job.report_dir;
  run.wall_s = wall_s;
  run.rerun = job.rerun;
  const fs::path dir = fs::path(report_root) / job.report_dir;
  std::ifstream in(dir / "report.json");
  nlohmann::json report;
  try {
    if (in) in >> report;
  } catch (const nlohmann::json::exception&) {
    report = nullptr;
  }
  if (!report.is_object()) {
    if (exit_code != to_int(ExitCode::ok)) run.exit_code = exit_code == 130 ? 130 : to_int(ExitCode::cannot_run);
    run.error = "no report.json (exit " + std::to_string(exit_code) + "): " + last_line_of(dir.string() + ".log");
    return run;
  }
  if (report.contains("error")) run.error = report["error"].get<std::string>();
  for (const auto& p : report.value("properties", nlohmann::json::array())) {
    const std::string verdict = p.value("verdict", "");
    if (verdict == "fail") run.failed.push_back(p.value("name", ""));
    if (verdict == "unknown") run.unknown.push_back(p.value("name", ""));
  }
  run.recovery_median_ms = median_recovery_ms(report);
  if (const auto load = report.find("load"); load != report.end() && load->is_object()) {
    run.requests_failed = load->value("failed", std::uint64_t{0});
    run.requests_excused = load->value("excused", std::uint64_t{0});
  }
  return run;
}

bool run_cell_jobs(const std::vector<CellJob>& jobs, const RunnerOptions& o, const RunFinished& on_finished,
                   const RunningChanged& on_running) {
  const InterruptGuard guard;
  std::vector<Running> running;
  std::size_t next = 0;
  auto report_running = [&] {
    std::vector<const CellJob*> now;
    for (const auto& r : running) now.push_back(r.job);
    on_running(now);
  };
  while ((next < jobs.size() || !running.empty()) && !g_interrupted) {
    bool changed = false;
    while (running.size() < static_cast<std::size_t>(std::max(1, o.jobs)) && next < jobs.size()) {
      const CellJob& job = jobs[next++];
      std::string error;
      const mono_ns started = monotonic_ns();
      const pid_t pid = spawn_run(job, o, &error);
      if (pid < 0) {
        CellRun failed = read_cell_run(o.report_root, job, to_int(ExitCode::cannot_run), 0);
        failed.error = error;
        on_finished(job, failed);
        continue;
      }
      running.push_back({&job, pid, Pidfd::open(pid), started});
      changed = true;
    }
    if (changed) report_running();
    std::vector<pollfd> fds;
    for (const auto& r : running) fds.push_back({r.handle ? r.handle->fd() : -1, POLLIN, 0});
    ::poll(fds.data(), fds.size(), 250);
    for (std::size_t i = running.size(); i-- > 0;) {
      Running& r = running[i];
      if (r.handle && !r.handle->exited()) continue;
      if (!r.handle && !exited_unreaped(r.pid)) continue;
      const int code = wait_status(r.pid);
      const double wall = seconds_since(r.started_ns);
      const CellJob& job = *r.job;
      running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
      if (code == to_int(ExitCode::interrupted) && g_interrupted) continue;
      on_finished(job, read_cell_run(o.report_root, job, code, wall));
      report_running();
    }
  }
  if (!g_interrupted) return true;
  stop_children(running);
  return false;
}

}  // namespace forkcheck::harness
