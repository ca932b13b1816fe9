#pragma once
// The observer's bookkeeping, apart from any event source so it is unit-tested without processes:
// the primary's direct children (workers) with their fork and exit instants, and the primary's exit.
// Events may arrive before the primary's pid is known (the observer starts before the launch, so
// the first forks are not missed): they are held and replayed when set_primary() is called. Every
// other process's events are dropped by parentage.
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "harness/model/history.hpp"
#include "harness/observe/proc_connector.hpp"

namespace forkcheck::harness {

struct PrimaryExit {
  mono_ns exit_ns = 0;
  int signal = 0;   // 0 if it exited
  int status = -1;  // -1 if it was signalled, or unknown
};

// A living child of the primary as a /proc scan saw it.
struct ScannedChild {
  pid_t pid = 0;
  bool zombie = false;    // exited, not yet reaped by the primary
  int wait_status = -1;   // a zombie's exit code from /proc/<pid>/stat; -1 if unknown
};

class WorkerBook {
 public:
  static constexpr std::size_t kMaxPending = 1 << 16;  // events held before the primary is known

  void set_primary(pid_t primary);
  pid_t primary() const { return primary_; }
  // Start-up ends at t (the run calls it with the instant the port first accepted): an exec of the
  // primary at or after it drops no child. Only a start-up exec is a wrapper becoming the server.
  void end_start_up(mono_ns t) { start_up_end_ = t; }

  // From the kernel's events (exact instants). Returns true if the book changed.
  bool apply(const ProcEvent& event);
  // From a /proc scan at instant t: children not seen before forked at t; live workers missing
  // (or zombies) exited at t. Exact events that come later for the same exit refine it.
  bool reconcile(const std::vector<ScannedChild>& children, mono_ns t);
  bool primary_gone(mono_ns t, int wait_status);  // a scan saw the primary exit (status -1: unknown)

  const std::vector<WorkerLifetime>& workers() const { return workers_; }  // by fork time
  std::vector<pid_t> live_workers() const;                                 // oldest first
  int live_count() const { return static_cast<int>(live_.size()); }
  const std::optional<PrimaryExit>& primary_exit() const { return primary_exit_; }
  std::size_t dropped_pending() const { return dropped_pending_; }

 private:
  bool on_fork(pid_t pid, mono_ns t);
  bool on_primary_exec(mono_ns t);
  bool on_exit(pid_t pid, mono_ns t, int wait_status, bool exact);

  pid_t primary_ = 0;
  std::vector<ProcEvent> pending_;
  std::size_t dropped_pending_ = 0;
  std::vector<WorkerLifetime> workers_;
  std::unordered_map<pid_t, std::size_t> live_;       // pid -> index in workers_
  std::unordered_map<pid_t, std::size_t> approx_exit_;  // exited per a scan: an exact event may refine
  std::optional<PrimaryExit> primary_exit_;
  mono_ns start_up_end_ = INT64_MAX;
};

}  // namespace forkcheck::harness
