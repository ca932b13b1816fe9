#include "harness/wire/wire_fuzz_plan.hpp"

#include <algorithm>

#include "harness/wire/wire_fuzz_mutator.hpp"

namespace forkcheck::harness {

std::vector<WireBurst> plan_wire_fuzz(const Scenario& s, std::uint64_t seed) {
  std::vector<WireBurst> plan;
  for (std::size_t i = 0; i < s.faults.size(); ++i) {
    const FaultSpec& f = s.faults[i];
    if (f.kind != FaultKind::wire_fuzz) continue;
    WireRng rng(wire_fuzz_seed(seed, i) ^ 0x6a09e667f3bcc909ULL);
    for (int j = 0; j < f.count; ++j) {
      const double unit = static_cast<double>(rng.next() >> 11) * 0x1.0p-53;  // [0, 1)
      const double at = f.at_s + j * f.every_s + (2 * unit - 1) * f.jitter_s;
      plan.push_back({i, j, std::max<mono_ns>(0, seconds_to_ns(at)), f.wire.inputs});
    }
  }
  std::stable_sort(plan.begin(), plan.end(), [](const WireBurst& a, const WireBurst& b) { return a.offset_ns < b.offset_ns; });
  return plan;
}

Scenario without_wire_fuzz(Scenario s) {
  std::erase_if(s.faults, [](const FaultSpec& f) { return f.kind == FaultKind::wire_fuzz; });
  return s;
}

}  // namespace forkcheck::harness
