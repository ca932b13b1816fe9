#pragma once
// A refcluster started by a test: own process group (Spawned), --port 0, an events file in a fresh
// temporary directory, and bounded waits over what the events say.
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/event.hpp"
#include "tests/support/spawned.hpp"

namespace forkcheck::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct HttpAnswer {
  int status = 0;  // 0: no answer (connection refused, reset, timeout)
  std::string body;
  pid_t worker_pid = 0;
  // No answer: true when the connection itself failed (refused, timed out), false when it was
  // accepted and then lost (e.g. reset by a worker killed while holding it).
  bool connect_failed = false;
};

// One GET / on a fresh connection.
HttpAnswer http_get(int port, int timeout_ms = 3000);
// Sends raw bytes on a fresh connection and returns what came back until close or timeout.
std::string raw_exchange(int port, const std::string& request, int timeout_ms = 2000);

class Cluster {
 public:
  // Starts refcluster with --workers N --port 0 --events <tmp> plus `extra`, and waits (bounded)
  // until it listens and, when `wait_until_ready`, N workers are ready. Throws with refcluster's
  // output if it does not.
  static Cluster start(int workers, const std::vector<std::string>& extra = {}, bool wait_until_ready = true);

  Spawned& process() { return *process_; }
  int port() const { return port_; }
  int workers() const { return workers_; }
  const std::filesystem::path& dir() const { return dir_->path(); }
  std::string output() const;

  std::vector<Event> events() const;
  std::vector<Event> events_of(EventKind kind) const;
  // Workers whose ready event came and whose exit event has not.
  std::vector<pid_t> ready_workers() const;
  bool wait_for_ready(int count, int timeout_ms) const;
  bool wait_for_event(EventKind kind, int count, int timeout_ms) const;
  // SIGKILL through a pidfd; false when the worker is already gone.
  static bool kill_worker(pid_t pid, int signo = 9);

 private:
  Cluster() = default;
  std::unique_ptr<TempDir> dir_;
  std::optional<Spawned> process_;
  int port_ = 0;
  int workers_ = 0;
};

}  // namespace forkcheck::testing
