// The harness's own lateness: the recorder's bounded figures, the stalls it keeps, and their JSON.
#include <gtest/gtest.h>

#include "harness/model/harness_health.hpp"
#include "harness/model/history.hpp"
#include "harness/model/history_json.hpp"

namespace forkcheck::harness {
namespace {

TEST(LatenessRecorder, PercentilesAreWithinOneSixteenthAboveAndMaxIsExact) {
  LatenessRecorder r;
  for (int i = 1; i <= 1000; ++i) r.add(0, static_cast<mono_ns>(i) * 1000 * 10);  // 10 us .. 10 ms
  const LatenessSource s = r.summary("probe");
  EXPECT_EQ(s.name, "probe");
  EXPECT_EQ(s.samples, 1000u);
  EXPECT_EQ(s.max_ns, ms_to_ns(10));
  EXPECT_GE(s.p50_ns, 5'000'000);
  EXPECT_LE(s.p50_ns, 5'000'000 + 5'000'000 / 16 + 1000);
  EXPECT_GE(s.p99_ns, 9'900'000);
  EXPECT_LE(s.p99_ns, s.max_ns);
}

TEST(LatenessRecorder, EarlyIsNotLate) {
  LatenessRecorder r;
  r.add(ms_to_ns(5), ms_to_ns(4));
  EXPECT_EQ(r.summary("tick").max_ns, 0);
}

TEST(LatenessRecorder, KeepsOnlyTheWorstWindowsWorstFirst) {
  LatenessRecorder r;
  // A long run's worth of samples: memory must not grow with them.
  for (int i = 0; i < 200000; ++i) r.add(ms_to_ns(i), ms_to_ns(i) + (i % 1000) * 1000);
  r.add(ms_to_ns(300000), ms_to_ns(300340));  // one 340 ms stall
  const LatenessSource s = r.summary("probe");
  ASSERT_EQ(s.worst.size(), kWorstLatenessWindows);
  EXPECT_EQ(s.worst.front().due_ns, ms_to_ns(300000));
  EXPECT_EQ(s.worst.front().lateness_ns(), ms_to_ns(340));
  for (std::size_t i = 1; i < s.worst.size(); ++i) EXPECT_GE(s.worst[i - 1].lateness_ns(), s.worst[i].lateness_ns());
}

TEST(HarnessStalls, OnlyTheTickAndTheProbeMakeStalls) {
  HarnessHealth health;
  health.sources = {{.name = "tick", .worst = {{0, ms_to_ns(20)}}},
                    {.name = "probe", .worst = {{0, ms_to_ns(30)}}},
                    {.name = "fault", .worst = {{0, ms_to_ns(900)}}},
                    {.name = "request", .worst = {{0, ms_to_ns(900)}}}};
  const std::vector<HarnessStall> stalls = harness_stalls(health);
  ASSERT_EQ(stalls.size(), 2u);
  EXPECT_EQ(stalls[0].source, "probe");
  EXPECT_EQ(stalls[1].source, "tick");
}

TEST(FaultLateness, SentAgainstScheduled) {
  std::vector<FaultRecord> faults(2);
  faults[0].scheduled_ns = ms_to_ns(100), faults[0].sent_ns = ms_to_ns(103);
  faults[1].scheduled_ns = ms_to_ns(200);  // never sent: not a sample
  const LatenessSource s = fault_lateness(faults);
  EXPECT_EQ(s.samples, 1u);
  EXPECT_EQ(s.max_ns, ms_to_ns(3));
}

TEST(HistoryJson, HarnessHealthRoundTrips) {
  History h;
  LatenessRecorder r;
  r.add(ms_to_ns(10), ms_to_ns(350));
  h.harness_health.sources = {r.summary("probe")};
  const History back = history_from_json(history_to_json(h));
  ASSERT_TRUE(back.harness_health.measured());
  const LatenessSource& s = back.harness_health.sources[0];
  EXPECT_EQ(s.name, "probe");
  EXPECT_EQ(s.samples, 1u);
  EXPECT_EQ(s.max_ns, ms_to_ns(340));
  ASSERT_EQ(s.worst.size(), 1u);
  EXPECT_EQ(s.worst[0].due_ns, ms_to_ns(10));
  EXPECT_EQ(s.worst[0].at_ns, ms_to_ns(350));
  // A history that measured nothing writes nothing.
  EXPECT_FALSE(history_to_json(History{}).contains("harness_health"));
}

}  // namespace
}  // namespace forkcheck::harness
