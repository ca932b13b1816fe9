#pragma once
// The scheduling-latency probe: a thread of forkcheck's own that sleeps 1 ms in a loop and records
// how much longer than that each sleep took. A machine too busy to run forkcheck when it means to
// (or a SIGSTOP of the whole process) shows as a long oversleep, with its instants: the checker's
// harness-lateness pass (check/checker_harness_late) reads those windows. Bounded memory: a
// LatenessRecorder (histogram and worst windows), whatever the run's length.
#include <atomic>
#include <thread>

#include "common/clock.hpp"
#include "harness/model/harness_health.hpp"

namespace forkcheck::harness {

class SchedulingProbe {
 public:
  explicit SchedulingProbe(mono_ns period_ns = ms_to_ns(1)) : period_ns_(period_ns) {}
  SchedulingProbe(const SchedulingProbe&) = delete;
  SchedulingProbe& operator=(const SchedulingProbe&) = delete;
  ~SchedulingProbe();

  void start();             // once
  LatenessSource stop();    // joins the thread; its figures as source "probe" (empty if never started)

 private:
  void loop();

  mono_ns period_ns_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  LatenessRecorder recorder_;  // the thread's alone until it is joined
};

}  // namespace forkcheck::harness
