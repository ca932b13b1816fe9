#pragma once
// The observer: the primary's direct children (the workers) over time — fork and exit instants,
// how each exited — and the primary's own exit, from its own thread.
// Source "netlink": the kernel's process events (proc connector), exact to the event. A killed
// worker's exit event fires when it dies, before the primary reaps it: that is the exit instant.
// Source "proc": where the kernel refuses the connector (not root), /proc/<primary>/task/*/children
// is sampled every sample_period_us (>= 1 kHz); instants are then precise to one period.
// Construct it BEFORE launching the target, then set_primary(): the first forks are not missed.
// Children that a launcher script forked and that died before its last exec (the exec that made it
// the primary's final program) are not workers. Only the netlink source sees execs: with /proc
// sampling such helpers still count as workers, so give /proc-mode targets a plain `exec` command.
#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.hpp"
#include "common/unique_fd.hpp"
#include "harness/model/history.hpp"
#include "harness/observe/worker_book.hpp"

namespace forkcheck::harness {

class ProcConnector;

struct ObserverOptions {
  bool force_proc = false;       // skip the proc connector (tests of the fallback)
  int sample_period_us = 500;    // /proc sampling: 2 kHz
};

class Observer {
 public:
  explicit Observer(ObserverOptions options = {});
  ~Observer();  // stops the thread
  Observer(const Observer&) = delete;
  Observer& operator=(const Observer&) = delete;

  void set_primary(pid_t primary);
  void end_start_up(mono_ns t);  // WorkerBook::end_start_up

  std::string source() const;                  // "netlink" or "proc"
  std::string fallback_reason() const;         // why not netlink (empty when netlink)
  mono_ns precision_ns() const;   // 0 for netlink (the kernel's instants), else the sampling period
  int overruns() const;           // netlink buffer overflows, each reconciled from /proc

  std::vector<WorkerLifetime> workers() const;  // every worker seen, by fork time; ready_ns unset
  int live_count() const;
  std::vector<pid_t> live_workers() const;      // oldest first (by fork time)
  std::optional<PrimaryExit> primary_exit() const;

  bool wait_for_live_count(int n, mono_ns deadline) const;
  // Waits until pred(const WorkerBook&) holds (checked on every change) or the deadline passes.
  template <typename Pred>
  bool wait_until(Pred pred, mono_ns deadline) const;

 private:
  void run_netlink();
  void run_proc();
  void scan_once(mono_ns t);  // /proc scan into the book; with mutex_ held
  void notify_changed();

  ObserverOptions options_;
  std::string source_;
  std::string fallback_reason_;
  std::unique_ptr<ProcConnector> connector_;
  UniqueFd wake_;  // eventfd: tells the netlink thread to stop
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  WorkerBook book_;
  int overruns_ = 0;
  std::thread thread_;
};

template <typename Pred>
bool Observer::wait_until(Pred pred, mono_ns deadline) const {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (pred(book_)) return true;
    const mono_ns left = deadline - monotonic_ns();
    if (left <= 0) return false;
    changed_.wait_for(lock, std::chrono::nanoseconds(left));
  }
}

}  // namespace forkcheck::harness
