#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <set>

#include "harness/faults/faults.hpp"

namespace forkcheck::harness {
namespace {

Scenario two_faults() {
  Scenario s;
  FaultSpec kill;
  kill.at_s = 1.0;
  kill.every_s = 0.5;
  kill.count = 4;
  kill.jitter_s = 0.1;
  FaultSpec stop;
  stop.kind = FaultKind::stop_worker;
  stop.at_s = 0.2;
  s.faults = {kill, stop};
  return s;
}

TEST(PlanFaults, SameSeedSamePlanOtherSeedOtherJitter) {
  const auto a = plan_faults(two_faults(), 42);
  const auto b = plan_faults(two_faults(), 42);
  const auto c = plan_faults(two_faults(), 43);
  ASSERT_EQ(a.size(), 5u);
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].offset_ns, b[i].offset_ns);
    EXPECT_EQ(a[i].victim_seed, b[i].victim_seed);
  }
  bool differs = false;
  for (std::size_t i = 0; i < a.size(); ++i) differs |= a[i].offset_ns != c[i].offset_ns;
  EXPECT_TRUE(differs);
}

TEST(PlanFaults, OffsetsFollowAtEveryJitterAndAreSorted) {
  const auto plan = plan_faults(two_faults(), 7);
  EXPECT_EQ(plan[0].kind, FaultKind::stop_worker);
  EXPECT_EQ(plan[0].offset_ns, 200'000'000);  // no jitter
  EXPECT_EQ(plan[0].signal, SIGSTOP);
  for (std::size_t i = 1; i < plan.size(); ++i) {
    const auto& f = plan[i];
    EXPECT_EQ(f.spec_index, 0u);
    EXPECT_EQ(f.signal, SIGKILL);
    const mono_ns nominal = 1'000'000'000 + f.occurrence * 500'000'000LL;
    EXPECT_LE(std::llabs(f.offset_ns - nominal), 100'000'000);
    EXPECT_LE(plan[i - 1].offset_ns, f.offset_ns);
  }
}

TEST(PlanFaults, NeverBeforeTheLoadStarts) {
  Scenario s;
  FaultSpec early;
  early.at_s = 0;
  early.jitter_s = 5;
  early.count = 20;
  early.every_s = 0;
  s.faults = {early};
  for (const auto& f : plan_faults(s, 3)) EXPECT_GE(f.offset_ns, 0);
}

TEST(ChooseVictims, NewestAllAndClamping) {
  std::mt19937_64 rng(1);
  const std::vector<pid_t> live{10, 20, 30, 40};
  EXPECT_EQ(choose_victims(live, VictimSelector::newest, 2, rng), (std::vector<pid_t>{30, 40}));
  EXPECT_EQ(choose_victims(live, VictimSelector::all, 1, rng), live);
  EXPECT_EQ(choose_victims(live, VictimSelector::newest, 9, rng), live);
  EXPECT_TRUE(choose_victims({}, VictimSelector::random, 1, rng).empty());
  EXPECT_TRUE(choose_victims(live, VictimSelector::random, 0, rng).empty());
}

TEST(ChooseVictims, RandomIsDistinctDeterministicAndCoversEveryone) {
  const std::vector<pid_t> live{10, 20, 30, 40, 50};
  std::mt19937_64 a(99), b(99);
  for (int round = 0; round < 20; ++round) {
    const auto va = choose_victims(live, VictimSelector::random, 3, a);
    EXPECT_EQ(va, choose_victims(live, VictimSelector::random, 3, b));
    EXPECT_EQ(std::set<pid_t>(va.begin(), va.end()).size(), 3u);
  }
  std::set<pid_t> seen;
  std::mt19937_64 rng(5);
  for (int round = 0; round < 200; ++round) seen.insert(choose_victims(live, VictimSelector::random, 1, rng)[0]);
  EXPECT_EQ(seen.size(), live.size());
}

}  // namespace
}  // namespace forkcheck::harness
