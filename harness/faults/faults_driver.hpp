#pragma once
// When the run fires its faults: the seeded plan's occurrences as they fall due, and the storms
// (kill_new_workers), which watch the observer's live set and SIGKILL every worker that was not
// there when the storm began, the moment the run loop sees it. Owns no thread: the run loop calls
// fire_due() on every tick with the observer's live workers.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "harness/faults/faults.hpp"

namespace forkcheck::harness {

struct FaultTargets {
  pid_t primary = 0;
  std::uint16_t port = 0;
  std::string crash_file;                    // replaces {crash_file} in file faults' paths
  mono_ns confirm_timeout_ns = ms_to_ns(2000);  // how long a fault waits to see its effect
};

// Pure. The load's end that observes every sent fault's recovery under load: `planned_end` (from
// the planned offsets), or later when a fault aimed at workers went out late — its victims slow to
// stop for the freeze on a starved CPU, the run's loop itself descheduled — so that its sent instant
// + `recovery_ns` still falls within the load, as the plan meant it to.
mono_ns load_end_covering(mono_ns planned_end, const std::vector<FaultRecord>& faults, mono_ns recovery_ns);

// `{crash_file}` in `path` replaced by `crash_file`.
std::string resolve_fault_path(const std::string& path, const std::string& crash_file);

class FaultDriver {
 public:
  FaultDriver(const Scenario& scenario, std::uint64_t seed, FaultTargets targets);

  bool empty() const { return plan_.empty(); }
  // From the load's start: when the last occurrence fires or the last storm ends.
  mono_ns last_offset_ns() const;
  // From the load's start: when the next planned fault fires; empty when none is left.
  std::optional<mono_ns> next_offset_ns() const {
    return next_ < plan_.size() ? std::optional<mono_ns>(plan_[next_].offset_ns) : std::nullopt;
  }
  // Fires what is due at `now` and the storms' kills; appends one record per fault or storm kill.
  void fire_due(mono_ns load_start_ns, mono_ns now, const std::vector<pid_t>& live, std::vector<FaultRecord>& out);

 private:
  struct Storm {
    int number = 0;          // 1, 2, ... in the order the storms began: FaultRecord::storm
    mono_ns end_ns = 0;
    std::set<pid_t> spared;  // alive when the storm began, or already killed (by this storm or another)
  };
  void start_storm(const PlannedFault& fault, mono_ns now, const std::vector<pid_t>& live);
  void kill_newcomers(mono_ns now, const std::vector<pid_t>& live, std::vector<FaultRecord>& out);
  std::vector<pid_t> not_killed(const std::vector<pid_t>& live) const;
  void remember_deaths(const FaultRecord& rec);

  std::vector<PlannedFault> plan_;
  std::size_t next_ = 0;
  FaultTargets targets_;
  std::vector<Storm> storms_;
  // Victims whose death a fault confirmed (by pidfd). `live` is the observer's list as of the tick's
  // start and the observer sees a death a moment after the pidfd does: a second fault due in the
  // same tick, or in the next one, must not aim at a worker already killed.
  std::set<pid_t> killed_;
};

}  // namespace forkcheck::harness
