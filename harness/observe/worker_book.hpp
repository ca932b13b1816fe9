#pragma once
// The observer's bookkeeping, apart from any event source so it is unit-tested without processes:
// the primary's direct children with their fork and exit instants, which of them are workers and
// which are helpers, and the primary's exit.
// Events may arrive before the primary's pid is known (the observer starts before the launch, so
// the first forks are not missed): they are held and replayed when set_primary() is called. Every
// other process's events are dropped by parentage.
//
// Workers and helpers (docs/design.md, section 5). Under WorkerRule::every_child every child is a
// worker. Otherwise each child is looked at (ChildLook, taken by observe/child_look) from its fork
// on: it is a worker while a look finds it qualifying (holding the port's listening socket or a
// connection accepted on it; or, under command_matches, its command line matching), and its
// classification becomes final once a look finds it ready (waiting on the listening socket or
// holding an accepted connection). Until then a worker that a look finds no longer qualifying (a
// helper that closed the listening socket it inherited at fork) goes back to not being one, from its
// fork on: a child is a worker for its whole life or not at all. A child that was gone before any
// look counts as a worker (a pre-fork server's children are workers unless seen otherwise; it
// matters only to counts of forks). Children that are not workers are helpers.
// Under command_matches a look that finds a command line telling nothing yet (ChildLook::undecided:
// the parent's, before the child sets its title; empty, mid-retitle) neither makes nor unmakes a
// worker: the child is looked at again soon. One never seen otherwise is a helper once gone.
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
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

enum class WorkerRule {
  every_child,      // no port to judge by (tests of the bookkeeping alone)
  serves_port,      // holds the port's listening socket or a connection accepted on it
  command_matches,  // its command line matches --workers-match / workers_match
};

// What one look at a child found.
struct ChildLook {
  bool gone = false;       // nothing to see: its /proc entry is gone, or it is a zombie
  // Under command_matches, a command line that tells nothing yet, not matching: its parent's still
  // (forked, not yet retitled), or empty (mid-retitle, or exiting). The look changes nothing.
  bool undecided = false;
  bool qualifies = false;  // a worker by the rule
  bool ready = false;      // waits on the port's listening socket, or holds an accepted connection
  std::string command;     // its command line, when read
};

class WorkerBook {
 public:
  static constexpr std::size_t kMaxPending = 1 << 16;  // events held before the primary is known
  // Looks at a child not settled yet come ever less often, doubling from 1 ms: a worker still
  // starting is looked at up to every kMaxWorkerLookGap, a child not qualifying every kMaxOtherLookGap.
  static constexpr mono_ns kFirstLookGap = ms_to_ns(1);
  static constexpr mono_ns kMaxWorkerLookGap = ms_to_ns(4);
  static constexpr mono_ns kMaxOtherLookGap = ms_to_ns(100);

  void set_primary(pid_t primary);
  pid_t primary() const { return primary_; }
  void set_rule(WorkerRule rule) { rule_ = rule; }
  WorkerRule rule() const { return rule_; }
  // Start-up ends at t (the run calls it with the instant the port first accepted): an exec of the
  // primary at or after it drops no child. Only a start-up exec is a wrapper becoming the server.
  void end_start_up(mono_ns t) { start_up_end_ = t; }

  // From the kernel's events (exact instants). Returns true if the book changed.
  bool apply(const ProcEvent& event);
  // From a /proc scan at instant t: children not seen before forked at t; live children missing
  // (or zombies) exited at t. Exact events that come later for the same exit refine it.
  bool reconcile(const std::vector<ScannedChild>& children, mono_ns t);
  bool primary_gone(mono_ns t, int wait_status);  // a scan saw the primary exit (status -1: unknown)

  // Live children due for a look at `now`, and when the next one falls due (empty: none is).
  std::vector<pid_t> due_looks(mono_ns now) const;
  std::optional<mono_ns> next_look_ns() const;
  // What a look at `pid` taken at t found. Returns true if the workers or their readiness changed.
  bool apply_look(pid_t pid, const ChildLook& look, mono_ns t);

  std::vector<WorkerLifetime> workers() const;   // by fork time; ready_ns: a look found it ready
  std::vector<HelperProcess> helpers() const;    // every other child looked at, by fork time
  std::vector<pid_t> live_workers() const;       // oldest first
  std::vector<pid_t> live_children() const;      // workers or not, oldest first
  int live_count() const;                        // live workers
  const std::optional<PrimaryExit>& primary_exit() const { return primary_exit_; }
  std::size_t dropped_pending() const { return dropped_pending_; }

 private:
  struct Child {
    WorkerLifetime life;
    bool worker = false;
    bool looked = false;
    bool settled = false;   // classification final: no more looks
    bool undecided = false; // looked at, but every look so far was undecided
    int misses = 0;         // looks since the last change, for the gap between looks
    mono_ns next_look_ns = 0;
    std::string command;
  };

  bool on_fork(pid_t pid, mono_ns t);
  bool on_primary_exec(mono_ns t);
  bool on_exit(pid_t pid, mono_ns t, int wait_status, bool exact);
  void schedule_next_look(Child& c, mono_ns t, mono_ns max_gap);

  pid_t primary_ = 0;
  WorkerRule rule_ = WorkerRule::every_child;
  std::vector<ProcEvent> pending_;
  std::size_t dropped_pending_ = 0;
  std::vector<Child> children_;                         // by fork time
  std::unordered_map<pid_t, std::size_t> live_;         // pid -> index in children_
  std::unordered_map<pid_t, std::size_t> approx_exit_;  // exited per a scan: an exact event may refine
  std::optional<PrimaryExit> primary_exit_;
  mono_ns start_up_end_ = INT64_MAX;
};

}  // namespace forkcheck::harness
