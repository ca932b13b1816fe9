#include "harness/load/load_stats.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <vector>

namespace forkcheck::harness {

namespace {

// Log-linear buckets: values below 2^kSubBits are exact; above, each power of two is split into
// 2^kSubBits buckets (2^(kSubBits-1) of them per octave are new), so a bucket is at most 1/64 wide.
constexpr int kSubBits = 7;
constexpr std::uint64_t kLinear = std::uint64_t{1} << kSubBits;  // 128
constexpr std::uint64_t kHalf = kLinear / 2;                     // 64 buckets per octave
constexpr std::size_t kBuckets = kLinear + (64 - kSubBits) * kHalf;

std::size_t bucket_of(std::uint64_t v) {
  if (v < kLinear) return static_cast<std::size_t>(v);
  const int octave = 63 - std::countl_zero(v);  // >= kSubBits
  const int shift = octave - (kSubBits - 1);
  return static_cast<std::size_t>(kLinear + static_cast<std::uint64_t>(octave - kSubBits) * kHalf + ((v >> shift) - kHalf));
}

// The largest value that falls in bucket b.
std::uint64_t bucket_upper(std::size_t b) {
  if (b < kLinear) return b;
  const std::uint64_t octave = (b - kLinear) / kHalf + kSubBits;
  const std::uint64_t shift = octave - (kSubBits - 1);
  const std::uint64_t sub = (b - kLinear) % kHalf + kHalf;
  return ((sub + 1) << shift) - 1;
}

double percentile_us(const std::vector<std::uint64_t>& buckets, std::size_t count, mono_ns max_ns, double fraction) {
  const auto rank = std::clamp<std::size_t>(static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(count))), 1, count);
  std::size_t seen = 0;
  for (std::size_t b = 0; b < buckets.size(); ++b) {
    seen += buckets[b];
    if (seen >= rank) return static_cast<double>(std::min<std::uint64_t>(bucket_upper(b), static_cast<std::uint64_t>(max_ns))) / 1e3;
  }
  return static_cast<double>(max_ns) / 1e3;
}

}  // namespace

LoadAccumulator::LoadAccumulator(bool include_probes) : include_probes_(include_probes), latency_buckets_(kBuckets) {
  s_.first_intended_ns = std::numeric_limits<mono_ns>::max();
}

void LoadAccumulator::add(const RequestRecord& r) {
  if (r.probe && !include_probes_) return;
  ++s_.requests;
  ++s_.by_error[static_cast<std::size_t>(r.error)];
  s_.first_intended_ns = std::min(s_.first_intended_ns, r.intended_ns);
  s_.last_end_ns = std::max(s_.last_end_ns, r.end_ns);
  if (r.error != RequestError::ok) return;
  ++s_.ok;
  const mono_ns latency_ns = std::max<mono_ns>(r.end_ns - r.intended_ns, 0);
  latency_total_ns_ += static_cast<double>(latency_ns);
  latency_max_ns_ = std::max(latency_max_ns_, latency_ns);
  ++latency_buckets_[bucket_of(static_cast<std::uint64_t>(latency_ns))];
}

LoadSummary LoadAccumulator::summary() const {
  LoadSummary s = s_;
  if (s.requests == 0) s.first_intended_ns = 0;
  LatencySummary& l = s.latency;
  l.count = s.ok;
  if (l.count == 0) return s;
  l.mean_us = latency_total_ns_ / static_cast<double>(l.count) / 1e3;
  l.p50_us = percentile_us(latency_buckets_, l.count, latency_max_ns_, 0.50);
  l.p90_us = percentile_us(latency_buckets_, l.count, latency_max_ns_, 0.90);
  l.p99_us = percentile_us(latency_buckets_, l.count, latency_max_ns_, 0.99);
  l.p999_us = percentile_us(latency_buckets_, l.count, latency_max_ns_, 0.999);
  l.max_us = static_cast<double>(latency_max_ns_) / 1e3;
  return s;
}

LoadSummary summarize_load(std::span<const RequestRecord> records, bool include_probes) {
  LoadAccumulator acc(include_probes);
  for (const RequestRecord& r : records) acc.add(r);
  return acc.summary();
}

LoadSummary summarize_load(const RequestLog& records, bool include_probes) {
  LoadAccumulator acc(include_probes);
  for (const RequestRecord& r : records) acc.add(r);
  return acc.summary();
}

}  // namespace forkcheck::harness
