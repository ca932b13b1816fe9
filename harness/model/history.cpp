#include "harness/model/history.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <csignal>
#include <utility>

#include "common/name_table.hpp"

namespace forkcheck::harness {
namespace {

constexpr NameTable<RequestError, 11> kErrorNames{{
    {RequestError::ok, "ok"},
    {RequestError::refused, "refused"},
    {RequestError::connect_timeout, "connect_timeout"},
    {RequestError::reset, "reset"},
    {RequestError::eof, "eof"},
    {RequestError::timeout, "timeout"},
    {RequestError::bad_status, "bad_status"},
    {RequestError::bad_body, "bad_body"},
    {RequestError::bad_response, "bad_response"},
    {RequestError::other, "other"},
    {RequestError::cancelled, "cancelled"},
}};

constexpr NameTable<FaultKind, 11> kFaultNames{{
    {FaultKind::kill_worker, "kill_worker"},
    {FaultKind::stop_worker, "stop_worker"},
    {FaultKind::cont_worker, "cont_worker"},
    {FaultKind::term_worker, "term_worker"},
    {FaultKind::kill_all, "kill_all"},
    {FaultKind::kill_primary, "kill_primary"},
    {FaultKind::term_primary, "term_primary"},
    {FaultKind::kill_new_workers, "kill_new_workers"},
    {FaultKind::create_file, "create_file"},
    {FaultKind::remove_file, "remove_file"},
    {FaultKind::wire_fuzz, "wire_fuzz"},
}};

bool is_live(const WorkerLifetime& w, mono_ns t) {
  return w.fork_ns <= t && (!w.exit_ns || *w.exit_ns > t);
}

bool is_ready(const WorkerLifetime& w, mono_ns t) { return is_live(w, t) && w.ready_ns && *w.ready_ns <= t; }

bool contains(const std::vector<pid_t>& pids, pid_t pid) {
  return std::find(pids.begin(), pids.end(), pid) != pids.end();
}

}  // namespace

bool stopped_at(const History& h, pid_t pid, mono_ns t) {
  bool stopped = false;
  for (const auto& f : h.faults) {
    const bool stop = f.kind == FaultKind::stop_worker, cont = f.kind == FaultKind::cont_worker;
    if ((stop || cont) && f.confirmed_ns && *f.confirmed_ns <= t && contains(f.victims, pid)) stopped = stop;
  }
  return stopped;
}

namespace {

int ready_excluding(const History& h, mono_ns t, const std::vector<pid_t>& excluded) {
  int n = 0;
  for (const auto& w : h.workers)
    if (is_ready(w, t) && !contains(excluded, w.pid) && !stopped_at(h, w.pid, t)) ++n;
  return n;
}

// Every instant at which the ready count can change, from `from` on: a worker's fork, readiness and
// exit, and a stop or continue seen by a fault.
std::vector<mono_ns> change_instants(const History& h, mono_ns from) {
  std::vector<mono_ns> ts{from};
  for (const auto& w : h.workers)
    for (auto t : {std::optional<mono_ns>(w.fork_ns), w.ready_ns, w.exit_ns})
      if (t && *t >= from) ts.push_back(*t);
  for (const auto& f : h.faults)
    if (f.confirmed_ns && *f.confirmed_ns >= from) ts.push_back(*f.confirmed_ns);
  std::sort(ts.begin(), ts.end());
  ts.erase(std::unique(ts.begin(), ts.end()), ts.end());
  return ts;
}

void find_replacements(const History& h, const FaultRecord& f, FaultRecovery& r) {
  std::vector<const WorkerLifetime*> later;
  for (const auto& w : h.workers)
    if (w.fork_ns >= f.sent_ns && !contains(f.victims, w.pid)) later.push_back(&w);
  std::sort(later.begin(), later.end(), [](auto* a, auto* b) { return a->fork_ns < b->fork_ns; });
  const std::size_t wanted = std::max<std::size_t>(1, f.victims.size());
  for (const auto* w : later) {
    if (r.replacements.size() == wanted) break;
    r.replacements.push_back(w->pid);
    r.replacement_fork_ns = w->fork_ns;
  }
}

}  // namespace

std::string_view to_string(RequestError e) {
  return name_in(kErrorNames, e).value_or("unknown");
}

std::optional<RequestError> request_error_from_string(std::string_view name) {
  return value_named(kErrorNames, name);
}

bool cut_by_harness(const RequestRecord& r) { return r.error == RequestError::cancelled; }

const std::vector<RequestError>& all_request_errors() {
  static const std::vector<RequestError> all = values_of(kErrorNames);
  return all;
}

std::string_view to_string(FaultKind k) {
  return name_in(kFaultNames, k).value_or("unknown");
}

std::optional<FaultKind> fault_kind_from_string(std::string_view name) {
  return value_named(kFaultNames, name);
}

bool targets_primary(FaultKind k) { return k == FaultKind::kill_primary || k == FaultKind::term_primary; }

bool touches_file(FaultKind k) { return k == FaultKind::create_file || k == FaultKind::remove_file; }

bool expects_death(const FaultRecord& f) {
  const bool worker_kill = f.kind == FaultKind::kill_worker || f.kind == FaultKind::term_worker ||
                           f.kind == FaultKind::kill_all || f.kind == FaultKind::kill_new_workers;
  return worker_kill && f.signal != SIGSTOP && f.signal != SIGCONT && f.signal != SIGTSTP;
}

int live_workers_at(const History& h, mono_ns t) {
  return static_cast<int>(std::count_if(h.workers.begin(), h.workers.end(), [t](const auto& w) { return is_live(w, t); }));
}

mono_ns service_end_ns(const History& h) {
  mono_ns end = h.stop.stop_sent_ns > 0 ? h.stop.stop_sent_ns : INT64_MAX;
  for (const auto& f : h.faults)
    if (targets_primary(f.kind) && (f.sent_ns || f.scheduled_ns)) end = std::min(end, f.sent_ns ? f.sent_ns : f.scheduled_ns);
  if (end != INT64_MAX) return end;
  if (h.run_end_ns > 0) return h.run_end_ns;
  mono_ns t = h.target.launch_ns;
  for (const auto& r : h.requests) t = std::max(t, r.end_ns);
  for (const auto& w : h.workers) t = std::max({t, w.fork_ns, w.ready_ns.value_or(0), w.exit_ns.value_or(0)});
  for (const auto& f : h.faults) t = std::max({t, f.sent_ns, f.death_seen_ns.value_or(0)});
  return t;
}

std::optional<mono_ns> harness_stop_not_before_ns(const History& h, double stop_grace_s) {
  for (const auto& f : h.faults)
    if (f.kind == FaultKind::term_primary && f.sent_ns > 0) return f.sent_ns + seconds_to_ns(stop_grace_s);
  return std::nullopt;
}

const WorkerLifetime* find_worker(const History& h, pid_t pid) {
  for (const auto& w : h.workers)
    if (w.pid == pid) return &w;
  return nullptr;
}

int ready_workers_at(const History& h, mono_ns t) { return ready_excluding(h, t, {}); }

std::optional<mono_ns> first_full_ready(const History& h, mono_ns from, const std::vector<pid_t>& excluded) {
  const mono_ns end = service_end_ns(h);
  for (mono_ns t : change_instants(h, from)) {
    if (t > end) break;
    if (ready_excluding(h, t, excluded) >= h.target.workers) return t;
  }
  return std::nullopt;
}

std::optional<mono_ns> FaultRecovery::recovery_ns() const {
  if (!death_ns || !restored_ns) return std::nullopt;
  return *restored_ns - *death_ns;
}

FaultRecovery recovery_after(const History& h, std::size_t fault_index) {
  FaultRecovery r;
  r.fault_index = fault_index;
  if (fault_index >= h.faults.size()) return r;
  const FaultRecord& f = h.faults[fault_index];
  // A hung worker (stop_worker) is lost to the service from the moment it was seen stopped.
  r.death_ns = f.kind == FaultKind::stop_worker ? f.confirmed_ns : f.death_seen_ns;
  for (pid_t pid : f.victims)
    if (const auto* w = find_worker(h, pid); w && w->exit_ns)
      r.victim_exit_ns = std::max(r.victim_exit_ns.value_or(*w->exit_ns), *w->exit_ns);
  find_replacements(h, f, r);
  if (!r.death_ns) return r;
  // Victims are excluded outright: the pidfd and the observer may stamp the same death a little
  // apart, and a victim must never count towards its own recovery.
  r.restored_ns = first_full_ready(h, *r.death_ns, f.victims);
  return r;
}

}  // namespace forkcheck::harness
