#pragma once
// Which TCP ports a set of processes listens on: their socket inodes (/proc/<pid>/fd) joined with
// the LISTEN sockets of /proc/<pid>/net/tcp{,6}. For the message of a target that never listened on
// the port forkcheck gave it: "it listens on 8080 instead".
#include <sys/types.h>

#include <cstdint>
#include <vector>

namespace forkcheck::harness {

// Sorted, unique; empty when none listens (or they are gone).
std::vector<std::uint16_t> listening_ports_of(const std::vector<pid_t>& pids);

}  // namespace forkcheck::harness
