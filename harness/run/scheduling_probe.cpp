#include "harness/run/scheduling_probe.hpp"

#include <ctime>

namespace forkcheck::harness {

SchedulingProbe::~SchedulingProbe() { stop(); }

void SchedulingProbe::start() {
  if (thread_.joinable()) return;
  stopping_.store(false, std::memory_order_relaxed);
  thread_ = std::thread([this] { loop(); });
}

void SchedulingProbe::loop() {
  const timespec period{.tv_sec = period_ns_ / 1'000'000'000, .tv_nsec = period_ns_ % 1'000'000'000};
  while (!stopping_.load(std::memory_order_relaxed)) {
    const mono_ns before = monotonic_ns();
    // Relative sleep: an interrupted one (EINTR) is simply shorter, never counted as late.
    ::clock_nanosleep(CLOCK_MONOTONIC, 0, &period, nullptr);
    recorder_.add(before + period_ns_, monotonic_ns());
  }
}

LatenessSource SchedulingProbe::stop() {
  if (thread_.joinable()) {
    stopping_.store(true, std::memory_order_relaxed);
    thread_.join();
  }
  return recorder_.summary("probe");
}

}  // namespace forkcheck::harness
