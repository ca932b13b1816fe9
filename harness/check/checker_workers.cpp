// Properties about the worker set and the primary: workers_restored, no_overshoot, primary_alive,
// no_orphans.
#include <algorithm>
#include <cstdint>

#include "harness/check/checker_properties.hpp"
#include "harness/model/pid_list.hpp"

namespace forkcheck::harness::detail {
namespace {

struct RestoreTally {
  std::vector<std::string> evidence;
  int failed = 0, undecided = 0, recovered = 0;  // faults judged by their recovery
  int drops_failed = 0, drops_undecided = 0, drops_recovered = 0;  // deaths no fault caused
  mono_ns worst_ns = 0;
};

void judge_recovery(const History& h, const Scenario& s, std::size_t i, mono_ns deadline_ns, RestoreTally& t) {
  const FaultRecord& f = h.faults[i];
  const FaultRecovery r = recovery_after(h, i);
  const char* lost = f.kind == FaultKind::stop_worker ? " hung at " : " died at ";
  std::string line = fault_label(h, i) + ": victim " + pid_list(f.victims) + lost + at_ms(h, *r.death_ns);
  if (f.storm) line += " (the last kill of storm " + std::to_string(f.storm) + ")";
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

void judge_fault(const History& h, const Scenario& s, std::size_t i, mono_ns deadline_ns, RestoreTally& t) {
  const FaultRecord& f = h.faults[i];
  if (targets_primary(f.kind)) {
    t.evidence.push_back(fault_label(h, i) + ": aimed at the primary, nothing to restore");
  } else if (touches_file(f.kind)) {
    const std::string cannot = file_fault_cannot_act(h, f);
    t.evidence.push_back(fault_label(h, i) + ": " + (cannot.empty() ? f.note : cannot));
  } else if (later_kill_of_the_same_storm(h, i)) {
    return;  // judged with its storm's last kill
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

// N must hold, not touch: a death no fault caused (fault_behind_death), inside the service window
// after start-up (the first instant with N ready) and before the primary's own exit, that leaves
// fewer than N ready must be followed by N ready workers within the deadline, as a fault's is. Whatever the cause: a replacement that
// crashes, a worker that gives up, a primary that lets a slot go.
void judge_deaths_no_fault_caused(const History& h, mono_ns deadline_ns, RestoreTally& t) {
  const int n = h.target.workers;
  // A primary gone during the run takes its workers with it: primary_alive's business, not theirs.
  const mono_ns end = service_end_ns(h);
  const mono_ns deaths_until =
      std::min(end, h.stop.primary_exited_during_run && h.stop.primary_exit_ns ? *h.stop.primary_exit_ns : INT64_MAX);
  const std::optional<mono_ns> up = first_full_ready(h, h.target.launch_ns);
  if (!up) return;  // start-up never completed: nothing held, nothing to drop
  const std::vector<ReadyCount> counts = ready_counts(h, *up, end);
  const auto count_at = [&counts](mono_ns t) {  // the step at or before t
    auto it = std::upper_bound(counts.begin(), counts.end(), t, [](mono_ns v, const ReadyCount& c) { return v < c.t; });
    return it == counts.begin() ? counts.end() : it - 1;
  };
  std::size_t quoted = 0, unquoted = 0;
  for (const WorkerLifetime& w : h.workers) {
    if (!w.exit_ns || *w.exit_ns < *up || *w.exit_ns >= deaths_until || fault_behind_death(h, w)) continue;
    const mono_ns d = *w.exit_ns;
    const auto at_death = count_at(d);
    if (at_death == counts.end() || at_death->ready >= n) continue;  // N still ready: nothing dropped
    const auto back = std::find_if(at_death, counts.end(), [n](const ReadyCount& c) { return c.ready >= n; });
    std::string line = "worker " + std::to_string(w.pid) + " " + exit_text(w) + " at " + at_ms(h, d) +
                       ", no fault's doing: " + std::to_string(at_death->ready) + " of " + std::to_string(n) +
                       " ready from then";
    if (back != counts.end() && back->t - d <= deadline_ns) {
      ++t.drops_recovered;
      line += "; " + std::to_string(n) + " ready again at " + at_ms(h, back->t) + ", " + ms(back->t - d) + " later";
    } else if (back != counts.end()) {
      ++t.drops_failed;
      line += " to " + at_ms(h, back->t) + ": " + ms(back->t - d) + ", over the deadline of " + ms(deadline_ns);
    } else if (end - d < deadline_ns) {
      ++t.drops_undecided;
      line += "; the service window ended " + ms(end - d) + " later, before the deadline";
    } else if (h.load_end_ns > 0 && h.load_end_ns < d + deadline_ns) {
      ++t.drops_undecided;  // black-box readiness rests on answered requests, as for a late fault
      line += "; not back to " + std::to_string(n) + " ready workers, but the load ended within the deadline";
    } else {
      ++t.drops_failed;
      line += " to the end of the window (" + at_ms(h, end) + "): never back to " + std::to_string(n) +
              " ready workers (" + std::to_string(counts.back().ready) + " at the end)";
    }
    if (quoted++ < kMaxQuoted) t.evidence.push_back(line);
    else ++unquoted;
  }
  if (unquoted > 0) t.evidence.push_back("and " + std::to_string(unquoted) + " more death(s) no fault caused");
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

std::string failures_text(const RestoreTally& t, const std::string& n, mono_ns deadline_ns) {
  std::string out;
  if (t.failed > 0) out = std::to_string(t.failed) + " fault(s) not followed by " + n + " ready workers within " + ms(deadline_ns);
  if (t.drops_failed > 0)
    out += (out.empty() ? "" : "; ") + std::to_string(t.drops_failed) + " death(s) no fault caused left fewer than " + n +
           " ready workers for longer than " + ms(deadline_ns);
  return out;
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
  judge_deaths_no_fault_caused(h, deadline_ns, t);
  const std::string n = std::to_string(h.target.workers);
  if (t.failed + t.drops_failed > 0) return result(p, Verdict::fail, failures_text(t, n, deadline_ns), std::move(t.evidence));
  if (t.undecided + t.drops_undecided > 0) {
    std::string summary = t.undecided ? std::to_string(t.undecided) + " fault(s) could not be judged" : "";
    if (t.drops_undecided)
      summary += (summary.empty() ? "" : "; ") + std::to_string(t.drops_undecided) +
                 " death(s) no fault caused could not be judged";
    return result(p, Verdict::unknown, summary, std::move(t.evidence));
  }
  // Deaths no fault caused can fail the property, never pass it: it is about recovery from faults.
  if (t.recovered == 0)
    return result(p, Verdict::unknown, "no fault killed or stopped a worker: nothing to judge", std::move(t.evidence));
  std::string summary = std::to_string(t.recovered) + " fault(s), each followed by " + n + " ready workers within " +
                        ms(deadline_ns) + " (slowest " + ms(t.worst_ns) + ")";
  if (t.drops_recovered)
    summary += "; " + std::to_string(t.drops_recovered) + " death(s) no fault caused, each followed by " + n +
               " ready workers within the deadline";
  return result(p, Verdict::pass, summary, std::move(t.evidence));
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
