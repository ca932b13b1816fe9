#pragma once
// Looking at one child of the primary to tell a worker from a helper (the rule: observe/worker_book.hpp,
// docs/design.md section 5): its socket descriptors against the port's sockets (one sock_diag dump
// per sweep, shared by every child looked at in it), its threads' waits on the listening socket, and
// its command line. judge_child is the pure decision; ChildLooker reads /proc and the kernel.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <regex>
#include <string>

#include "harness/observe/worker_book.hpp"
#include "harness/proc/port_sockets.hpp"

namespace forkcheck::harness {

// Pure. serves_port: a worker while it holds the port's listening socket or an accepted connection
// on it; command_matches: while its command line matches. Ready (under either rule): it holds an
// accepted connection on the port, or one of its threads waits on the port's listening socket.
ChildLook judge_child(WorkerRule rule, const HeldOnPort& held, bool waits_on_listener, bool command_matches);

// Pure. Under command_matches: a child's command line that is still its parent's (forked, not yet
// retitled: a worker sets its title after the fork) tells nothing, unless it matches already.
bool command_undecided(const std::string& command, const std::string& parent_command, const std::regex& pattern);

class ChildLooker {
 public:
  // `pattern`: an ECMAScript regular expression searched in the command line (command_matches).
  ChildLooker(WorkerRule rule, std::uint16_t port, const std::string& pattern);

  void begin_sweep() { port_.reset(); }  // the port's sockets are read again at the next look
  ChildLook look(pid_t pid);

 private:
  WorkerRule rule_;
  std::uint16_t port_number_;
  std::optional<std::regex> pattern_;
  std::optional<PortSockets> port_;  // this sweep's
};

}  // namespace forkcheck::harness
