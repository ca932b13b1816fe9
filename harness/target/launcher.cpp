#include "harness/target/launcher.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <fstream>
#include <mutex>

#include "common/pidfd.hpp"
#include "harness/target/launcher_tree.hpp"
#include "harness/model/scenario.hpp"
#include "harness/proc/proc_scan.hpp"

namespace bp = boost::process;

namespace forkcheck::harness {

struct Target::State {
  std::string command;
  std::string log_path;
  pid_t primary = 0;
  mono_ns launch_ns = 0;
  std::optional<Pidfd> pidfd;
  std::optional<ExitInfo> exit;
  bool reaped = false;
  std::vector<pid_t> known_workers;
  std::mutex mutex;  // kill_tree() may come from kill_all_launched() and from the destructor

  ~State();
  TreeRef tree() const { return TreeRef{primary, primary, reaped, known_workers}; }
};

namespace {

// Every target launched and not yet cleaned up, for kill_all_launched(). Touched only under the mutex.
std::mutex registry_mutex;
std::vector<Target::State*> registry;

// Runs in the child between fork and exec (only async-signal-safe calls).
void prepare_child(pid_t parent) {
  ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  // The parent may have died before prctl: then the death signal will never come.
  if (::getppid() != parent) ::_exit(127);
  // forkcheck may block or ignore signals for its own loop; exec keeps both, and a target that
  // ignores SIGTERM or SIGPIPE because of us would be tested wrongly.
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig : {SIGTERM, SIGINT, SIGPIPE, SIGCHLD, SIGHUP}) ::signal(sig, SIG_DFL);
}

// waitid(WNOWAIT): the exit status without reaping, so the zombie keeps pinning the group id.
std::optional<ExitInfo> peek_exit(pid_t pid) {
  siginfo_t si{};
  if (::waitid(P_PID, static_cast<id_t>(pid), &si, WEXITED | WNOHANG | WNOWAIT) != 0 || si.si_pid != pid)
    return std::nullopt;
  ExitInfo info;
  info.seen_ns = monotonic_ns();
  if (si.si_code == CLD_EXITED) info.status = si.si_status;
  else info.signal = si.si_status;
  return info;
}


// SIGKILL everything of the target and reap it (bounded). Called with state.mutex held.
void kill_tree_locked(Target::State& state) {
  if (state.reaped) return;
  // The primary is unreaped, so its pid still names our group: the group signal cannot miss.
  ::kill(-state.primary, SIGKILL);
  if (state.pidfd) state.pidfd->send_signal(SIGKILL);
  kill_and_reap_tree(state.tree(), monotonic_ns() + ms_to_ns(5000));
  if (state.pidfd && state.pidfd->wait_exit_until(monotonic_ns() + ms_to_ns(5000))) {
    if (!state.exit) state.exit = peek_exit(state.primary);
    ::waitpid(state.primary, nullptr, 0);
    state.reaped = true;
  }
  // Members that outlived the primary's reaping were SIGKILLed above; one last sweep by pidfd.
  kill_and_reap_tree(state.tree(), monotonic_ns() + ms_to_ns(1000));
}

}  // namespace

Target::State::~State() {
  std::lock_guard lock(registry_mutex);
  registry.erase(std::remove(registry.begin(), registry.end(), this), registry.end());
  unregister_launched_primary(primary);
}

Target::Target(std::unique_ptr<State> state) : state_(std::move(state)) {}
Target::Target(Target&&) noexcept = default;
Target& Target::operator=(Target&& other) noexcept {
  if (this != &other) {
    if (state_) kill_tree();
    state_ = std::move(other.state_);
  }
  return *this;
}
Target::~Target() {
  if (state_) kill_tree();
}

pid_t Target::primary_pid() const { return state_->primary; }
pid_t Target::pgid() const { return state_->primary; }
mono_ns Target::launch_ns() const { return state_->launch_ns; }
const std::string& Target::command() const { return state_->command; }
const std::string& Target::log_path() const { return state_->log_path; }

bool Target::primary_exited() { return exit_info().has_value(); }

std::optional<ExitInfo> Target::exit_info() {
  std::lock_guard lock(state_->mutex);
  if (!state_->exit && !state_->reaped) state_->exit = peek_exit(state_->primary);
  return state_->exit;
}

std::optional<ExitInfo> Target::wait_exit_until(mono_ns deadline) {
  if (auto e = exit_info()) return e;
  if (!state_->pidfd) return std::nullopt;
  const auto seen = state_->pidfd->wait_exit_until(deadline);
  if (!seen) return std::nullopt;
  auto e = exit_info();
  if (e) {
    std::lock_guard lock(state_->mutex);
    state_->exit->seen_ns = std::min(state_->exit->seen_ns, *seen);
    e = state_->exit;
  }
  return e;
}

