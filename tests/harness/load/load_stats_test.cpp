#include "harness/load/load_stats.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace forkcheck::harness {
namespace {

RequestRecord answered_after(mono_ns latency_ns) {
  return {.intended_ns = 1'000'000, .start_ns = 1'000'000, .end_ns = 1'000'000 + latency_ns, .status = 200};
}

// The histogram's percentiles are upper bounds within 1/64 of the exact value; mean and max exact.
TEST(LoadStats, PercentilesAreWithinOneSixtyFourthAboveTheExactValue) {
  std::vector<RequestRecord> records;
  for (mono_ns us = 1; us <= 100'000; ++us) records.push_back(answered_after(us * 1000));
  records.push_back({.intended_ns = 5, .end_ns = 9, .error = RequestError::eof});
  const LoadSummary s = summarize_load(records);
  EXPECT_EQ(s.requests, 100'001u);
  EXPECT_EQ(s.ok, 100'000u);
  EXPECT_EQ(s.count(RequestError::eof), 1u);
  EXPECT_EQ(s.first_intended_ns, 5);
  const std::vector<std::pair<double, double>> exact_and_got{
      {50'000, s.latency.p50_us}, {90'000, s.latency.p90_us}, {99'000, s.latency.p99_us}, {99'900, s.latency.p999_us}};
  for (const auto& [exact, got] : exact_and_got) {
    EXPECT_GE(got, exact);
    EXPECT_LE(got, exact * (1 + 1.0 / 64));
  }
  EXPECT_DOUBLE_EQ(s.latency.max_us, 100'000);
  EXPECT_NEAR(s.latency.mean_us, 50'000.5, 1e-6);
}

TEST(LoadStats, SmallLatenciesAreExact) {
  std::vector<RequestRecord> records;
  for (mono_ns ns : {3, 7, 100, 127}) records.push_back(answered_after(ns));
  const LoadSummary s = summarize_load(records);
  EXPECT_DOUBLE_EQ(s.latency.p50_us, 0.007);
  EXPECT_DOUBLE_EQ(s.latency.max_us, 0.127);
}

TEST(LoadStats, ProbesCountOnlyWhenAsked) {
  RequestRecord probe = answered_after(1000);
  probe.probe = true;
  const std::vector<RequestRecord> records{answered_after(1000), probe};
  EXPECT_EQ(summarize_load(records).requests, 1u);
  EXPECT_EQ(summarize_load(records, /*include_probes=*/true).requests, 2u);
  RequestLog log;
  log.append(records);
  EXPECT_EQ(summarize_load(log).requests, 1u);
}

}  // namespace
}  // namespace forkcheck::harness
