#pragma once
// Why a target did not become what a run needs, read from /proc when the run gives up on it: for
// the messages of `forkcheck run`, so a user learns what to change instead of only that it failed.
#include <sys/types.h>

#include <string>

namespace forkcheck::harness {

// The target's processes listen, but not on `port`: "; it listens on port 8080 instead (pass the
// port through {port})". Empty when none of them listens on another port.
std::string describe_other_ports(pid_t primary, int port);

// The launched process forks fewer workers than asked because it is a wrapper (a shell script that
// runs the server without exec, a process manager): one of its children has children of its own.
// "; the launched process (pid 10, sh ./run.sh) ..." telling that the launched process must be the
// primary (use exec); empty when nothing points at a wrapper.
std::string describe_wrapper(pid_t primary);

// The same diagnosis when the count of children did reach N (N = 1: the wrapper's one child, the real
// primary, passes for a worker): only when the launched process is a shell (sh, bash, dash, ...),
// which is never a pre-fork server's primary. Empty otherwise.
std::string describe_shell_wrapper(pid_t primary);

}  // namespace forkcheck::harness
