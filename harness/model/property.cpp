#include "harness/model/property.hpp"

#include <array>
#include <utility>

#include "common/name_table.hpp"

namespace forkcheck::harness {
namespace {

// One table, one string form per property: the names are part of the JUnit and report.json contract.
constexpr NameTable<Property, 13> kPropertyNames{{
    {Property::workers_restored, "workers_restored"},
    {Property::no_overshoot, "no_overshoot"},
    {Property::no_dropped_requests, "no_dropped_requests"},
    {Property::service_available, "service_available"},
    {Property::primary_alive, "primary_alive"},
    {Property::no_orphans, "no_orphans"},
    {Property::steps_match_walkthrough, "steps_match_walkthrough"},
    {Property::bounded_restarts, "bounded_restarts"},
    {Property::graceful_stop, "graceful_stop"},
    {Property::no_worker_crash_on_input, "no_worker_crash_on_input"},
    {Property::recovery_latency_p99, "recovery_latency_p99"},
    {Property::failed_request_ratio, "failed_request_ratio"},
    {Property::recovery_time, "recovery_time"},
}};

}  // namespace

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
