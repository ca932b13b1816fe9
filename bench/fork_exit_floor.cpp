// fork_exit_floor: what the kernel alone costs for the steps of a crash replacement, with no
// refcluster in the way — the floor under refcluster_recovery_bench's figures on the same machine.
//
//   fork_exit_floor [--rounds R] [--threads T]
//
// R times: fork a child that starts T threads (each blocked in pause()) and writes one byte to a
// pipe, then SIGKILL it through a pidfd and wait for its SIGCHLD on a signalfd and reap it, the
// way refcluster's primary does. Prints the median and p99 of: the fork() call in the parent;
// fork() → the child's byte read by the parent; SIGKILL → SIGCHLD read and child reaped.
// Run it once linked as is and once with -static to see what the shared libraries add.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.hpp"
#include "common/pidfd.hpp"
#include "common/unique_fd.hpp"

namespace {

using forkcheck::mono_ns;
using forkcheck::monotonic_ns;

[[noreturn]] void child(int threads, int ready_fd) {
  for (int i = 0; i < threads; ++i) std::thread([] { for (;;) pause(); }).detach();
  const char byte = 1;
  [[maybe_unused]] const ssize_t n = write(ready_fd, &byte, 1);
  for (;;) pause();
}

struct Round {
  double fork_us, ready_us, reaped_us;
};

// One fork → ready → SIGKILL → reaped cycle; false when a step fails.
bool run_round(int threads, int signal_fd, const int (&pipe_fds)[2], Round* out) {
  const mono_ns t_fork = monotonic_ns();
  const pid_t pid = fork();
  if (pid == 0) child(threads, pipe_fds[1]);
  if (pid < 0) return false;
  const mono_ns t_forked = monotonic_ns();
  char byte = 0;
  const bool ready = read(pipe_fds[0], &byte, 1) == 1;
  const mono_ns t_ready = monotonic_ns();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // let the child settle, as a worker would
  const auto handle = forkcheck::Pidfd::open(pid);
  const mono_ns t_kill = monotonic_ns();
  const bool killed = handle && handle->send_signal(SIGKILL);
  pollfd p{signal_fd, POLLIN, 0};
  signalfd_siginfo info{};
  const bool seen = killed && poll(&p, 1, 5000) == 1 && read(signal_fd, &info, sizeof info) == sizeof info;
  waitpid(pid, nullptr, 0);
  const mono_ns t_reaped = monotonic_ns();
  *out = {forkcheck::ns_to_ms(t_forked - t_fork) * 1000, forkcheck::ns_to_ms(t_ready - t_fork) * 1000,
          forkcheck::ns_to_ms(t_reaped - t_kill) * 1000};
  return ready && seen;
}

void print(const char* what, std::vector<double> us) {
  std::sort(us.begin(), us.end());
  std::printf("  %-32s median %6.0f us  p99 %6.0f us\n", what, us[us.size() / 2], us[us.size() * 99 / 100]);
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 200, threads = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--rounds") rounds = std::max(1, std::atoi(argv[i + 1]));
    else if (flag == "--threads") threads = std::max(0, std::atoi(argv[i + 1]));
  }
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, nullptr);
  const forkcheck::UniqueFd signal_fd(signalfd(-1, &chld, SFD_CLOEXEC));
  int pipe_fds[2];
  if (!signal_fd || pipe2(pipe_fds, O_CLOEXEC) != 0) return 2;
  const forkcheck::UniqueFd read_end(pipe_fds[0]), write_end(pipe_fds[1]);
  std::vector<double> fork_us, ready_us, reaped_us;
  for (int r = 0; r < rounds; ++r) {
    Round round{};
    if (!run_round(threads, signal_fd.get(), pipe_fds, &round)) return 1;
    fork_us.push_back(round.fork_us);
    ready_us.push_back(round.ready_us);
    reaped_us.push_back(round.reaped_us);
  }
  std::printf("fork_exit_floor: %d rounds, child with %d extra thread(s)\n", rounds, threads);
  print("fork() call", fork_us);
  print("fork -> child ready (pipe)", ready_us);
  print("SIGKILL -> SIGCHLD read, reaped", reaped_us);
  return 0;
}
