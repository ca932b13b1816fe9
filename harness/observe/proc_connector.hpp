#pragma once
// The kernel's process events (netlink proc connector): every fork and exit on the machine, stamped
// by the kernel with ktime_get_ns() — CLOCK_MONOTONIC, forkcheck's one clock — at the instant it
// happened. Needs CAP_NET_ADMIN in the initial namespaces; open() says why when it is refused.
#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/unique_fd.hpp"

namespace forkcheck::harness {

struct ProcEvent {
  enum class Kind { fork, exit, exec };
  Kind kind = Kind::fork;
  mono_ns t_ns = 0;
  pid_t pid = 0;        // the process (thread group id): thread forks and exits are dropped
  pid_t parent = 0;     // fork: the forking process; exit: its parent at exit (0 if unknown); exec: 0
  int wait_status = 0;  // exit: as waitpid() would report it (WIFSIGNALED / WTERMSIG work on it)
};

// Pure: the process-level fork and exit events in one datagram read from the socket.
void decode_proc_datagram(const void* data, std::size_t len, std::vector<ProcEvent>& out);

class ProcConnector {
 public:
  // Subscribes and waits (up to ack_timeout_ms) for the kernel's acknowledgement. Events that
  // arrive before the acknowledgement are kept for the first read_events().
  static std::optional<ProcConnector> open(std::string* why_not, int ack_timeout_ms = 500);
  ProcConnector(ProcConnector&&) noexcept = default;
  ProcConnector& operator=(ProcConnector&&) noexcept = default;
  ~ProcConnector();  // unsubscribes, so the kernel stops emitting when no one listens

  int fd() const { return fd_.get(); }

  enum class ReadResult { ok, overrun, error };
  // Reads every datagram pending (non-blocking) and appends their events. `overrun`: the socket's
  // buffer overflowed (ENOBUFS) and events were lost — the caller reconciles from /proc.
  ReadResult read_events(std::vector<ProcEvent>& out);

 private:
  explicit ProcConnector(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
  std::vector<ProcEvent> early_;  // read while waiting for the acknowledgement
};

}  // namespace forkcheck::harness
