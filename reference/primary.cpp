#include "reference/primary.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <optional>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/exit_code.hpp"
#include "reference/acceptor.hpp"
#include "reference/listener.hpp"
#include "reference/worker.hpp"

namespace forkcheck::reference {
namespace {

sigset_t primary_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

timespec until(mono_ns deadline, mono_ns now) {
  const mono_ns wait = std::max<mono_ns>(deadline - now, 0);
  return {static_cast<time_t>(wait / 1'000'000'000), static_cast<long>(wait % 1'000'000'000)};
}

}  // namespace

void block_primary_signals() {
  const sigset_t signals = primary_signals();
  sigprocmask(SIG_BLOCK, &signals, nullptr);
}

Primary::Primary(Options options) : options_(std::move(options)), supervisor_(options_.supervisor) {}

int Primary::run() {
  block_primary_signals();  // normally done first thing in main(); idempotent
  pid_ = getpid();
  std::string error;
  if (!open_resources(&error)) {
    std::fprintf(stderr, "refcluster: %s\n", error.c_str());
    return to_int(ExitCode::cannot_run);
  }
  emit({.kind = EventKind::primary_start, .pid = pid_, .workers = options_.supervisor.workers,
        .detail = std::string(to_string(options_.sched))});
  emit({.kind = EventKind::listening, .host = options_.host, .port = port_});
  events_.flush();  // in the file before the line on stdout that says so
  std::printf("refcluster: listening on %s:%d (%d workers, %s)\n", options_.host.c_str(), port_,
              options_.supervisor.workers, std::string(to_string(options_.sched)).c_str());
  std::fflush(stdout);
  apply(supervisor_.start(monotonic_ns()));
  loop();
  emit({.kind = EventKind::shutdown_complete});
  events_.flush();
  return to_int(ExitCode::ok);
}

bool Primary::open_resources(std::string* error) {
  if (!options_.events_path.empty() && !events_.open(options_.events_path, error)) return false;
  // Signals are blocked (block_primary_signals) and read from a signalfd in the loop: nothing
  // runs in a handler, and a SIGTERM that came during start-up is pending, read by the first turn.
  const sigset_t signals = primary_signals();
  signal_fd_.reset(signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC));
  channel_ = open_worker_channel();
  if (!signal_fd_ || !channel_.read_end) {
    *error = std::string("cannot create signalfd/pipe: ") + std::strerror(errno);
    return false;
  }
  const SocketRole role =
      options_.sched == Sched::shared ? SocketRole::shared_listener : SocketRole::reuseport_reservation;
  listen_fd_ = open_socket(options_.host, options_.port, role, error);
  if (!listen_fd_) return false;
  if (options_.sched == Sched::shared && options_.service.accept == AcceptMode::thread)
    board_ = AcceptBoard::create(options_.supervisor.workers, options_.service.accept_hold_back);
  port_ = bound_port(listen_fd_.get());
  if (options_.service.accept == AcceptMode::thread) warm_thread_start();
  return true;
}

void Primary::loop() {
  while (!supervisor_.finished()) {
    events_.flush();  // what the last turn did, before waiting again
    std::array<pollfd, 2> fds{{{signal_fd_.get(), POLLIN, 0}, {channel_.read_end.get(), POLLIN, 0}}};
    const auto deadline = supervisor_.next_deadline();
    timespec timeout{};
    if (deadline) timeout = until(*deadline, monotonic_ns());
    const int n = ppoll(fds.data(), fds.size(), deadline ? &timeout : nullptr, nullptr);
    if (n < 0 && errno != EINTR) {
      std::fprintf(stderr, "refcluster: ppoll: %s\n", std::strerror(errno));
      begin_shutdown("error");
    }
    if (fds[0].revents & POLLIN) handle_signals();
    // The channel is read every turn, whatever ppoll said: the revents are as old as the wake-up,
    // and a primary descheduled after it (a loaded machine: 0.94 s once) would otherwise judge the
    // heartbeats without the ones waiting unread, and kill healthy workers as hung.
    read_worker_channel();
    manage_workers();
  }
}

