#pragma once
// The checker: the properties (defined in docs/design.md) over a recorded History. Pure. Each
// property is checked on its own and "check-safe" (as Jepsen's checkers): a property whose checker
// throws or lacks the data to decide gets Verdict::unknown with the reason, never a crash of the run.
//
// Decisions (also in reports/README.md):
//  - A fault meant to kill workers whose death was never seen did not happen: workers_restored
//    reports it and is `unknown` (the run did not exercise what it meant to), never `pass`.
//  - The service window runs from the first accepted connection (target.listening_ns) to the stop
//    (or a fault aimed at the primary): no_dropped_requests and service_available ignore requests
//    sent outside it (probes refused during start-up, requests the load sent after the stop).
//  - A recovery whose deadline had not passed when the run ended is `unknown`.
//  - N must hold, not touch: a death no fault caused that leaves fewer than N ready is judged as a
//    fault's recovery is (workers_restored), and named in its evidence.
//  - steps_match_walkthrough is checked only for walkthrough scenarios; otherwise it is omitted.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/exit_code.hpp"
#include "harness/model/history.hpp"
#include "harness/model/property.hpp"
#include "harness/model/scenario.hpp"

namespace forkcheck::harness {

// One result per property to check (properties_to_check(s)), in that order.
std::vector<PropertyResult> check(const History& h, const Scenario& s);

// One property, check-safe.
PropertyResult check_property(Property p, const History& h, const Scenario& s);

// Any fail: violated (1); else any unknown: undecided (3); else ok (0).
ExitCode exit_code_for(const std::vector<PropertyResult>& results);

// For a run whose N workers were never ready (a crash loop at start-up): every result that rests on a
// service window (all but bounded_restarts, no_overshoot, primary_alive and no_orphans) becomes
// unknown, its summary saying `why`; the others stand as checked.
std::vector<PropertyResult> without_service_window(std::vector<PropertyResult> results, const std::string& why);

// The one rule that excuses a failed request (docs/design.md, section 5): the checker, the report and
// every message that says why a failure was or was not excused ask it. A failure is excused when it
// is a lost connection (reset, eof, timeout, bad_response, other) on a connection a fault's victim
// held when the fault froze or stopped it (its client port is among the fault's
// victim_client_ports, opened at or before the signal), and it failed inside that fault's excuse:
//  - a kill (meant to kill, not a SIGTERM) whose victims were all seen dead: from their death (the
//    earliest of the fault's death instant and its victims' exits at or after the signal, less
//    kDeathStampSlack, never before the signal) to the fault's death instant + recovery_deadline_s;
//  - a stop_worker whose victims were seen stopped: from the signal until one of them is seen running
//    again (a later cont_worker), or, once every victim died, recovery_deadline_s after the last death.
// A SIGTERM (term_worker, kill_worker SIGTERM) excuses nothing: a terminated worker must drain. A
// connection still in an accept queue belongs to no worker (its port was never recorded).
struct Excuse {
  std::optional<std::size_t> fault;  // the fault that excuses the failure
  std::string why_not;               // when it is a failure not excused: why (for the evidence)
};
Excuse judge_excuse(const History& h, const Scenario& s, const RequestRecord& r);
// judge_excuse(h, s, r).fault.
std::optional<std::size_t> excusing_fault(const History& h, const Scenario& s, const RequestRecord& r);

// A dying process's sockets are closed (its connections reset) before the kernel reports its exit,
// and the load and the observer stamp instants on different threads: a failure caused by a death can
// be stamped this much before the death recorded for it (as wire/'s kInFlightSlack).
inline constexpr mono_ns kDeathStampSlack = ms_to_ns(20);

}  // namespace forkcheck::harness
