#include "harness/model/property.hpp"

#include <array>
#include <utility>

#include "common/name_table.hpp"

namespace forkcheck::harness {
namespace {

// One table, one string form per property: the names are part of the JUnit and report.json contract.
constexpr NameTable<Property, 14> kPropertyNames{{
    {Property::workers_restored, "workers_restored"},
    {Property::no_overshoot, "no_overshoot"},
    {Property::no_dropped_requests, "no_dropped_requests"},
    {Property::service_available, "service_available"},
    {Property::primary_alive, "primary_alive"},
    {Property::no_orphans, "no_orphans"},
    {Property::steps_match_walkthrough, "steps_match_walkthrough"},
    {Property::bounded_restarts, "bounded_restarts"},
    {Property::graceful_stop, "graceful_stop"},
    {Property::graceful_worker_stop, "graceful_worker_stop"},
    {Property::no_worker_crash_on_input, "no_worker_crash_on_input"},
    {Property::recovery_latency_p99, "recovery_latency_p99"},
    {Property::failed_request_ratio, "failed_request_ratio"},
    {Property::recovery_time, "recovery_time"},
}};

// One line each, for `forkcheck list`: what a pass means, in the words of docs/design.md section 6.
constexpr NameTable<Property, 14> kPropertySummaries{{
    {Property::workers_restored, "after each fault, N ready workers are back within recovery_deadline_s"},
    {Property::no_overshoot, "after start-up, never more than N workers live at a fork"},
    {Property::no_dropped_requests, "no load request in the service window failed, except on a killed worker's connections"},
    {Property::service_available, "no request or probe was refused or timed out (unexcused) in the service window"},
    {Property::primary_alive, "the primary lived until the harness stopped it (or until a fault aimed at it)"},
    {Property::no_orphans, "no process of the target's tree outlived the primary by more than orphan_grace_s"},
    {Property::steps_match_walkthrough, "the observed execution table matches the walkthrough's, row by row (walkthrough: true)"},
    {Property::bounded_restarts, "at most max_forks_per_s forks in any second, and N ready again once deaths stop"},
    {Property::graceful_stop, "after term_primary's stop_signal the primary exits 0 (or drains, then dies of it) within stop_grace_s"},
    {Property::graceful_worker_stop, "a worker sent SIGTERM (term_worker) exits 0 or of that SIGTERM, not otherwise"},
    {Property::no_worker_crash_on_input, "no worker died of a signal or non-zero status no harness fault caused (wire_fuzz)"},
    {Property::recovery_latency_p99, "threshold: p99 latency of load requests in recovery windows <= recovery_latency_p99_ms"},
    {Property::failed_request_ratio, "threshold: failed / all load requests in the service window <= failed_ratio_max"},
    {Property::recovery_time, "threshold: every fault's recovery (death to N ready) <= recovery_ms_max"},
}};

}  // namespace

std::string_view property_summary(Property p) { return name_in(kPropertySummaries, p).value_or(""); }

std::string_view to_string(Property p) {
  return name_in(kPropertyNames, p).value_or("unknown_property");
}

std::optional<Property> property_from_string(std::string_view name) {
  return value_named(kPropertyNames, name);
}

const std::vector<Property>& all_properties() {
  static const std::vector<Property> all = values_of(kPropertyNames);
  return all;
}

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::pass: return "pass";
    case Verdict::fail: return "fail";
    case Verdict::unknown: return "unknown";
  }
  return "unknown";
}

std::optional<Verdict> verdict_from_string(std::string_view name) {
  for (Verdict v : {Verdict::pass, Verdict::fail, Verdict::unknown})
    if (to_string(v) == name) return v;
  return std::nullopt;
}

}  // namespace forkcheck::harness
