#pragma once
// A process handle that cannot hit a recycled pid: signals go through pidfd_send_signal, and
// "has it exited?" is a poll on the pidfd. Every signal forkcheck sends to a process goes through here.
#include <sys/types.h>

#include <optional>

#include "common/clock.hpp"
#include "common/unique_fd.hpp"

namespace forkcheck {

class Pidfd {
 public:
  // Empty when the process is already gone (ESRCH) or pidfds are unsupported.
  static std::optional<Pidfd> open(pid_t pid);

  pid_t pid() const { return pid_; }
  int fd() const { return fd_.get(); }

  // False when the process has exited (ESRCH) or the signal could not be sent.
  bool send_signal(int signo) const;
  // True once the process has exited (not necessarily been reaped).
  bool exited() const;
  // Waits until the process exits or the deadline passes; returns the instant exit was seen.
  std::optional<mono_ns> wait_exit_until(mono_ns deadline) const;

 private:
  Pidfd(pid_t pid, UniqueFd fd) : pid_(pid), fd_(std::move(fd)) {}
  pid_t pid_;
  UniqueFd fd_;
};

}  // namespace forkcheck
