#pragma once
// Which process served each load connection, learned from the kernel rather than from the target's
// answers: the server side of a connection is the socket on the target's port whose peer is the
// load's client port (sock_diag), and the process holding that socket's inode in /proc/<pid>/fd is
// the one serving it. The run resolves the connections of each batch of finished requests at once,
// from its own loop, so the load threads never wait for it; each connection is resolved once (its
// later requests reuse the answer). X-Worker-Pid, when a target sends it, is a shortcut: a record
// that carries a pid is left as it is.
// A connection that is gone by the time its batch is resolved (a new connection per request, closed
// as soon as answered) cannot be resolved: its requests keep worker_pid 0.
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "harness/model/history.hpp"

namespace forkcheck::harness {

// Pure: the per-connection memory of the resolution.
class ConnectionPids {
 public:
  static constexpr std::size_t kMaxRemembered = 1 << 16;

  // Whether a record should be attributed: answered (a status came back), on a known client port,
  // without a pid of its own.
  static bool wants_pid(const RequestRecord& r) { return r.worker_pid == 0 && r.status != 0 && r.local_port != 0; }

  // The client ports of the batch's connections not resolved yet (sorted, unique).
  std::vector<std::uint16_t> unresolved_ports(const std::vector<RequestRecord>& batch) const;
  // Remembers, for each of the batch's connections not resolved yet, its owner in `owners` (by client
  // port), or that it could not be resolved (then it is not tried again).
  void learn(const std::vector<RequestRecord>& batch, const std::map<std::uint16_t, pid_t>& owners);
  // Sets worker_pid of the records that want one from what was learned; returns how many got one.
  std::size_t fill(std::vector<RequestRecord>& batch) const;

 private:
  using Key = std::pair<std::uint16_t, mono_ns>;  // client port, when the connection was opened
  static Key key_of(const RequestRecord& r) { return {r.local_port, r.connection_opened_ns}; }
  std::map<Key, pid_t> owners_;  // 0: could not be resolved
};

// The effectful side: one sock_diag dump and the candidates' fd tables per batch that needs it.
class ServingPidResolver {
 public:
  explicit ServingPidResolver(std::uint16_t server_port);

  // The kernel's socket tables can be read here (checked once, at construction).
  bool available() const { return available_; }
  // Attributes the batch's answered records without a pid to whichever of `candidates` (the
  // primary and its live children) holds the server side of their connection.
  void resolve(std::vector<RequestRecord>& batch, const std::vector<pid_t>& candidates);

  std::size_t attributed() const { return attributed_; }  // records given a pid by the kernel

 private:
  std::uint16_t port_;
  bool available_ = false;
  ConnectionPids pids_;
  std::size_t attributed_ = 0;
};

}  // namespace forkcheck::harness
