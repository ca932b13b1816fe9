#include "harness/faults/faults_driver.hpp"

#include <algorithm>
#include <iterator>

namespace forkcheck::harness {

std::string resolve_fault_path(const std::string& path, const std::string& crash_file) {
  std::string out = path;
  const std::string key(kCrashFilePlaceholder);
  for (auto at = out.find(key); at != std::string::npos; at = out.find(key, at + crash_file.size()))
    out.replace(at, key.size(), crash_file);
  return out;
}

mono_ns load_end_covering(mono_ns planned_end, const std::vector<FaultRecord>& faults, mono_ns recovery_ns) {
  mono_ns end = planned_end;
  for (const FaultRecord& f : faults) {
    // The primary's faults end the run; nothing of theirs is recovered under load.
    if (f.sent_ns == 0 || f.kind == FaultKind::kill_primary || f.kind == FaultKind::term_primary) continue;
    end = std::max(end, f.sent_ns + recovery_ns);
  }
  return end;
}

FaultDriver::FaultDriver(const Scenario& scenario, std::uint64_t seed, FaultTargets targets)
    : plan_(plan_faults(scenario, seed)), targets_(std::move(targets)) {
  for (PlannedFault& f : plan_) f.path = resolve_fault_path(f.path, targets_.crash_file);
}

mono_ns FaultDriver::last_offset_ns() const {
  mono_ns last = 0;
  for (const PlannedFault& f : plan_) last = std::max(last, f.offset_ns + f.window_ns);
  return last;
}

void FaultDriver::fire_due(mono_ns load_start_ns, mono_ns now, const std::vector<pid_t>& live,
                           std::vector<FaultRecord>& out) {
  // Storm kills first: a storm's victims are workers forked since the last tick.
  kill_newcomers(now, live, out);
  while (next_ < plan_.size() && load_start_ns + plan_[next_].offset_ns <= now) {
    const PlannedFault& fault = plan_[next_++];
    if (fault.kind == FaultKind::kill_new_workers) {
      start_storm(fault, now, live);
      continue;
    }
    out.push_back(inject(fault, not_killed(live), targets_.primary, targets_.port,
                         targets_.confirm_timeout_ns, load_start_ns + fault.offset_ns));
    remember_deaths(out.back());
  }
}

std::vector<pid_t> FaultDriver::not_killed(const std::vector<pid_t>& live) const {
  std::vector<pid_t> out;
  std::copy_if(live.begin(), live.end(), std::back_inserter(out), [this](pid_t p) { return !killed_.count(p); });
  return out;
}

void FaultDriver::remember_deaths(const FaultRecord& rec) {
  if (rec.death_seen_ns) killed_.insert(rec.victims.begin(), rec.victims.end());
}

void FaultDriver::start_storm(const PlannedFault& fault, mono_ns now, const std::vector<pid_t>& live) {
  const int number = static_cast<int>(storms_.size()) + 1;
  storms_.push_back(Storm{number, now + fault.window_ns, std::set<pid_t>(live.begin(), live.end())});
}

// A newcomer is killed once, by the oldest storm still raging that has not spared it; every storm
// raging then spares it from then on, so overlapping storms never aim twice at the same worker.
void FaultDriver::kill_newcomers(mono_ns now, const std::vector<pid_t>& live, std::vector<FaultRecord>& out) {
  for (pid_t pid : live) {
    Storm* killer = nullptr;
    for (Storm& storm : storms_) {
      if (now >= storm.end_ns || !storm.spared.insert(pid).second) continue;
      if (!killer) killer = &storm;
    }
    if (!killer) continue;
    PlannedFault kill;
    kill.kind = FaultKind::kill_new_workers;
    kill.signal = SIGKILL;
    kill.victim = VictimSelector::all;
    out.push_back(inject(kill, {pid}, targets_.primary, targets_.port, targets_.confirm_timeout_ns));
    out.back().storm = killer->number;
    remember_deaths(out.back());
  }
}

}  // namespace forkcheck::harness