void Primary::handle_signals() {
  signalfd_siginfo info{};
  bool child_exited = false;
  while (::read(signal_fd_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    if (info.ssi_signo == SIGCHLD) child_exited = true;
    if (info.ssi_signo == SIGTERM) begin_shutdown("SIGTERM");
    if (info.ssi_signo == SIGINT) begin_shutdown("SIGINT");
  }
  // SIGCHLDs coalesce: one notification may stand for many deaths, so reap until none is left.
  if (child_exited) reap_workers();
}

namespace {

// A dead child's end, from waitid: the signal that killed it (0 if none) and its exit status (-1 if
// none), as the exit event reports them.
struct ChildEnd {
  int signal = 0;
  int status = -1;
};

// Whether `pid` (our child) has ended, without reaping it (WNOWAIT): it stays a zombie.
std::optional<ChildEnd> peek_end(pid_t pid) {
  siginfo_t info{};
  if (waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid != pid)
    return std::nullopt;
  if (info.si_code == CLD_EXITED) return ChildEnd{0, info.si_status};
  return ChildEnd{info.si_status, -1};
}

}  // namespace

void Primary::reap_workers() {
  // Every dead worker is found first, its replacement forked, and only then is it reaped: releasing a
  // process makes the kernel drop its /proc entries (proc_flush_pid), and with an observer that has
  // looked into /proc/<pid> that took the primary 0.3-1.1 s on a loaded machine (perf: wait4 ->
  // release_task -> d_invalidate -> d_walk), all of it before the replacement was forked.
  for (;;) {
    std::vector<pid_t> dead;
    for (int i = 0; i < options_.supervisor.workers; ++i) {
      const SlotView s = supervisor_.slot(i);
      if ((s.state != SlotState::starting && s.state != SlotState::ready) || s.pid <= 0) continue;
      const auto end = peek_end(s.pid);
      if (!end) continue;
      const mono_ns now = monotonic_ns();
      if (board_) board_->forget(s.slot);  // before its replacement is forked
      emit({.kind = EventKind::exit, .t_ns = now, .slot = s.slot, .pid = s.pid, .signal = end->signal,
            .status = end->status, .uptime_ns = now - s.forked_ns});
      dead.push_back(s.pid);
      // The replacement is forked right here, before the next death is even looked at.
      apply(supervisor_.on_worker_exit(s.pid, now));
    }
    for (pid_t pid : dead) waitpid(pid, nullptr, 0);  // zombies: returns once the kernel has released them
    // Other ended children (no longer workers) are reaped; a worker that died meanwhile is left to
    // the next pass, which replaces it first.
    bool worker_died = false;
    for (;;) {
      siginfo_t info{};
      if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid <= 0) break;
      if (supervisor_.find(info.si_pid)) {
        worker_died = true;
        break;
      }
      waitpid(info.si_pid, nullptr, 0);
    }
    if (!worker_died) return;
  }
}

void Primary::read_worker_channel() {
  // Stamped before the read: whatever a worker wrote before this instant is in what is read.
  const mono_ns read_at = monotonic_ns();
  for (const WorkerMessage& m : read_worker_messages(channel_.read_end.get())) {
    const mono_ns now = monotonic_ns();
    if (m.kind == WorkerSignal::heartbeat) {
      supervisor_.on_heartbeat(m.slot, m.pid, now);
      continue;
    }
    const auto before = supervisor_.slot(m.slot);
    supervisor_.on_ready(m.slot, m.pid, now);
    if (before.state == SlotState::starting && supervisor_.slot(m.slot).state == SlotState::ready)
      emit({.kind = EventKind::ready, .t_ns = now, .slot = m.slot, .pid = m.pid});
  }
  supervisor_.on_channel_read(read_at);
}

void Primary::manage_workers() { apply(supervisor_.on_tick(monotonic_ns())); }

void Primary::apply(const std::vector<Action>& actions) {
  for (const Action& a : actions) {
    switch (a.kind) {
      case ActionKind::spawn:
        spawn_worker(a.slot, a.pid);
        break;
      case ActionKind::backoff:
        emit({.kind = EventKind::backoff, .slot = a.slot, .delay_ms = static_cast<long>(a.delay_ns / 1'000'000)});
        break;
      case ActionKind::kill_hung:
      case ActionKind::terminate:
      case ActionKind::kill:
        murder_worker(a);
        break;
    }
  }
}

void Primary::spawn_worker(int slot, pid_t replaces) {
  if (replaces > 0) emit({.kind = EventKind::respawn, .slot = slot, .pid = replaces});
  const pid_t pid = fork();
  if (pid == 0) become_worker(slot);
  const mono_ns now = monotonic_ns();
  if (pid < 0) {
    std::fprintf(stderr, "refcluster: fork: %s\n", std::strerror(errno));
    apply(supervisor_.on_fork_failed(slot, now));
    return;
  }
  supervisor_.on_forked(slot, pid, now);
  emit({.kind = EventKind::fork, .t_ns = now, .slot = slot, .pid = pid});
}

// kill(2) by pid is safe here: the target is our own unreaped child, so its pid cannot have been
// recycled (a dead child stays a zombie, holding the pid, until reap_workers waits for it).
void Primary::murder_worker(const Action& action) {
  if (action.kind == ActionKind::kill_hung)
    emit({.kind = EventKind::hung, .slot = action.slot, .pid = action.pid});
  ::kill(action.pid, action.kind == ActionKind::terminate ? SIGTERM : SIGKILL);
}

void Primary::begin_shutdown(const char* reason) {
  if (supervisor_.shutting_down()) return;
  emit({.kind = EventKind::shutdown, .detail = reason});
  apply(supervisor_.on_shutdown(monotonic_ns()));
}

void Primary::become_worker(int slot) {
  // Only the primary reads signals and the channel and writes events.
  signal_fd_.reset();
  channel_.read_end.reset();
  events_.close();
  WorkerSetup setup{.slot = slot,
                    .primary_pid = pid_,
                    .listen_fd = options_.sched == Sched::shared ? listen_fd_.get() : -1,
                    .board = board_,
                    .host = options_.host,
                    .port = port_,
                    .channel_fd = channel_.write_end.get(),
                    .service = options_.service,
                    .heartbeat_interval_ns = options_.heartbeat_interval_ns,
                    .crash_at_start_path = options_.crash_at_start_path};
  if (options_.sched == Sched::reuseport) listen_fd_.reset();
  run_worker(setup);
}

void Primary::emit(Event event) {
  if (!events_.enabled()) return;
  if (event.t_ns == 0) event.t_ns = monotonic_ns();
  events_.add(event);
}

}  // namespace forkcheck::reference
