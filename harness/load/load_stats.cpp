#include "harness/load/load_stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace forkcheck::harness {

namespace {

double percentile_us(const std::vector<mono_ns>& sorted, double fraction) {
  const auto rank = static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(sorted.size())));
  const std::size_t index = std::clamp<std::size_t>(rank, 1, sorted.size()) - 1;
  return static_cast<double>(sorted[index]) / 1e3;
}

LatencySummary summarize_latency(std::vector<mono_ns> latencies_ns) {
  LatencySummary s;
  if (latencies_ns.empty()) return s;
  std::sort(latencies_ns.begin(), latencies_ns.end());
  double total_ns = 0;
  for (mono_ns l : latencies_ns) total_ns += static_cast<double>(l);
  s.count = latencies_ns.size();
  s.mean_us = total_ns / static_cast<double>(s.count) / 1e3;
  s.p50_us = percentile_us(latencies_ns, 0.50);
  s.p90_us = percentile_us(latencies_ns, 0.90);
  s.p99_us = percentile_us(latencies_ns, 0.99);
  s.p999_us = percentile_us(latencies_ns, 0.999);
  s.max_us = static_cast<double>(latencies_ns.back()) / 1e3;
  return s;
}

}  // namespace

LoadSummary summarize_load(std::span<const RequestRecord> records, bool include_probes) {
  LoadSummary s;
  std::vector<mono_ns> latencies_ns;
  latencies_ns.reserve(records.size());
  s.first_intended_ns = std::numeric_limits<mono_ns>::max();
  for (const RequestRecord& r : records) {
    if (r.probe && !include_probes) continue;
    ++s.requests;
    ++s.by_error[static_cast<std::size_t>(r.error)];
    s.first_intended_ns = std::min(s.first_intended_ns, r.intended_ns);
    s.last_end_ns = std::max(s.last_end_ns, r.end_ns);
    if (r.error != RequestError::ok) continue;
    ++s.ok;
    latencies_ns.push_back(r.end_ns - r.intended_ns);
  }
  if (s.requests == 0) s.first_intended_ns = 0;
  s.latency = summarize_latency(std::move(latencies_ns));
  return s;
}

}  // namespace forkcheck::harness
