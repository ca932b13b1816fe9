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

bool contains(const std::vector<pid_t>& pids, pid_t pid) {
  return std::find(pids.begin(), pids.end(), pid) != pids.end();
}

// The workers a fault's pids named at its instant: its victims as lifetimes.
std::vector<const WorkerLifetime*> victims_of(const History& h, const FaultRecord& f) {
  std::vector<const WorkerLifetime*> out;
  for (pid_t pid : f.victims)
    if (const WorkerLifetime* w = worker_at(h, pid, fault_instant(f))) out.push_back(w);
  return out;
}

bool among(const std::vector<const WorkerLifetime*>& workers, const WorkerLifetime& w) {
  return std::find(workers.begin(), workers.end(), &w) != workers.end();
}

int ready_excluding(const History& h, mono_ns t, const std::vector<const WorkerLifetime*>& excluded) {
  int n = 0;
  for (const auto& w : h.workers)
    if (ready_at(h, w, t) && !among(excluded, w)) ++n;
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
    if (w.fork_ns >= f.sent_ns && !is_victim(h, f, w)) later.push_back(&w);
  std::sort(later.begin(), later.end(), [](auto* a, auto* b) { return a->fork_ns < b->fork_ns; });
  const std::size_t wanted = std::max<std::size_t>(1, f.victims.size());
  for (const auto* w : later) {
    if (r.replacements.size() == wanted) break;
    r.replacements.push_back(w->pid);
    r.replacement_fork_ns = w->fork_ns;
  }
}

// The create_file whose file existed when w was forked (from its sent instant to the next
// remove_file's), when it acts on this target.
std::optional<std::size_t> file_existing_at_fork(const History& h, const WorkerLifetime& w) {
  std::optional<std::size_t> created;
  for (std::size_t i = 0; i < h.faults.size(); ++i) {
    const FaultRecord& f = h.faults[i];
    if (!touches_file(f.kind) || f.sent_ns == 0 || f.sent_ns > w.fork_ns) continue;
    if (f.kind == FaultKind::remove_file) created.reset();
    else if (file_fault_acts(h, f)) created = i;
  }
  return created;
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

bool file_fault_acts(const History& h, const FaultRecord& f) {
  return f.path.empty() || h.target.command.find(f.path) != std::string::npos;
}

bool ends_process_by_default(int signal) {
  switch (signal) {
    case SIGSTOP:
    case SIGTSTP:
    case SIGTTIN:
    case SIGTTOU:
    case SIGCONT:
    case SIGCHLD:
    case SIGURG:
    case SIGWINCH: return false;
    default: return signal > 0;
  }
}

bool expects_death(const FaultRecord& f) {
  const bool worker_kill = f.kind == FaultKind::kill_worker || f.kind == FaultKind::term_worker ||
                           f.kind == FaultKind::kill_all || f.kind == FaultKind::kill_new_workers;
  // Signal 0: a hand-made record that left the kind's own signal (SIGKILL or SIGTERM) unset.
  return worker_kill && (f.signal == 0 || ends_process_by_default(f.signal));
}

bool terminates_workers(FaultKind kind, int signal) {
  return kind == FaultKind::term_worker || (kind == FaultKind::kill_worker && signal == SIGTERM);
}

bool terminates_workers(const FaultRecord& f) { return terminates_workers(f.kind, f.signal); }

mono_ns fault_instant(const FaultRecord& f) { return f.sent_ns ? f.sent_ns : f.scheduled_ns; }

int live_workers_at(const History& h, mono_ns t) {
  return static_cast<int>(std::count_if(h.workers.begin(), h.workers.end(), [t](const auto& w) { return is_live(w, t); }));
}

mono_ns service_end_ns(const History& h) {
  mono_ns end = h.stop.stop_sent_ns > 0 ? h.stop.stop_sent_ns : INT64_MAX;
  for (const auto& f : h.faults)
    if (targets_primary(f.kind) && fault_instant(f)) end = std::min(end, fault_instant(f));
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

const WorkerLifetime* worker_at(const History& h, pid_t pid, mono_ns t) {
  const WorkerLifetime* found = nullptr;
  for (const auto& w : h.workers)
    if (w.pid == pid && w.fork_ns <= t && (!found || w.fork_ns >= found->fork_ns)) found = &w;
  return found;
}

bool is_victim(const History& h, const FaultRecord& f, const WorkerLifetime& w) {
  return contains(f.victims, w.pid) && worker_at(h, w.pid, fault_instant(f)) == &w;
}

std::optional<std::size_t> fault_behind_death(const History& h, const WorkerLifetime& w) {
  if (!w.exit_ns) return std::nullopt;
  for (std::size_t i = 0; i < h.faults.size(); ++i) {
    const FaultRecord& f = h.faults[i];
    if (!is_victim(h, f, w)) continue;
    if (expects_death(f) && f.sent_ns > 0 && f.sent_ns <= *w.exit_ns) return i;
    if (f.kind == FaultKind::stop_worker && f.confirmed_ns && stopped_at(h, w, *w.exit_ns)) return i;
  }
  return file_existing_at_fork(h, w);
}

bool stopped_at(const History& h, const WorkerLifetime& w, mono_ns t) {
  bool stopped = false;
  for (const auto& f : h.faults) {
    const bool stop = f.kind == FaultKind::stop_worker, cont = f.kind == FaultKind::cont_worker;
    if ((stop || cont) && f.confirmed_ns && *f.confirmed_ns <= t && is_victim(h, f, w)) stopped = stop;
  }
  return stopped;
}

bool ready_at(const History& h, const WorkerLifetime& w, mono_ns t) {
  return is_live(w, t) && w.ready_ns && *w.ready_ns <= t && !stopped_at(h, w, t);
}

int ready_workers_at(const History& h, mono_ns t) { return ready_excluding(h, t, {}); }

std::vector<ReadyCount> ready_counts(const History& h, mono_ns from, mono_ns to) {
  std::vector<ReadyCount> out;
  for (mono_ns t : change_instants(h, from)) {
    if (t > to) break;
    out.push_back({t, ready_workers_at(h, t)});
  }
  return out;
}

std::optional<mono_ns> first_full_ready(const History& h, mono_ns from, const FaultRecord* excluded_victims_of) {
  const mono_ns end = service_end_ns(h);
  const std::vector<const WorkerLifetime*> excluded =
      excluded_victims_of ? victims_of(h, *excluded_victims_of) : std::vector<const WorkerLifetime*>{};
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
  for (const WorkerLifetime* w : victims_of(h, f))
    if (w->exit_ns) r.victim_exit_ns = std::max(r.victim_exit_ns.value_or(*w->exit_ns), *w->exit_ns);
  find_replacements(h, f, r);
  if (!r.death_ns) return r;
  // Victims are excluded outright: the pidfd and the observer may stamp the same death a little
  // apart, and a victim must never count towards its own recovery.
  r.restored_ns = first_full_ready(h, *r.death_ns, &f);
  return r;
}

}  // namespace forkcheck::harness
