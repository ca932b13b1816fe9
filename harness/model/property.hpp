#pragma once
// The properties forkcheck checks (their definitions: docs/design.md). Their string forms are
// stable: they are the JUnit test case names, the report's verdict rows and the scenario file's
// `properties:` entries.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace forkcheck::harness {

enum class Property {
  workers_restored,
  no_overshoot,
  no_dropped_requests,
  service_available,
  primary_alive,
  no_orphans,
  steps_match_walkthrough,
  bounded_restarts,  // fork rate under the scenario's max_forks_per_s; N ready again once deaths stop
  graceful_stop,     // SIGTERM to the primary (term_primary): it exits 0 within stop_grace_s
  graceful_worker_stop,  // SIGTERM to a worker (term_worker): it exits 0, or of that SIGTERM
  no_worker_crash_on_input,  // no worker died by a signal or non-zero status that no harness fault caused
  // Thresholds: checked only when the scenario's `thresholds:` sets their bound.
  recovery_latency_p99,  // p99 latency of the load's requests during recovery windows <= recovery_latency_p99_ms
  failed_request_ratio,  // failed / all load requests in the service window <= failed_ratio_max
  recovery_time,         // each fault's recovery (death to N ready again) <= recovery_ms_max
};

std::string_view to_string(Property p);
std::optional<Property> property_from_string(std::string_view name);
const std::vector<Property>& all_properties();
// One line saying what the property demands (`forkcheck list`); docs/design.md section 6 is exact.
std::string_view property_summary(Property p);

// Three-valued, as Jepsen's checkers: unknown when the checker could not decide.
enum class Verdict { pass, fail, unknown };
std::string_view to_string(Verdict v);
std::optional<Verdict> verdict_from_string(std::string_view name);

struct PropertyResult {
  Property property{};
  Verdict verdict = Verdict::unknown;
  std::string summary;                // one line
  std::vector<std::string> evidence;  // which fault, which requests, which instants
};

}  // namespace forkcheck::harness
