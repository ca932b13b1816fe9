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
// Given the target's port, the observer tells workers from helpers (worker_book.hpp) by looking at
// each child from its fork until its classification is final (child_look.hpp); the looks run on the
// observer's own thread, with either source, only for children not settled yet.
#include <sys/types.h>

#include <atomic>
#include <cstdint>
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
#include "harness/observe/child_look.hpp"
#include "harness/observe/worker_book.hpp"

namespace forkcheck::harness {

class ProcConnector;

struct ObserverOptions {
  bool force_proc = false;       // skip the proc connector (tests of the fallback)
  int sample_period_us = 500;    // /proc sampling: 2 kHz
  // The target's port: workers are the children that serve it (0: every child is a worker).
  std::uint16_t port = 0;
  // Non-empty: workers are the children whose command line matches this ECMAScript regular
  // expression (--workers-match); it must be valid (check it with workers_match_error first).
  std::string workers_match;
};

// Why `pattern` is not a usable --workers-match expression; empty when it is.
std::string workers_match_error(const std::string& pattern);

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
  // How workers are told from helpers, as the run prints it at start ("workers: ...").
  std::string workers_rule() const { return rule_text_; }
  WorkerRule rule() const;
  mono_ns precision_ns() const;   // 0 for netlink (the kernel's instants), else the sampling period
  int overruns() const;           // netlink buffer overflows, each reconciled from /proc

  std::vector<WorkerLifetime> workers() const;  // every worker seen, by fork time; ready_ns: a look's
  std::vector<HelperProcess> helpers() const;   // the other children
  int live_count() const;                       // live workers
  std::vector<pid_t> live_workers() const;      // oldest first (by fork time)
  std::vector<pid_t> live_children() const;     // workers and the others, oldest first
  std::optional<PrimaryExit> primary_exit() const;

  bool wait_for_live_count(int n, mono_ns deadline) const;
  // Waits until pred(const WorkerBook&) holds (checked on every change) or the deadline passes.
  template <typename Pred>
  bool wait_until(Pred pred, mono_ns deadline) const;

 private:
  void run_netlink();
  void run_proc();
  void scan_once(mono_ns t);  // /proc scan into the book; with mutex_ held
  void look_at_due_children();  // without mutex_ held
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
  std::unique_ptr<ChildLooker> looker_;  // used by the observer's thread alone
  std::string rule_text_;
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
