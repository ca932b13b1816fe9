// The wire_fuzz fault in scenario files, and its plan.
#include <gtest/gtest.h>

#include <algorithm>

#include "harness/model/scenario.hpp"
#include "harness/wire/wire_fuzz_plan.hpp"

namespace forkcheck::harness {
namespace {

constexpr std::string_view kHead = "duration_s: 3\nwarmup_s: 1\nfaults:\n";

std::variant<Scenario, ScenarioError> parse_fault(const std::string& fault, std::string_view file = "dir/s.yaml") {
  return parse_scenario(std::string(kHead) + fault, file);
}

Scenario parsed(const std::string& fault, std::string_view file = "dir/s.yaml") {
  auto r = parse_fault(fault, file);
  if (auto* e = std::get_if<ScenarioError>(&r)) ADD_FAILURE() << e->to_string();
  return std::holds_alternative<Scenario>(r) ? std::get<Scenario>(r) : Scenario{};
}

ScenarioError error_of(const std::string& fault) {
  auto r = parse_fault(fault);
  if (std::holds_alternative<Scenario>(r)) ADD_FAILURE() << "parsed: " << fault;
  return std::holds_alternative<ScenarioError>(r) ? std::get<ScenarioError>(r) : ScenarioError{};
}

TEST(WireFuzzScenario, Defaults) {
  const Scenario s = parsed("  - kind: wire_fuzz\n");
  ASSERT_EQ(s.faults.size(), 1u);
  const FaultSpec& f = s.faults[0];
  EXPECT_EQ(f.kind, FaultKind::wire_fuzz);
  EXPECT_EQ(f.signal, 0);
  EXPECT_EQ(f.at_s, 1.0);
  EXPECT_EQ(f.wire.inputs, 8);
  EXPECT_EQ(f.wire.max_mutations, 4);
  EXPECT_EQ(f.wire.max_bytes, 4096);
  EXPECT_EQ(f.wire.timeout_ms, 500);
  EXPECT_TRUE(f.wire.corpus.empty());
}

TEST(WireFuzzScenario, EveryKey) {
  const Scenario s = parsed(
      "  - kind: wire_fuzz\n    at_s: 1.2\n    every_s: 0.1\n    count: 10\n    inputs: 3\n    max_mutations: 0\n"
      "    max_bytes: 100\n    timeout_ms: 250\n    corpus: seeds/http\n");
  const WireFuzzSpec& w = s.faults.at(0).wire;
  EXPECT_EQ(w.inputs, 3);
  EXPECT_EQ(w.max_mutations, 0);
  EXPECT_EQ(w.max_bytes, 100);
  EXPECT_EQ(w.timeout_ms, 250);
  EXPECT_EQ(w.corpus, "dir/seeds/http");  // beside the scenario file
  EXPECT_EQ(parsed("  - kind: wire_fuzz\n    corpus: /abs/c\n").faults.at(0).wire.corpus, "/abs/c");
}

TEST(WireFuzzScenario, TheFixtureScenarioParses) {
  // tests/fixtures/fixture-scenarios/crash_on_input.yaml's proposal: at_s, every_s and count only.
  const Scenario s = parsed("  - kind: wire_fuzz\n    at_s: 1.2\n    every_s: 0.1\n    count: 10\n");
  EXPECT_EQ(s.faults.at(0).count, 10);
}

TEST(WireFuzzScenario, Errors) {
  EXPECT_EQ(error_of("  - kind: wire_fuzz\n    signal: KILL\n").field, "faults[0].signal");
  EXPECT_EQ(error_of("  - kind: wire_fuzz\n    victim: newest\n").field, "faults[0].victim");
  EXPECT_EQ(error_of("  - kind: wire_fuzz\n    inputs: 0\n").field, "faults[0].inputs");
  EXPECT_EQ(error_of("  - kind: wire_fuzz\n    max_bytes: 8\n").field, "faults[0].max_bytes");
  EXPECT_EQ(error_of("  - kind: wire_fuzz\n    corpus: ''\n").field, "faults[0].corpus");
  const ScenarioError e = error_of("  - kind: kill_worker\n    inputs: 3\n");
  EXPECT_EQ(e.field, "faults[0].inputs");
  EXPECT_NE(e.message.find("wire_fuzz only"), std::string::npos);
  EXPECT_EQ(e.line, 5);
  EXPECT_EQ(error_of("  - kind: wire_fuzz\n    every_s: 1\n    count: 3\n").field, "faults[0].at_s");  // past duration
}

TEST(WireFuzzScenario, PropertyIsApplicableWithAWireFuzzFault) {
  const auto has = [](const Scenario& s) {
    const auto ps = properties_to_check(s);
    return std::find(ps.begin(), ps.end(), Property::no_worker_crash_on_input) != ps.end();
  };
  EXPECT_TRUE(has(parsed("  - kind: wire_fuzz\n")));
  EXPECT_FALSE(has(parsed("  - kind: kill_worker\n")));
  EXPECT_EQ(property_from_string("no_worker_crash_on_input"), Property::no_worker_crash_on_input);
  const auto listed = parse_scenario("duration_s: 3\nproperties: [no_worker_crash_on_input]\n", "x.yaml");
  ASSERT_TRUE(std::holds_alternative<Scenario>(listed));  // listed, it judges any run
}

TEST(WireFuzzPlan, OccurrencesAndInputs) {
  const Scenario s = parsed(
      "  - kind: kill_worker\n    at_s: 1.5\n  - kind: wire_fuzz\n    at_s: 1.0\n    every_s: 0.5\n    count: 3\n"
      "    inputs: 2\n");
  const auto plan = plan_wire_fuzz(s, 1);
  ASSERT_EQ(plan.size(), 3u);
  for (std::size_t j = 0; j < plan.size(); ++j) {
    EXPECT_EQ(plan[j].spec_index, 1u);
    EXPECT_EQ(plan[j].occurrence, static_cast<int>(j));
    EXPECT_EQ(plan[j].inputs, 2);
    EXPECT_EQ(plan[j].offset_ns, static_cast<mono_ns>((1.0 + 0.5 * static_cast<double>(j)) * 1e9));
  }
  const Scenario rest = without_wire_fuzz(s);
  ASSERT_EQ(rest.faults.size(), 1u);
  EXPECT_EQ(rest.faults[0].kind, FaultKind::kill_worker);
}

TEST(WireFuzzPlan, JitterIsSeededAndBounded) {
  const Scenario s = parsed("  - kind: wire_fuzz\n    at_s: 1.5\n    every_s: 0.2\n    count: 5\n    jitter_s: 0.05\n");
  const auto a = plan_wire_fuzz(s, 7), b = plan_wire_fuzz(s, 7), c = plan_wire_fuzz(s, 8);
  ASSERT_EQ(a.size(), 5u);
  bool differs = false;
  for (std::size_t j = 0; j < a.size(); ++j) {
    EXPECT_EQ(a[j].offset_ns, b[j].offset_ns);
    differs = differs || a[j].offset_ns != c[j].offset_ns;
  }
  EXPECT_TRUE(differs);
  for (std::size_t j = 1; j < a.size(); ++j) EXPECT_LE(a[j - 1].offset_ns, a[j].offset_ns);
  const mono_ns nominal = static_cast<mono_ns>(1.5e9);
  EXPECT_LE(std::abs(a[0].offset_ns - nominal), static_cast<mono_ns>(0.05e9) + 1);
}

}  // namespace
}  // namespace forkcheck::harness
