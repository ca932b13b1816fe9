// The scenario file a schedule becomes: parse_scenario() must read back exactly the faults generated.
#include "harness/explore/explore_schedule.hpp"

#include <gtest/gtest.h>

#include <csignal>

#include "harness/explore/explore.hpp"
#include "harness/faults/faults.hpp"

namespace forkcheck::harness {
namespace {

Scenario parsed(const std::string& yaml) {
  auto result = parse_scenario(yaml, "explore.yaml");
  if (auto* error = std::get_if<ScenarioError>(&result)) ADD_FAILURE() << error->to_string() << "\n" << yaml;
  return std::get<Scenario>(result);
}

TEST(ExploreSchedule, ScenarioFileReadsBackTheSchedule) {
  const ExploreSchedule schedule{{0, 1, false, SIGKILL}, {25, 2, true, SIGTERM}, {600, 3, false, SIGKILL}};
  ExploreCase c;
  c.target = "brokencluster --bug \"x\" --port {port} --workers {workers}";
  c.seed = 42;
  const Scenario s = parsed(schedule_yaml(schedule, c, "a \"quoted\" description"));
  EXPECT_EQ(s.target, c.target);
  EXPECT_EQ(s.seed, 42u);
  EXPECT_EQ(s.workers, 3);
  EXPECT_EQ(s.description, "a \"quoted\" description");
  ASSERT_EQ(s.faults.size(), 3u);
  const double at[] = {0.3, 0.325, 0.925};
  for (std::size_t i = 0; i < 3; ++i) {
    // A SIGTERM asks a worker to drain: the schedule's SIGTERM is a term_worker, judged as one.
    EXPECT_EQ(s.faults[i].kind, schedule[i].signal == SIGTERM ? FaultKind::term_worker : FaultKind::kill_worker);
    EXPECT_EQ(s.faults[i].signal, schedule[i].signal);
    EXPECT_NEAR(s.faults[i].at_s, at[i], 1e-9);
    EXPECT_EQ(s.faults[i].victims, schedule[i].victims);
    EXPECT_EQ(s.faults[i].victim, schedule[i].newest ? VictimSelector::newest : VictimSelector::random);
  }
  EXPECT_GT(s.duration_s, s.faults.back().at_s);
  const auto plan = plan_faults(s, s.seed);
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_EQ(plan[1].offset_ns, ms_to_ns(325));
}

// --signals takes kills only: a SIGSTOP or SIGCONT would be written as a kill_worker the scenario
// parser refuses (they are stop_worker's and cont_worker's).
TEST(ExploreSchedule, TheSignalListTakesOnlySignalsThatEndAProcess) {
  std::vector<int> signals;
  ASSERT_TRUE(parse_signal_list("SIGKILL,TERM,2", signals));
  EXPECT_EQ(signals, (std::vector<int>{SIGKILL, SIGTERM, SIGINT}));
  for (const char* refused : {"SIGKILL,SIGSTOP", "CONT", "SIGTSTP", "SIGWINCH", "SIGNOPE", ""})
    EXPECT_FALSE(parse_signal_list(refused, signals)) << refused;
  EXPECT_EQ(signals, (std::vector<int>{SIGKILL, SIGTERM, SIGINT}));  // untouched when refused
}

TEST(ExploreSchedule, TheCommandLinesOverridesAreInTheScenarioFile) {
  ExploreCase c;
  c.overrides.path = "/healthz";
  c.overrides.headers = {{"Authorization", "Bearer \"x\""}};
  c.overrides.accepted_statuses = std::vector<int>{200, 204};
  c.overrides.expected_body = std::string("OK\n\x01" "caf\xc3\xa9", 9);
  c.overrides.stop_signal = SIGQUIT;
  const Scenario s = parsed(schedule_yaml({{0, 1, false, SIGKILL}}, c, "d"));
  EXPECT_EQ(s.load.path, "/healthz");
  EXPECT_EQ(s.load.headers, c.overrides.headers);
  EXPECT_EQ(s.load.accepted_statuses, (std::vector<int>{200, 204}));
  EXPECT_EQ(s.load.expected_body, *c.overrides.expected_body);
  EXPECT_EQ(s.stop_signal, SIGQUIT);
  ExploreCase any;
  any.overrides.expected_body = "";
  EXPECT_EQ(parsed(schedule_yaml({{0, 1, false, SIGKILL}}, any, "d")).load.expected_body, "");
}

TEST(ExploreSchedule, DescribesAndCountsVictims) {
  const ExploreSchedule schedule{{0, 1, false, SIGKILL}, {50, 5, true, SIGTERM}};
  EXPECT_EQ(describe_schedule(schedule), "2 faults: +0 ms SIGKILL 1 random, +50 ms SIGTERM 5 newest");
  EXPECT_EQ(total_victims(schedule, 3), 4);
  EXPECT_EQ(describe_schedule({}), "0 faults");
}

}  // namespace
}  // namespace forkcheck::harness
