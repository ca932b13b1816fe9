#pragma once
// Summaries of recorded requests: counts by error kind and latency percentiles. Pure.
// Latency is end - intended: the wait for a busy connection counts (no coordinated omission).
// Memory is bounded whatever the request count: latencies go to a log-linear histogram (64 buckets
// per power of two), so a percentile is the upper edge of its bucket, at most 1/64 (1.6 %) above
// the exact value and never below it; mean and max are exact.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "harness/model/history.hpp"

namespace forkcheck::harness {

constexpr std::size_t kRequestErrorKinds = static_cast<std::size_t>(RequestError::cancelled) + 1;

struct LatencySummary {
  std::size_t count = 0;
  double mean_us = 0;
  double p50_us = 0;
  double p90_us = 0;
  double p99_us = 0;
  double p999_us = 0;
  double max_us = 0;
};

struct LoadSummary {
  std::uint64_t requests = 0;
  std::uint64_t ok = 0;
  std::array<std::uint64_t, kRequestErrorKinds> by_error{};  // index: RequestError
  LatencySummary latency;                                     // of the requests that succeeded
  mono_ns first_intended_ns = 0;
  mono_ns last_end_ns = 0;

  // Cancelled requests (cut by the harness's interrupt) are neither ok nor failed.
  std::uint64_t cancelled() const { return count(RequestError::cancelled); }
  std::uint64_t failed() const { return requests - ok - cancelled(); }
  std::uint64_t count(RequestError e) const { return by_error[static_cast<std::size_t>(e)]; }
};

// Accumulates records one at a time (a streamed RequestLog is read once).
class LoadAccumulator {
 public:
  explicit LoadAccumulator(bool include_probes = false);
  void add(const RequestRecord& r);
  LoadSummary summary() const;

 private:
  bool include_probes_;
  LoadSummary s_;
  double latency_total_ns_ = 0;
  mono_ns latency_max_ns_ = 0;
  std::vector<std::uint64_t> latency_buckets_;
};

LoadSummary summarize_load(std::span<const RequestRecord> records, bool include_probes = false);
LoadSummary summarize_load(const RequestLog& records, bool include_probes = false);

}  // namespace forkcheck::harness
