#include "reference/worker.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdio>
#include <thread>

#include "reference/listener.hpp"
#include "reference/worker_channel.hpp"

namespace forkcheck::reference {
namespace {

constexpr int kCrashAtStartStatus = 3;

// Dies with the primary, even if the primary is SIGKILLed. PDEATHSIG fires when the parent *thread*
// exits (the primary is single-threaded); getppid() closes the race with a primary that died
// between fork and prctl.
bool tie_to_primary(pid_t primary_pid) {
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) return false;
  return getppid() == primary_pid;
}

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

// Stop signals stay blocked in every thread so only the control thread receives them (sigtimedwait).
void set_worker_signal_mask() {
  const sigset_t stop = stop_signals();
  sigset_t unblock;
  sigemptyset(&unblock);
  sigaddset(&unblock, SIGCHLD);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  pthread_sigmask(SIG_UNBLOCK, &unblock, nullptr);
}

WorkerMessage message(const WorkerSetup& setup, WorkerSignal kind) {
  return {.slot = setup.slot, .pid = static_cast<std::int32_t>(getpid()), .kind = kind};
}

// Waits for a stop signal, sending a heartbeat whenever the interval passes without one; then lets
// go of the listening socket so the accept loop ends and in-flight requests drain.
void control_loop(const WorkerSetup& setup, ServiceServer& server) {
  const sigset_t stop = stop_signals();
  const WorkerMessage beat = message(setup, WorkerSignal::heartbeat);
  for (;;) {
    int signo = 0;
    if (setup.heartbeat_interval_ns > 0) {
      const timespec interval{static_cast<time_t>(setup.heartbeat_interval_ns / 1'000'000'000),
                              static_cast<long>(setup.heartbeat_interval_ns % 1'000'000'000)};
      signo = sigtimedwait(&stop, nullptr, &interval);
      if (signo < 0) {
        send_worker_message(setup.channel_fd, beat, /*retry=*/false);
        continue;
      }
    } else if (sigwait(&stop, &signo) != 0) {
      continue;
    }
    server.release();
    return;
  }
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

  ServiceServer server(setup.service);
  // The socket is already listening, so from here on connections are accepted within microseconds.
  // Ready goes first, the control thread after: creating a thread is the largest remaining start-up
  // cost and accepting does not need it (a stop signal stays pending until the thread takes it).
  if (!send_worker_message(setup.channel_fd, message(setup, WorkerSignal::ready), /*retry=*/true)) _exit(1);
  // Detached: it lives until the stop signal or until the process _exit()s after serve().
  std::thread(control_loop, std::cref(setup), std::ref(server)).detach();
  // _exit here, with `server` still alive: the detached control thread may be touching it.
  _exit(server.serve(listen_fd) ? 0 : 1);
}

}  // namespace

void run_worker(const WorkerSetup& setup) { _exit(serve_as_worker(setup)); }

}  // namespace forkcheck::reference
