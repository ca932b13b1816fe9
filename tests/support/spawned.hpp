#pragma once
// Test support: a program started by a test, in its own process group, never outliving the test.
// The destructor SIGKILLs the whole group (by pidfd for the leader) and reaps the leader.
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/pidfd.hpp"
#include "common/unique_fd.hpp"

namespace forkcheck::testing {

class Spawned {
 public:
  // argv[0] is a path. stdout/stderr go to `output_path` when given (so tests can read them).
  static Spawned start(const std::vector<std::string>& argv, const std::string& output_path = "");
  Spawned(Spawned&&) noexcept;
  Spawned& operator=(Spawned&&) = delete;
  Spawned(const Spawned&) = delete;
  ~Spawned();

  pid_t pid() const { return pid_; }
  bool signal(int signo) const;  // the leader only, through its pidfd
  // Waits for the leader to exit (and reaps it) until the deadline; the raw wait status.
  std::optional<int> wait_until(mono_ns deadline);
  void kill_group();             // SIGKILL every process of the group, reap the leader

 private:
  Spawned() = default;
  pid_t pid_ = 0;
  std::optional<Pidfd> pidfd_;
  bool reaped_ = false;
};

// Direct children of `pid` (from /proc/<pid>/task/*/children).
std::vector<pid_t> children_of(pid_t pid);
// True while /proc/<pid> exists and is not a zombie.
bool process_alive(pid_t pid);
// Members of process group `pgid` still alive (zombies excluded).
std::vector<pid_t> group_members(pid_t pgid);

// Polls `pred` every `step_ms` until it holds or `timeout_ms` passes; true if it held.
template <typename Pred>
bool eventually(Pred pred, int timeout_ms, int step_ms = 2);

// A TCP port on 127.0.0.1 that was free a moment ago, outside the ephemeral range (common/free_port.hpp).
int free_port();
// A TCP connection to 127.0.0.1:port, made now; invalid when connect() failed.
UniqueFd connect_loopback(int port);
// True once a TCP connect to 127.0.0.1:port succeeds within timeout_ms.
bool wait_for_port(int port, int timeout_ms);

// A program under test: the environment variable (REFCLUSTER_BIN, FORKCHECK_BIN, BROKENCLUSTER_BIN,
// FORKCHECK_SOURCE_DIR) when set, else the build tree's own path compiled in by tests/CMakeLists.txt.
std::string binary_from_env(const char* variable);

}  // namespace forkcheck::testing

#include "tests/support/spawned_inl.hpp"
