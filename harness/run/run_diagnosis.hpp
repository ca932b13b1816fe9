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

// Whether the launched process is (still) a shell: sh, bash, dash, ... A launcher script that execs
// the server is one no longer once the server forks; a shell with children then wraps the server,
// and at N = 1 its one child, the real primary, would pass for the worker.
bool is_shell(pid_t pid);

}  // namespace forkcheck::harness