StopRecord Target::stop_and_check_orphans(const std::vector<pid_t>& known_worker_pids, int grace_ms,
                                          int orphan_grace_ms, int stop_signal) {
  StopRecord rec;
  {
    std::lock_guard lock(state_->mutex);
    for (pid_t p : known_worker_pids) state_->known_workers.push_back(p);
  }
  std::optional<ExitInfo> exit = exit_info();
  rec.primary_exited_during_run = exit.has_value();
  if (!exit) {
    rec.stop_sent_ns = monotonic_ns();
    rec.stop_signal = stop_signal;
    if (state_->pidfd) state_->pidfd->send_signal(stop_signal);  // the primary alone: see the header
    exit = wait_exit_until(rec.stop_sent_ns + ms_to_ns(grace_ms));
  }
  if (exit) {
    rec.primary_exit_ns = exit->seen_ns;
    rec.primary_exit_signal = exit->signal;
    rec.primary_exit_status = exit->status;
    // Its tree gets orphan_grace_ms after the primary's exit to follow it.
    const mono_ns deadline = std::max(monotonic_ns(), exit->seen_ns + ms_to_ns(orphan_grace_ms));
    rec.orphan_grace_ms = orphan_grace_ms;
    rec.survivors = wait_tree_gone(state_->tree(), deadline);
    rec.orphan_check_ns = monotonic_ns();
    rec.orphan_check_done = true;
  } else {
    rec.survivors = tree_members(state_->tree());
    rec.note = "the primary did not exit within " + std::to_string(grace_ms) + " ms of " + signal_name(stop_signal);
  }
  for (pid_t p : rec.survivors) rec.survivor_commands.push_back(read_command_line(p));
  kill_tree();
  return rec;
}

void Target::kill_tree() {
  std::lock_guard lock(state_->mutex);
  kill_tree_locked(*state_);
}

std::variant<Target, LaunchError> launch(const std::string& command_line, const std::string& log_path,
                                         int settle_ms, const std::function<void(pid_t)>& on_spawned) {
  auto state = std::make_unique<Target::State>();
  state->command = command_line;
  state->log_path = log_path;
  std::ofstream(log_path, std::ios::trunc);  // Boost.Process opens the log without O_TRUNC
  const pid_t parent = ::getpid();
  try {
    state->launch_ns = monotonic_ns();
    bp::child child(bp::exe = "/bin/sh", bp::args = {"-c", "exec " + command_line}, bp::std_in < bp::null,
                    (bp::std_out & bp::std_err) > log_path,
                    bp::extend::on_exec_setup([parent](auto&) { prepare_child(parent); }));
    state->primary = child.id();
    register_launched_primary(state->primary);
    child.detach();  // we own the pid from here: reaped by pid, never by Boost's SIGCHLD handling
  } catch (const std::exception& e) {
    return LaunchError{"could not start `" + command_line + "`: " + e.what(), read_tail(log_path)};
  }
  ::setpgid(state->primary, state->primary);  // already done by the child; harmless if so
  state->pidfd = Pidfd::open(state->primary);
  {
    std::lock_guard lock(registry_mutex);
    registry.push_back(state.get());
  }
  Target target(std::move(state));
  if (on_spawned) on_spawned(target.primary_pid());
  if (auto exit = target.wait_exit_until(monotonic_ns() + ms_to_ns(settle_ms))) {
    target.kill_tree();
    return LaunchError{"`" + command_line + "` " + describe_exit(*exit) + " within " + std::to_string(settle_ms) +
                           " ms of its start",
                       read_tail(log_path)};
  }
  return target;
}

std::string describe_exit(const ExitInfo& e) {
  return e.signal ? "was killed by " + signal_name(e.signal) : "exited with status " + std::to_string(e.status);
}

bool become_subreaper() { return ::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0; }

void kill_all_launched() {
  // The registry lock is held throughout: a State cannot be destroyed while we use it (its
  // destructor unregisters under this lock).
  std::lock_guard registry_lock(registry_mutex);
  for (Target::State* s : registry) {
    std::lock_guard lock(s->mutex);
    kill_tree_locked(*s);
  }
}

std::string read_tail(const std::string& path, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return {};
  const std::streamoff size = in.tellg();
  const std::streamoff start = std::max<std::streamoff>(0, size - static_cast<std::streamoff>(max_bytes));
  in.seekg(start);
  std::string out(static_cast<size_t>(size - start), '\0');
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  return out;
}

}  // namespace forkcheck::harness
