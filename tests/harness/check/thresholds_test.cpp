// The thresholds a scenario sets: recovery_latency_p99, failed_request_ratio, recovery_time, each
// pass, fail and unknown on hand-built histories.
#include <gtest/gtest.h>

#include <algorithm>

#include "harness/check/checker.hpp"
#include "tests/harness/support/history_builder.hpp"

namespace forkcheck::harness {
namespace {

using namespace forkcheck::harness::testing;

Scenario with_thresholds(Thresholds t) {
  Scenario s = walkthrough_scenario();
  s.walkthrough = false;
  s.thresholds = t;
  return s;
}

// The one result for p among every property the scenario checks.
PropertyResult result_for(Property p, const History& h, const Scenario& s) {
  const auto results = check(h, s);
  const auto it = std::find_if(results.begin(), results.end(), [p](const PropertyResult& r) { return r.property == p; });
  if (it == results.end()) {
    ADD_FAILURE() << to_string(p) << " was not checked";
    return {};
  }
  return *it;
}

std::string text(const PropertyResult& r) {
  std::string out = r.summary;
  for (const auto& e : r.evidence) out += "\n" + e;
  return out;
}

bool has(const PropertyResult& r, const std::string& needle) { return text(r).find(needle) != std::string::npos; }

// A replacement ready 50.8 ms after the death: ten load requests are intended in the recovery window.
History slow_recovery() { return correct_cluster({.respawn_after_ms = 50}); }

RequestRecord& load_request_at(History& h, double ms) {
  for (auto& r : h.requests.records())
    if (!r.probe && r.intended_ns == at(ms)) return r;
  throw std::logic_error("no request intended at that instant");
}

TEST(Thresholds, CheckedOnlyWhenSet) {
  const auto none = properties_to_check(with_thresholds({}));
  for (Property p : {Property::recovery_latency_p99, Property::failed_request_ratio, Property::recovery_time})
    EXPECT_EQ(std::count(none.begin(), none.end(), p), 0) << to_string(p);
  Scenario s = with_thresholds({.recovery_ms_max = 5});
  s.properties = {Property::no_orphans};
  EXPECT_EQ(properties_to_check(s), (std::vector<Property>{Property::no_orphans, Property::recovery_time}));
}

TEST(RecoveryLatencyP99, PassesUnderTheBoundAndQuotesBoundAndFigure) {
  const auto r = result_for(Property::recovery_latency_p99, slow_recovery(), with_thresholds({.recovery_latency_p99_ms = 1}));
  EXPECT_EQ(r.verdict, Verdict::pass) << text(r);
  EXPECT_TRUE(has(r, "p99 0.30 ms (bound 1 ms, over 10 requests)")) << text(r);
  EXPECT_TRUE(has(r, "fault 1 (kill_worker): window +1000.1 ms to +1050.9 ms")) << text(r);
}

TEST(RecoveryLatencyP99, ASlowRequestInTheWindowFails) {
  History h = slow_recovery();
  load_request_at(h, 1010).end_ns = at(1060);
  const auto r = result_for(Property::recovery_latency_p99, h, with_thresholds({.recovery_latency_p99_ms = 10}));
  EXPECT_EQ(r.verdict, Verdict::fail) << text(r);
  EXPECT_TRUE(has(r, "(bound 10 ms, over 10 requests): over the bound")) << text(r);
}

TEST(RecoveryLatencyP99, ASlowRequestOutsideTheWindowDoesNotCount) {
  History h = slow_recovery();
  load_request_at(h, 500).end_ns = at(560);
  EXPECT_EQ(result_for(Property::recovery_latency_p99, h, with_thresholds({.recovery_latency_p99_ms = 10})).verdict,
            Verdict::pass);
}

TEST(RecoveryLatencyP99, UnknownWithoutAFault) {
  const auto r = result_for(Property::recovery_latency_p99, correct_cluster({.kill = false}),
                            with_thresholds({.recovery_latency_p99_ms = 10}));
  EXPECT_EQ(r.verdict, Verdict::unknown);
  EXPECT_TRUE(has(r, "no recovery window")) << text(r);
}

TEST(RecoveryLatencyP99, UnknownWhenNoRequestFallsInTheWindow) {
  // correct_cluster recovers in 1 ms, between two requests 5 ms apart.
  const auto r = result_for(Property::recovery_latency_p99, correct_cluster(), with_thresholds({.recovery_latency_p99_ms = 10}));
  EXPECT_EQ(r.verdict, Verdict::unknown);
  EXPECT_TRUE(has(r, "no latency to judge")) << text(r);
}

TEST(FailedRequestRatio, PassesUnderTheBound) {
  const auto r = result_for(Property::failed_request_ratio, correct_cluster(), with_thresholds({.failed_ratio_max = 0.01}));
  EXPECT_EQ(r.verdict, Verdict::pass) << text(r);
  EXPECT_TRUE(has(r, "1 of 401 load requests failed: ratio 0.00249377 (bound 0.01)")) << text(r);
}

TEST(FailedRequestRatio, AnExcusedFailureStillCountsAgainstAZeroBound) {
  const auto r = result_for(Property::failed_request_ratio, correct_cluster(), with_thresholds({.failed_ratio_max = 0}));
  EXPECT_EQ(r.verdict, Verdict::fail) << text(r);
  EXPECT_TRUE(has(r, "(bound 0): over the bound")) << text(r);
}

TEST(FailedRequestRatio, UnknownWithoutLoadRequests) {
  History h = correct_cluster();
  auto& records = h.requests.records();
  records.erase(std::remove_if(records.begin(), records.end(), [](const RequestRecord& r) { return !r.probe; }), records.end());
  const auto r = result_for(Property::failed_request_ratio, h, with_thresholds({.failed_ratio_max = 0.5}));
  EXPECT_EQ(r.verdict, Verdict::unknown);
  EXPECT_TRUE(has(r, "no load request in the service window")) << text(r);
}

TEST(RecoveryTime, PassesUnderTheBound) {
  const auto r = result_for(Property::recovery_time, correct_cluster(), with_thresholds({.recovery_ms_max = 5}));
  EXPECT_EQ(r.verdict, Verdict::pass) << text(r);
  EXPECT_TRUE(has(r, "fault 1 (kill_worker): recovery 1.0 ms (bound 5 ms)")) << text(r);
  EXPECT_EQ(r.summary, "every recovery within (bound 5 ms); slowest 1.0 ms");
}

TEST(RecoveryTime, FailsOverTheBound) {
  const auto r = result_for(Property::recovery_time, slow_recovery(), with_thresholds({.recovery_ms_max = 20}));
  EXPECT_EQ(r.verdict, Verdict::fail) << text(r);
  EXPECT_TRUE(has(r, "recovery 50.8 ms (bound 20 ms): over the bound")) << text(r);
  EXPECT_EQ(r.summary, "1 of 1 recoveries over (bound 20 ms); slowest 50.8 ms");
}

TEST(RecoveryTime, NeverRestoredPastTheBoundFails) {
  const auto r = result_for(Property::recovery_time, correct_cluster({.respawn_after_ms = -1}), with_thresholds({.recovery_ms_max = 5}));
  EXPECT_EQ(r.verdict, Verdict::fail) << text(r);
  EXPECT_TRUE(has(r, "not restored within")) << text(r);
}

TEST(RecoveryTime, UnknownWithoutAFault) {
  const auto r = result_for(Property::recovery_time, correct_cluster({.kill = false}), with_thresholds({.recovery_ms_max = 5}));
  EXPECT_EQ(r.verdict, Verdict::unknown);
  EXPECT_TRUE(has(r, "no fault's victim death was seen")) << text(r);
}

}  // namespace
}  // namespace forkcheck::harness
