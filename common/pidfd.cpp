#include "common/pidfd.hpp"

#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <csignal>

namespace forkcheck {

std::optional<Pidfd> Pidfd::open(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  const int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) return std::nullopt;
  return Pidfd(pid, UniqueFd(fd));
}

bool Pidfd::send_signal(int signo) const {
  return ::syscall(SYS_pidfd_send_signal, fd_.get(), signo, nullptr, 0) == 0;
}

bool Pidfd::exited() const {
  pollfd p{fd_.get(), POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

std::optional<mono_ns> Pidfd::wait_exit_until(mono_ns deadline) const {
  for (;;) {
    const mono_ns now = monotonic_ns();
    if (exited()) return now;
    if (now >= deadline) return std::nullopt;
    pollfd p{fd_.get(), POLLIN, 0};
    const int timeout_ms = static_cast<int>((deadline - now + 999'999) / 1'000'000);
    if (::poll(&p, 1, timeout_ms) > 0) return monotonic_ns();
  }
}

}  // namespace forkcheck
