// Properties about the worker set and the primary: workers_restored, no_overshoot, primary_alive,
// no_orphans.
#include <algorithm>
#include <cstdint>

#include "harness/check/checker_properties.hpp"
#include "harness/model/pid_list.hpp"

namespace forkcheck::harness::detail {
namespace {

std::string fault_label(const History& h, std::size_t i) {
  const FaultRecord& f = h.faults[i];
  return "fault " + std::to_string(i + 1) + " (" + std::string(to_string(f.kind)) + " " + signal_name(f.signal) +
         " at " + at_ms(h, f.sent_ns ? f.sent_ns : f.scheduled_ns) + ")";
}

struct RestoreTally {
  std::vector<std::string> evidence;
  int failed = 0, undecided = 0, recovered = 0;
  mono_ns worst_ns = 0;
};

void judge_recovery(const History& h, const Scenario& s, std::size_t i, mono_ns deadline_ns, RestoreTally& t) {
  const FaultRecord& f = h.faults[i];
  const FaultRecovery r = recovery_after(h, i);
  const char* lost = f.kind == FaultKind::stop_worker ? " hung at " : " died at ";
  std::string line = fault_label(h, i) + ": victim " + pid_list(f.victims) + lost + at_ms(h, *r.death_ns);
  if (r.replacement_fork_ns)
    line += "; replacement " + pid_list(r.replacements) + " forked at " + at_ms(h, *r.replacement_fork_ns);
  if (const auto rt = r.recovery_ns()) {
    line += "; " + std::to_string(h.target.workers) + " ready at " + at_ms(h, *r.restored_ns) + ": recovery " + ms(*rt);
    t.worst_ns = std::max(t.worst_ns, *rt);
    if (*rt <= deadline_ns) {
      ++t.recovered;
    } else {
      ++t.failed;
      line += ", over the deadline of " + ms(deadline_ns);
    }
  } else if (const mono_ns end = service_end_ns(h); end - *r.death_ns < deadline_ns) {
    ++t.undecided;
    line += "; the service window ended " + ms(end - *r.death_ns) + " after the death, before the deadline";
  } else if (fault_is_late(h, s, i)) {
    // Black-box readiness rests on answered requests: after the load's end a replacement cannot be seen ready.
    ++t.undecided;
    line += "; not back to " + std::to_string(h.target.workers) + " ready workers, but the load ended " +
            (h.load_end_ns > *r.death_ns ? ms(h.load_end_ns - *r.death_ns) + " after the death" : "before the death") +
            ", within the deadline (the fault came late)";
  } else {
    ++t.failed;
    line += "; never back to " + std::to_string(h.target.workers) + " ready workers (" +
            std::to_string(ready_workers_at(h, end)) + " at the end of the run)";
  }
  t.evidence.push_back(line);
}

// A storm's kills are judged once, from its last kill: during the storm no replacement can live.
bool later_storm_kill(const History& h, std::size_t i) {
  return h.faults[i].kind == FaultKind::kill_new_workers &&
         std::any_of(h.faults.begin() + static_cast<long>(i) + 1, h.faults.end(),
                     [](const FaultRecord& f) { return f.kind == FaultKind::kill_new_workers; });
}

void judge_fault(const History& h, const Scenario& s, std::size_t i, mono_ns deadline_ns, RestoreTally& t) {
  const FaultRecord& f = h.faults[i];
  if (targets_primary(f.kind)) {
    t.evidence.push_back(fault_label(h, i) + ": aimed at the primary, nothing to restore");
  } else if (touches_file(f.kind)) {
    const std::string cannot = file_fault_cannot_act(h, f);
    t.evidence.push_back(fault_label(h, i) + ": " + (cannot.empty() ? f.note : cannot));
  } else if (later_storm_kill(h, i)) {
    return;  // judged with the storm's last kill
  } else if (f.kind == FaultKind::stop_worker && f.confirmed_ns) {
    judge_recovery(h, s, i, deadline_ns, t);  // a hung worker is not ready: it must be replaced
  } else if (f.death_seen_ns) {
    judge_recovery(h, s, i, deadline_ns, t);
  } else if (expects_death(f)) {
    // A fault that did not happen is reported, never assumed: the run did not test what it meant to.
    ++t.undecided;
    t.evidence.push_back(fault_label(h, i) + ": did not happen, no victim death was seen" +
                         (f.note.empty() ? "" : " (" + f.note + ")"));
  } else {
    t.evidence.push_back(fault_label(h, i) + ": no victim died, nothing to restore");
  }
}

// What "ready" rests on in this run: the count is only as good as this.
std::string readiness_basis(const History& h) {
  const std::string stopped = "; a worker seen stopped by a stop_worker fault is not ready until seen running again";
  const std::string sources =
      h.target.kernel_attribution
          ? "the first look that found it waiting on the listening socket (or holding a connection), or the end of the "
            "first request it answered (its pid from X-Worker-Pid, else from the kernel's owner of the connection)"
          : "the end of the first request it answered (its pid from X-Worker-Pid)";
  if (h.target.white_box) return "ready: the earliest of the worker's own ready event (white-box), " + sources + stopped;
  return "ready: the earliest of " + sources +
         " (black-box: a worker counts as ready from then until it exits or is seen stopped; a worker hung without "
         "being stopped by the harness is not detected)" + stopped;
}

// Readiness can be seen at all: refcluster's events, the kernel, or some request's X-Worker-Pid.
bool readiness_observable(const History& h) {
  if (h.target.white_box || h.target.kernel_attribution) return true;
  for (const auto& r : h.requests)
    if (r.worker_pid != 0) return true;
  return false;
}

}  // namespace

PropertyResult check_workers_restored(const History& h, const Scenario& s) {
  const Property p = Property::workers_restored;
  if (h.target.workers < 1) return result(p, Verdict::unknown, "N (the target's worker count) is not known");
  if (!readiness_observable(h))
    return result(p, Verdict::unknown,
                  "readiness could not be observed: no refcluster events, no X-Worker-Pid in any answer, and the "
                  "kernel's socket tables (sock_diag) could not be read");
  const auto deadline_ns = seconds_to_ns(s.recovery_deadline_s);
  RestoreTally t;
  t.evidence.push_back(readiness_basis(h));
  for (std::size_t i = 0; i < h.faults.size(); ++i) judge_fault(h, s, i, deadline_ns, t);
  const std::string n = std::to_string(h.target.workers);
  if (t.failed > 0)
    return result(p, Verdict::fail,
                  std::to_string(t.failed) + " fault(s) not followed by " + n + " ready workers within " + ms(deadline_ns),
                  std::move(t.evidence));
  if (t.undecided > 0)
    return result(p, Verdict::unknown, std::to_string(t.undecided) + " fault(s) could not be judged",
                  std::move(t.evidence));
  if (t.recovered == 0)
    return result(p, Verdict::unknown, "no fault killed or stopped a worker: nothing to judge", std::move(t.evidence));
  return result(p, Verdict::pass,
                std::to_string(t.recovered) + " fault(s), each followed by " + n + " ready workers within " +
                    ms(deadline_ns) + " (slowest " + ms(t.worst_ns) + ")",
                std::move(t.evidence));
}

PropertyResult check_no_overshoot(const History& h, const Scenario&) {
  const Property p = Property::no_overshoot;
  const int n = h.target.workers;
  if (n < 1) return result(p, Verdict::unknown, "N (the target's worker count) is not known");
  std::vector<mono_ns> forks;
  // The window ends at service_end_ns: what the tree does while it is being stopped (a primary
  // gone, its orphans reparented) is no_orphans' business, not a count of serving workers.
  const mono_ns end = service_end_ns(h);
  for (const auto& w : h.workers)
    if (w.fork_ns < end) forks.push_back(w.fork_ns);
  std::sort(forks.begin(), forks.end());
  const auto startup = std::find_if(forks.begin(), forks.end(), [&](mono_ns t) { return live_workers_at(h, t) >= n; });
  // A count that never reached N cannot say whether the target would have gone past it.
  if (startup == forks.end())
    return result(p, Verdict::unknown, "the live count never reached N = " + std::to_string(n) + ": nothing to judge");
  std::vector<std::string> evidence;
  int worst = n;
  for (auto it = startup; it != forks.end(); ++it) {
    const int live = live_workers_at(h, *it);
    if (live <= n) continue;
    worst = std::max(worst, live);
    if (evidence.size() >= kMaxQuoted) continue;
    std::vector<pid_t> pids;
    for (const auto& w : h.workers)
      if (w.fork_ns <= *it && (!w.exit_ns || *w.exit_ns > *it)) pids.push_back(w.pid);
    evidence.push_back("at " + at_ms(h, *it) + ": " + std::to_string(live) + " live workers: " + pid_list(pids));
  }
  if (evidence.empty() && !sees_every_fork(h))
    return result(p, Verdict::unknown, "the live count never exceeded N = " + std::to_string(n) + " " + kSampledCaveat);
  if (evidence.empty())
    return result(p, Verdict::pass,
                  "after start-up (" + at_ms(h, *startup) + ") the live count never exceeded N = " + std::to_string(n));
  return result(p, Verdict::fail, "the live count reached " + std::to_string(worst) + " > N = " + std::to_string(n),
                std::move(evidence));
}

PropertyResult check_primary_alive(const History& h, const Scenario&) {
  const Property p = Property::primary_alive;
  if (h.target.primary_pid == 0) return result(p, Verdict::unknown, "the primary's pid is not known");
  const std::string who = "the primary (pid " + std::to_string(h.target.primary_pid) + ")";
  if (!h.stop.primary_exited_during_run) return result(p, Verdict::pass, who + " was alive until the harness stopped it");
  // Only a primary fault sent at or before the death excuses it: a primary that died on its own
  // before the scheduled kill has failed.
  const mono_ns exit_ns = h.stop.primary_exit_ns.value_or(INT64_MAX);
  const bool planned = std::any_of(h.faults.begin(), h.faults.end(), [&](const FaultRecord& f) {
    return targets_primary(f.kind) && f.sent_ns > 0 && f.sent_ns <= exit_ns;
  });
  std::string how = h.stop.primary_exit_ns ? " at " + at_ms(h, *h.stop.primary_exit_ns) : std::string();
  how += h.stop.primary_exit_signal ? " (" + signal_name(h.stop.primary_exit_signal) + ")"
                                    : " (status " + std::to_string(h.stop.primary_exit_status) + ")";
  if (planned) return result(p, Verdict::pass, who + " exited" + how + ", as the scenario's primary fault intended");
  return result(p, Verdict::fail, who + " exited during the run" + how, {who + " exited" + how});
}

// The figure applied is the scenario's orphan_grace_s, as the launcher recorded it; the figure
// observed is how long after the primary's exit the survivors were still alive.
PropertyResult check_no_orphans(const History& h, const Scenario&) {
  const Property p = Property::no_orphans;
  if (!h.stop.orphan_check_done)
    return result(p, Verdict::unknown, "the orphan check was not done" + (h.stop.note.empty() ? "" : ": " + h.stop.note));
  char grace[48];
  std::snprintf(grace, sizeof grace, "%.2f s (orphan_grace_s)", h.stop.orphan_grace_ms / 1000.0);
  if (h.stop.survivors.empty())
    return result(p, Verdict::pass, std::string("nothing of the target's tree outlived the primary by more than ") + grace);
  std::string summary = std::to_string(h.stop.survivors.size()) + " process(es) outlived the primary by more than " + grace;
  if (h.stop.primary_exit_ns && h.stop.orphan_check_ns > *h.stop.primary_exit_ns) {
    char seen[64];
    std::snprintf(seen, sizeof seen, ": still alive %.2f s after its exit", ns_to_ms(h.stop.orphan_check_ns - *h.stop.primary_exit_ns) / 1000.0);
    summary += seen;
  }
  std::vector<std::string> evidence{"survivors: " + pid_list(h.stop.survivors)};
  for (std::size_t i = 0; i < h.stop.survivors.size(); ++i) {
    const std::string cmd = i < h.stop.survivor_commands.size() ? h.stop.survivor_commands[i] : std::string();
    evidence.push_back("pid " + std::to_string(h.stop.survivors[i]) + ": " + (cmd.empty() ? "(command line not read)" : cmd));
  }
  return result(p, Verdict::fail, summary, std::move(evidence));
}

}  // namespace forkcheck::harness::detail
