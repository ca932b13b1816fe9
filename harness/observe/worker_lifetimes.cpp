#include "harness/observe/worker_lifetimes.hpp"

#include <algorithm>

namespace forkcheck::harness {
namespace {

void keep_earliest(std::map<pid_t, mono_ns>& instants, pid_t pid, mono_ns t) {
  auto [it, fresh] = instants.emplace(pid, t);
  if (!fresh) it->second = std::min(it->second, t);
}

void merge_events_and_readiness(History& h, const std::map<pid_t, mono_ns>& served_at) {
  std::map<pid_t, mono_ns> ready = served_at;
  std::map<pid_t, mono_ns> forked;
  for (const Event& e : h.events) {
    if (e.kind == EventKind::ready) keep_earliest(ready, e.pid, e.t_ns);
    if (e.kind == EventKind::fork) keep_earliest(forked, e.pid, e.t_ns);
    if (e.kind == EventKind::primary_start) h.target.primary_start_ns = e.t_ns;
  }
  for (WorkerLifetime& w : h.workers) {
    if (const auto it = forked.find(w.pid); it != forked.end()) w.fork_ns = std::min(w.fork_ns, it->second);
    // The observer's own instant (a look found it waiting on the listening socket) may be earlier.
    if (const auto it = ready.find(w.pid); it != ready.end() && it->second >= w.fork_ns)
      w.ready_ns = std::min(w.ready_ns.value_or(it->second), it->second);
    if (w.ready_ns && *w.ready_ns < w.fork_ns) w.ready_ns.reset();
  }
}

// The observer's exit instant of the fault's last victim, when every victim's exit at or after the
// signal is recorded.
std::optional<mono_ns> last_victim_exit(const History& h, const FaultRecord& f) {
  mono_ns last = 0;
  for (pid_t victim : f.victims) {
    const WorkerLifetime* w = find_worker(h, victim);
    if (!w || !w->exit_ns || *w->exit_ns < f.sent_ns) return std::nullopt;
    last = std::max(last, *w->exit_ns);
  }
  return last;
}

void refine_fault_deaths(History& h) {
  for (FaultRecord& f : h.faults) {
    if (!f.death_seen_ns || f.victims.empty()) continue;
    if (const auto exit = last_victim_exit(h, f)) f.death_seen_ns = std::min(*f.death_seen_ns, *exit);
  }
}

}  // namespace

void assemble_worker_lifetimes(History& h, std::vector<WorkerLifetime> observed,
                               const std::map<pid_t, mono_ns>& served_at) {
  h.workers = std::move(observed);
  merge_events_and_readiness(h, served_at);
  refine_fault_deaths(h);
}

void note_served(std::map<pid_t, mono_ns>& served_at, const RequestRecord& r) {
  if (r.error == RequestError::ok && r.worker_pid > 0) keep_earliest(served_at, r.worker_pid, r.end_ns);
}

std::map<pid_t, mono_ns> first_served_at(const RequestLog& requests) {
  std::map<pid_t, mono_ns> out;
  for (const auto& r : requests) note_served(out, r);
  return out;
}

}  // namespace forkcheck::harness
