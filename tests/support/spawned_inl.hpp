#pragma once
#include <chrono>
#include <thread>

namespace forkcheck::testing {

template <typename Pred>
bool eventually(Pred pred, int timeout_ms, int step_ms) {
  const mono_ns deadline = monotonic_ns() + ms_to_ns(timeout_ms);
  for (;;) {
    if (pred()) return true;
    if (monotonic_ns() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(step_ms));
  }
}

}  // namespace forkcheck::testing
