#pragma once
// Whether a process waits for connections on given descriptors: one of its threads blocked in
// accept(2) on one of them, or in epoll_wait/poll/select over a set that holds one. This is what
// "ready" rests on when the requests cannot tell (docs/design.md, section 5): a worker that waits on
// the listening socket takes the next connection, whether or not any request reached it yet.
// Read from /proc/<pid>/task/<tid>/syscall (the system call a blocked thread is in, with its
// arguments), /proc/<pid>/fdinfo/<epfd> (an epoll set's targets) and, for poll and select, the
// argument arrays in the thread's memory (process_vm_readv). All of it needs the right to trace the
// process, which forkcheck has over its own descendants. The parsers are pure.
#include <sys/types.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace forkcheck::harness {

// One thread's /proc/<pid>/task/<tid>/syscall.
struct SyscallState {
  bool in_syscall = false;             // false: running, or blocked outside a system call
  long number = -1;
  std::array<std::uint64_t, 6> args{};
};

// Pure: "288 0x3 0x7ffd... ..." (number, six arguments, stack and program counters), "running",
// or "-1 sp pc". Empty when the text is none of these.
std::optional<SyscallState> parse_proc_syscall(std::string_view text);

// Pure: the target descriptors of an epoll instance, from the "tfd: N events: ..." lines of its
// /proc/<pid>/fdinfo/<epfd>.
std::vector<int> parse_epoll_targets(std::string_view fdinfo);

// How a system call waits on descriptors, for the calls that can wait for a connection.
enum class WaitCall { none, accept, epoll, poll, select };
WaitCall wait_call_of(long syscall_number);  // this machine's numbering

// Some thread of `pid` is blocked waiting on one of `fds` (descriptor numbers in that process).
// False when the process is gone or cannot be read.
bool waits_on(pid_t pid, const std::vector<int>& fds);

}  // namespace forkcheck::harness
