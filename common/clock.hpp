#pragma once
// One clock for every part of forkcheck: CLOCK_MONOTONIC nanoseconds. refcluster's events, the
// observer's process events (the kernel's proc connector stamps with the same clock), the load
// driver and the fault injector all use it, so instants from different parts compare directly.
#include <cstdint>
#include <ctime>

namespace forkcheck {

using mono_ns = std::int64_t;

inline mono_ns monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<mono_ns>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

constexpr mono_ns ms_to_ns(std::int64_t ms) { return ms * 1'000'000; }
// Scenario times are seconds as doubles; the fraction of a nanosecond is dropped (towards zero).
constexpr mono_ns seconds_to_ns(double s) { return static_cast<mono_ns>(s * 1e9); }
constexpr double ns_to_ms(mono_ns ns) { return static_cast<double>(ns) / 1e6; }

}  // namespace forkcheck
