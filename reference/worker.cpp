#include "reference/worker.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "reference/listener.hpp"
#include "reference/serving_loop.hpp"
#include "reference/worker_channel.hpp"

namespace forkcheck::reference {
namespace {

constexpr int kCrashAtStartStatus = 3;
// File descriptors a worker needs besides its connections (epoll, signalfd, timerfd, eventfd, ...).
constexpr rlim_t kReservedFds = 32;

// Dies with the primary, even if the primary is SIGKILLed. PDEATHSIG fires when the parent *thread*
// exits (the primary is single-threaded); getppid() closes the race with a primary that died
// between fork and prctl.
bool tie_to_primary(pid_t primary_pid) {
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) return false;
  return getppid() == primary_pid;
}

// SIGTERM and SIGINT were blocked by the primary before it forked and stay blocked here for the
// worker's whole life: one that arrives at any instant of start-up stays pending until the loop's
// signalfd reads it, so it always ends in a drain. SIGCHLD is the primary's business only.
void set_worker_signal_mask() {
  sigset_t unblock;
  sigemptyset(&unblock);
  sigaddset(&unblock, SIGCHLD);
  pthread_sigmask(SIG_UNBLOCK, &unblock, nullptr);
}

// Thousands of connections need thousands of fds: the soft limit goes up to the hard one, and
// the connection cap down to what the hard limit allows.
std::size_t raise_fd_limit(std::size_t wanted_connections) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return wanted_connections;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  if (limit.rlim_cur == RLIM_INFINITY) return wanted_connections;
  const rlim_t room = limit.rlim_cur > kReservedFds ? limit.rlim_cur - kReservedFds : 1;
  return std::min<std::size_t>(wanted_connections, room);
}

// The accept thread blocks in accept(2); the epoll modes need a non-blocking socket. O_NONBLOCK
// belongs to the open file description, shared by every worker: all set the same value.
bool set_blocking(int fd, bool blocking) {
  const int flags = fcntl(fd, F_GETFL);
  if (flags < 0) return false;
  return fcntl(fd, F_SETFL, blocking ? flags & ~O_NONBLOCK : flags | O_NONBLOCK) == 0;
}

WorkerMessage message(const WorkerSetup& setup, WorkerSignal kind) {
  return {.slot = setup.slot, .pid = static_cast<std::int32_t>(getpid()), .kind = kind};
}

int fail(const char* what) {
  std::fprintf(stderr, "refcluster: worker %d: %s: %s\n", static_cast<int>(getpid()), what, std::strerror(errno));
  return 1;
}

int serve_as_worker(const WorkerSetup& setup) {
  if (!tie_to_primary(setup.primary_pid)) return 1;
  // Test only: a worker that cannot start, for as long as the file exists (crash-loop tests).
  if (!setup.crash_at_start_path.empty() && access(setup.crash_at_start_path.c_str(), F_OK) == 0)
    return kCrashAtStartStatus;
  set_worker_signal_mask();

  UniqueFd own_socket;  // reuseport mode: this worker's socket, and its accept queue
  int listen_fd = setup.listen_fd;
  if (listen_fd < 0) {
    std::string error;
    own_socket = open_socket(setup.host, setup.port, SocketRole::reuseport_listener, &error);
    if (!own_socket) {
      std::fprintf(stderr, "refcluster: worker %d: %s\n", static_cast<int>(getpid()), error.c_str());
      return 1;
    }
    listen_fd = own_socket.get();
  }
  if (!set_blocking(listen_fd, setup.service.accept == AcceptMode::thread)) return fail("fcntl");

  ServiceOptions options = setup.service;
  options.max_connections = raise_fd_limit(options.max_connections);
  const Service service = make_service(options);
  const WorkerMessage beat = message(setup, WorkerSignal::heartbeat);
  ServingLoop loop({.listen_fd = listen_fd, .board = setup.listen_fd >= 0 ? setup.board : nullptr, .slot = setup.slot,
                    .options = &options, .service = &service,
                    .heartbeat_interval_ns = setup.heartbeat_interval_ns,
                    .beat = [&] { send_worker_message(setup.channel_fd, beat, /*retry=*/false); }});
  if (!loop.open()) return fail("cannot start the serving loop");
  if (!send_worker_message(setup.channel_fd, message(setup, WorkerSignal::ready), /*retry=*/true)) return 1;
  return loop.run() ? 0 : fail("epoll_wait");
}

}  // namespace

// _exit, not exit: the primary's objects copied by fork must not run their destructors here, and
// the accept thread may still be blocked in accept(2).
void run_worker(const WorkerSetup& setup) { _exit(serve_as_worker(setup)); }

}  // namespace forkcheck::reference
