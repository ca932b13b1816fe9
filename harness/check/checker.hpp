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
//    started outside it (probes refused during start-up, requests after the stop).
//  - A recovery whose deadline had not passed when the run ended is `unknown`.
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

// The index of the fault that excuses this failed request, if any: the request failed on a
// connection a killed worker itself held when it was killed (its client port is among the fault's
// victim_client_ports, the connection was opened at or before the signal, and the failure came at
// or after it). Connections still in an accept queue are not in victim_client_ports, so never excused.
std::optional<std::size_t> excusing_fault(const History& h, const RequestRecord& r);

}  // namespace forkcheck::harness
