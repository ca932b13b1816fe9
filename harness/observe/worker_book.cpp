#include "harness/observe/worker_book.hpp"

#include <sys/wait.h>

#include <algorithm>

namespace forkcheck::harness {
namespace {

void set_exit_fields(WorkerLifetime& w, mono_ns t, int wait_status) {
  w.exit_ns = t;
  if (wait_status < 0) return;
  if (WIFSIGNALED(wait_status)) {
    w.exit_signal = WTERMSIG(wait_status);
    w.exit_status = -1;
  } else {
    w.exit_signal = 0;
    w.exit_status = WEXITSTATUS(wait_status);
  }
}

}  // namespace

void WorkerBook::set_primary(pid_t primary) {
  primary_ = primary;
  std::vector<ProcEvent> held;
  held.swap(pending_);
  for (const ProcEvent& e : held) apply(e);
}

bool WorkerBook::apply(const ProcEvent& e) {
  if (primary_ == 0) {
    if (pending_.size() < kMaxPending) pending_.push_back(e);
    else ++dropped_pending_;
    return false;
  }
  if (e.kind == ProcEvent::Kind::fork) return e.parent == primary_ && on_fork(e.pid, e.t_ns);
  if (e.kind == ProcEvent::Kind::exec) return e.pid == primary_ && on_primary_exec(e.t_ns);
  if (e.pid == primary_) {
    // The kernel's instant and status replace what a scan may have recorded.
    PrimaryExit x{e.t_ns, WIFSIGNALED(e.wait_status) ? WTERMSIG(e.wait_status) : 0,
                  WIFSIGNALED(e.wait_status) ? -1 : WEXITSTATUS(e.wait_status)};
    primary_exit_ = x;
    return true;
  }
  return on_exit(e.pid, e.t_ns, e.wait_status, true);
}

// A launcher script (`sh -c`, a wrapper that computes paths, then `exec`s the server) forks helpers
// before it becomes the primary's final program: children that were born AND died before its last
// exec are the wrapper's, not workers. A child still alive at the exec is kept: it is the tree's.
// Only during start-up: a server that execs itself mid-run (a binary upgrade in place) keeps its
// dead workers, a fault's victims among them, on record.
bool WorkerBook::on_primary_exec(mono_ns t) {
  if (t >= start_up_end_) return false;
  const auto before = children_.size();
  std::vector<Child> kept;
  for (const Child& c : children_)
    if (!(c.life.fork_ns < t && c.life.exit_ns && *c.life.exit_ns <= t)) kept.push_back(c);
  if (kept.size() == before) return false;
  children_ = std::move(kept);
  live_.clear();
  for (std::size_t i = 0; i < children_.size(); ++i)
    if (!children_[i].life.exit_ns) live_[children_[i].life.pid] = i;
  approx_exit_.clear();
  return true;
}

bool WorkerBook::on_fork(pid_t pid, mono_ns t) {
  if (const auto it = live_.find(pid); it != live_.end()) {
    // Already recorded by a scan after an overrun: the kernel's instant is the exact one.
    WorkerLifetime& w = children_[it->second].life;
    if (t >= w.fork_ns) return false;
    w.fork_ns = t;
    return true;
  }
  approx_exit_.erase(pid);
  Child c;
  c.life.pid = pid;
  c.life.fork_ns = t;
  // Without a port to judge by, every child is a worker from its fork; otherwise it is looked at at once.
  c.worker = c.looked = c.settled = rule_ == WorkerRule::every_child;
  c.next_look_ns = t;
  // Keep children_ ordered by fork time: events are ordered per CPU, not globally.
  auto pos = std::upper_bound(children_.begin(), children_.end(), t,
                              [](mono_ns v, const Child& x) { return v < x.life.fork_ns; });
  const auto index = static_cast<std::size_t>(pos - children_.begin());
  children_.insert(pos, std::move(c));
  for (auto& [p, i] : live_) if (i >= index) ++i;
  for (auto& [p, i] : approx_exit_) if (i >= index) ++i;
  live_[pid] = index;
  return true;
}

bool WorkerBook::on_exit(pid_t pid, mono_ns t, int wait_status, bool exact) {
  if (const auto it = live_.find(pid); it != live_.end()) {
    Child& c = children_[it->second];
    set_exit_fields(c.life, t, wait_status);
    // Gone before any look: counted as a worker (a crash-looping worker's life can be that short);
    // gone with only undecided looks, never named by the rule: a helper.
    if (!c.looked) {
      c.worker = !c.undecided;
      c.looked = true;
    }
    if (!exact) approx_exit_[pid] = it->second;
    live_.erase(it);
    return true;
  }
  if (const auto it = approx_exit_.find(pid); exact && it != approx_exit_.end()) {
    set_exit_fields(children_[it->second].life, t, wait_status);
    approx_exit_.erase(it);
    return true;
  }
  return false;
}

void WorkerBook::schedule_next_look(Child& c, mono_ns t, mono_ns max_gap) {
  const mono_ns gap = c.misses >= 20 ? max_gap : std::min(max_gap, kFirstLookGap << c.misses);
  c.next_look_ns = t + gap;
  ++c.misses;
}

std::vector<pid_t> WorkerBook::due_looks(mono_ns now) const {
  std::vector<pid_t> out;
  for (const auto& [pid, index] : live_) {
    const Child& c = children_[index];
    if (!c.settled && c.next_look_ns <= now) out.push_back(pid);
  }
  return out;
}

std::optional<mono_ns> WorkerBook::next_look_ns() const {
  std::optional<mono_ns> next;
  for (const auto& [pid, index] : live_) {
    const Child& c = children_[index];
    if (!c.settled) next = std::min(next.value_or(c.next_look_ns), c.next_look_ns);
  }
  return next;
}

bool WorkerBook::apply_look(pid_t pid, const ChildLook& look, mono_ns t) {
  const auto it = live_.find(pid);
  if (it == live_.end()) return false;  // exited since the look was planned: its exit settled it
  Child& c = children_[it->second];
  if (!look.command.empty()) c.command = look.command;
  if (c.settled) return false;
  const bool was_worker = c.worker;
  if (look.undecided && !look.gone) {
    // Its command line tells nothing yet (a child not retitled since its fork): whatever it is
    // stays as it was, and it is looked at again at a worker's pace, not a helper's.
    if (!c.looked) c.undecided = true;
    schedule_next_look(c, t, kMaxWorkerLookGap);
    return false;
  }
  if (look.gone) {
    // Nothing to see (a zombie): what the earlier looks said stands; never looked at, a worker
    // (only undecided looks: a helper, as at its exit).
    if (!c.looked) c.worker = !c.undecided;
    c.looked = c.settled = true;
    return c.worker != was_worker;
  }
  c.looked = true;
  if (look.qualifies) {
    c.worker = true;
    if (look.ready) {
      if (!c.life.ready_ns) c.life.ready_ns = t;
      c.settled = true;
      return true;
    }
    if (!was_worker) c.misses = 0;
    schedule_next_look(c, t, kMaxWorkerLookGap);
  } else {
    c.worker = false;  // it let go of what made it look like a worker before it was ever ready
    if (was_worker) c.misses = 0;
    schedule_next_look(c, t, kMaxOtherLookGap);
  }
  return c.worker != was_worker;
}

bool WorkerBook::reconcile(const std::vector<ScannedChild>& children, mono_ns t) {
  if (primary_ == 0) return false;
  auto find = [&children](pid_t pid) {
    return std::find_if(children.begin(), children.end(), [pid](const ScannedChild& c) { return c.pid == pid; });
  };
  std::vector<std::pair<pid_t, int>> gone;  // pid, wait status (-1: unknown)
  for (const auto& entry : live_) {
    const auto it = find(entry.first);
    if (it == children.end()) gone.emplace_back(entry.first, -1);
    else if (it->zombie) gone.emplace_back(entry.first, it->wait_status);
  }
  bool changed = false;
  for (const auto& [pid, status] : gone) changed |= on_exit(pid, t, status, false);
  for (const ScannedChild& c : children) {
    if (live_.contains(c.pid)) continue;
    if (!c.zombie) {
      changed |= on_fork(c.pid, t);
    } else if (!approx_exit_.contains(c.pid)) {
      // Born and dead between two samples (a crash loop): still a worker that lived, at t.
      changed |= on_fork(c.pid, t);
      on_exit(c.pid, t, c.wait_status, false);
    }
  }
  return changed;
}

bool WorkerBook::primary_gone(mono_ns t, int wait_status) {
  if (primary_exit_) return false;
  PrimaryExit x{t, 0, -1};
  if (wait_status >= 0) {
    x.signal = WIFSIGNALED(wait_status) ? WTERMSIG(wait_status) : 0;
    x.status = WIFSIGNALED(wait_status) ? -1 : WEXITSTATUS(wait_status);
  }
  primary_exit_ = x;
  return true;
}

std::vector<WorkerLifetime> WorkerBook::workers() const {
  std::vector<WorkerLifetime> out;
  for (const Child& c : children_)
    if (c.worker) out.push_back(c.life);
  return out;
}

std::vector<HelperProcess> WorkerBook::helpers() const {
  std::vector<HelperProcess> out;
  // A child not looked at yet is neither: listing it as a helper would name one for a millisecond.
  for (const Child& c : children_)
    if (c.looked && !c.worker) out.push_back(HelperProcess{c.life.pid, c.life.fork_ns, c.life.exit_ns, c.command});
  return out;
}

std::vector<pid_t> WorkerBook::live_children() const {
  std::vector<std::pair<std::size_t, pid_t>> by_index;
  for (const auto& [pid, index] : live_) by_index.emplace_back(index, pid);
  std::sort(by_index.begin(), by_index.end());
  std::vector<pid_t> out;
  for (const auto& [index, pid] : by_index) out.push_back(pid);
  return out;
}

std::vector<pid_t> WorkerBook::live_workers() const {
  std::vector<pid_t> out;
  for (pid_t pid : live_children())
    if (children_[live_.at(pid)].worker) out.push_back(pid);
  return out;
}

int WorkerBook::live_count() const {
  return static_cast<int>(std::count_if(live_.begin(), live_.end(),
                                        [this](const auto& entry) { return children_[entry.second].worker; }));
}

}  // namespace forkcheck::harness
