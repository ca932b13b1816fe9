#pragma once
// How late the harness itself was against its own schedule (docs/design.md, section 5): a busy CI
// machine that holds forkcheck off the CPU must not be blamed on the target. Four sources: the run
// loop's tick, a scheduling-latency probe (a thread sleeping 1 ms in a loop), each fault's signal
// (sent against scheduled) and each load request's send (start against intended). Memory is bounded
// whatever the run's length: a histogram per source and its worst few windows, not every sample.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"

namespace forkcheck::harness {

struct FaultRecord;

// One late instant: it was due at due_ns and happened at at_ns.
struct LatenessWindow {
  mono_ns due_ns = 0;
  mono_ns at_ns = 0;
  mono_ns lateness_ns() const { return at_ns - due_ns; }
};

// One source's figures. Percentiles are a histogram bucket's upper edge (at most 1/16 above the exact
// value, never below it; never above max_ns); max_ns is exact.
struct LatenessSource {
  std::string name;                   // "tick", "probe", "fault", "request"
  std::uint64_t samples = 0;
  mono_ns p50_ns = 0, p99_ns = 0, max_ns = 0;
  std::vector<LatenessWindow> worst;  // the worst windows, worst first, at most kWorstLatenessWindows
};

inline constexpr std::size_t kWorstLatenessWindows = 32;

// The sources that measure nothing but whether the harness itself was running when it meant to: a
// fault's lateness also holds the victims' freeze, a request's its wait for a free connection (the
// target's slowness), so only these two make a stall.
inline constexpr std::array<std::string_view, 2> kStallSources{"tick", "probe"};

struct HarnessHealth {
  std::vector<LatenessSource> sources;  // empty: not measured (a hand-made or older history)
  bool measured() const { return !sources.empty(); }
  const LatenessSource* find(std::string_view name) const;
};

// A window during which the harness itself was not running when it meant to (a tick or probe).
struct HarnessStall {
  std::string source;
  LatenessWindow window;
};
// Every stall window the history kept (tick and probe), worst first.
std::vector<HarnessStall> harness_stalls(const HarnessHealth& health);

// Accumulates one source's lateness samples in bounded memory. Not thread-safe: one owner.
class LatenessRecorder {
 public:
  // A sample that came early (at < due) counts as 0.
  void add(mono_ns due_ns, mono_ns at_ns);
  LatenessSource summary(std::string name) const;
  std::uint64_t samples() const { return samples_; }

 private:
  // Microseconds: 16 exact buckets below 16 us, then 16 per power of two up to 2^63 us.
  static constexpr std::size_t kBuckets = 16 + 60 * 16;
  static std::size_t bucket_of(std::uint64_t us);
  static std::uint64_t upper_edge_us(std::size_t bucket);
  mono_ns percentile_ns(double q) const;

  std::array<std::uint64_t, kBuckets> buckets_{};
  std::uint64_t samples_ = 0;
  mono_ns max_ns_ = 0;
  std::vector<LatenessWindow> worst_;  // a min-heap by lateness while recording
};

// The faults' signals against their schedule (sent_ns - scheduled_ns, for those sent).
LatenessSource fault_lateness(const std::vector<FaultRecord>& faults);

}  // namespace forkcheck::harness
