// The scenario's `thresholds:` map: its keys, and errors naming file, line and field.
#include <gtest/gtest.h>

#include <algorithm>

#include "harness/model/scenario.hpp"

namespace forkcheck::harness {
namespace {

std::string error_of(const std::string& yaml) {
  const auto result = parse_scenario(yaml, "t.yaml");
  if (std::holds_alternative<Scenario>(result)) return "accepted";
  return std::get<ScenarioError>(result).to_string();
}

TEST(ScenarioThresholds, EveryKeyIsRead) {
  const auto result = parse_scenario(
      "thresholds:\n  recovery_latency_p99_ms: 250\n  failed_ratio_max: 0.01\n  recovery_ms_max: 800\n", "t.yaml");
  ASSERT_TRUE(std::holds_alternative<Scenario>(result)) << std::get<ScenarioError>(result).to_string();
  const Scenario& s = std::get<Scenario>(result);
  EXPECT_EQ(s.thresholds.recovery_latency_p99_ms, 250);
  EXPECT_EQ(s.thresholds.failed_ratio_max, 0.01);
  EXPECT_EQ(s.thresholds.recovery_ms_max, 800);
  const auto checked = properties_to_check(s);
  for (Property p : {Property::recovery_latency_p99, Property::failed_request_ratio, Property::recovery_time})
    EXPECT_EQ(std::count(checked.begin(), checked.end(), p), 1) << to_string(p);
}

TEST(ScenarioThresholds, UnsetThresholdsAreNotChecked) {
  const auto result = parse_scenario("thresholds:\n  recovery_ms_max: 800\n", "t.yaml");
  ASSERT_TRUE(std::holds_alternative<Scenario>(result));
  const auto checked = properties_to_check(std::get<Scenario>(result));
  EXPECT_EQ(std::count(checked.begin(), checked.end(), Property::recovery_time), 1);
  EXPECT_EQ(std::count(checked.begin(), checked.end(), Property::failed_request_ratio), 0);
  EXPECT_EQ(std::count(checked.begin(), checked.end(), Property::recovery_latency_p99), 0);
}

TEST(ScenarioThresholds, ListedWithItsBoundIsCheckedOnce) {
  const auto result =
      parse_scenario("thresholds:\n  failed_ratio_max: 0\nproperties: [failed_request_ratio, no_orphans]\n", "t.yaml");
  ASSERT_TRUE(std::holds_alternative<Scenario>(result)) << std::get<ScenarioError>(result).to_string();
  EXPECT_EQ(properties_to_check(std::get<Scenario>(result)),
            (std::vector<Property>{Property::failed_request_ratio, Property::no_orphans}));
}

TEST(ScenarioThresholds, BadValuesNameFileLineAndField) {
  EXPECT_EQ(error_of("name: x\nthresholds:\n  recovery_ms: 5\n"),
            "t.yaml:3: thresholds.recovery_ms: unknown key (expected one of: recovery_latency_p99_ms, failed_ratio_max, "
            "recovery_ms_max)");
  EXPECT_EQ(error_of("thresholds:\n  failed_ratio_max: 1.5\n"),
            "t.yaml:2: thresholds.failed_ratio_max: must be between 0 and 1 (a ratio, not a percentage)");
  EXPECT_EQ(error_of("thresholds:\n  failed_ratio_max: -0.1\n"), "t.yaml:2: thresholds.failed_ratio_max: must not be negative");
  EXPECT_EQ(error_of("thresholds:\n  recovery_ms_max: 0\n"), "t.yaml:2: thresholds.recovery_ms_max: must be greater than 0");
  EXPECT_EQ(error_of("thresholds:\n  recovery_latency_p99_ms: fast\n"),
            "t.yaml:2: thresholds.recovery_latency_p99_ms: expected a number");
  EXPECT_EQ(error_of("thresholds: 5\n"),
            "t.yaml:1: thresholds: expected a mapping with keys: recovery_latency_p99_ms, failed_ratio_max, recovery_ms_max");
}

TEST(ScenarioThresholds, ListingAThresholdWithoutItsBoundIsAnError) {
  EXPECT_EQ(error_of("properties: [recovery_time]\n"),
            "t.yaml:1: properties[0]: recovery_time is a threshold: set its bound under thresholds: (it is then checked "
            "without being listed)");
}

}  // namespace
}  // namespace forkcheck::harness
