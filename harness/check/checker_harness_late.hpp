#pragma once
// The harness-lateness rule (docs/design.md, sections 5 and 6): a pure pass over the checker's results,
// applied after check(). When forkcheck itself was late -- a stall of its own run loop's tick or of
// its scheduling probe, History::harness_health -- by more than kHarnessLateFraction of a timing bound
// while that bound was being judged, the `fail` that rests on that bound becomes `unknown` with the
// reason: the machine (or a SIGSTOP), not the target, may have made it. Verdicts that do not rest on
// time (a refused connection, an overshoot, an orphan, a primary's death, a bad status or body) stay
// decided, and so does a timing fail the stalls do not explain; a pass stays a pass.
#include <optional>
#include <string>
#include <vector>

#include "harness/model/history.hpp"
#include "harness/model/property.hpp"
#include "harness/model/scenario.hpp"

namespace forkcheck::harness {

// A stall explains a timing fail when it covers more than this share of the bound being judged.
inline constexpr double kHarnessLateFraction = 0.25;

// The longest stall of the harness overlapping [from, from + bound_ns), when that overlap is more than
// kHarnessLateFraction of bound_ns; HarnessStall::window is the whole stall.
std::optional<HarnessStall> harness_late_during(const History& h, mono_ns from, mono_ns bound_ns);

// The run's smallest timing bound (the load's timeout, recovery_deadline_s, stop_grace_s with a
// term_primary fault, the recovery_ms_max and recovery_latency_p99_ms thresholds), and the worst stall
// when it is longer than kHarnessLateFraction of that bound: the harness was late enough to matter
// somewhere ("bad", said on the console). Empty otherwise or when not measured.
std::optional<HarnessStall> harness_was_late(const History& h, const Scenario& s);

// "the harness's probe was 312.4 ms late (+1523.4 ms to +1835.8 ms)"
std::string describe_stall(const History& h, const HarnessStall& stall);

// The rule: each `fail` of workers_restored, recovery_time, bounded_restarts (its recovery), graceful_stop, no_dropped_requests,
// service_available, failed_request_ratio and recovery_latency_p99 that the harness's stalls explain
// becomes `unknown`; every other result is returned as given.
std::vector<PropertyResult> with_harness_lateness(std::vector<PropertyResult> results, const History& h,
                                                  const Scenario& s);

}  // namespace forkcheck::harness
