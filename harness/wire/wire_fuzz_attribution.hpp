#pragma once
// Which worker deaths no harness fault explains, and which wire-fuzz inputs were in flight on them.
// Pure: the checker quotes it (no_worker_crash_on_input) and the run saves the inputs it names.
//
// Attribution. A dead worker's connections can no longer be read, and reading a live worker's
// (/proc socket owners) right after connect() races with a crash microseconds after accept(). So
// attribution is by time instead: the inputs in flight at a worker's death are those whose
// connection began at or before the death and ended no earlier than kInFlightSlack before it (a dying
// process's sockets are closed before the kernel reports its exit, and the fuzzer and the observer
// stamp them on different threads). Excluded: inputs that never connected, and inputs answered by
// another worker (X-Worker-Pid): that worker held them. The fuzzer sends one input at a time, so the
// window holds few; they are ranked: cut by the server unprompted first (the input a worker dies on
// gets no answer, and no half-close is needed to end it), then ended after the client's half-close or
// timeout, then answered; within a rank, the closest to the death first. The input that killed it is among them unless the cap cut it off, which
// the evidence then says.
#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "harness/model/history.hpp"

namespace forkcheck::harness {

constexpr mono_ns kInFlightSlack = ms_to_ns(20);
constexpr std::size_t kMaxSuspectsPerDeath = 8;
constexpr std::size_t kMaxCrashInputFiles = 64;

struct UnexplainedDeath {
  pid_t pid = 0;
  mono_ns exit_ns = 0;
  int signal = 0;                    // 0: it exited with `status`
  int status = -1;                   // -1 with signal 0: how it ended is unknown
  bool known() const { return signal != 0 || status >= 0; }
  std::vector<std::size_t> suspects; // indices into History::wire_inputs, best first, capped
  std::size_t in_flight = 0;         // suspects before the cap
};

// Worker deaths that are not a harness fault's doing (no fault_behind_death), died before
// the stop and before the primary's end (and before any fault aimed at the primary), and did not exit
// with status 0. Deaths whose status is unknown are included (known() false). By exit time.
std::vector<UnexplainedDeath> unexplained_deaths(const History& h);

// Every input in flight at `pid`'s death at `death_ns`, best first (see above), uncapped.
std::vector<std::size_t> inputs_in_flight(const History& h, pid_t pid, mono_ns death_ns);

// "crash-input-<sequence>.bin": the file a suspect input is saved as, in the report directory.
std::string crash_input_file_name(const WireInputRecord& r);

// The inputs the run saves: every suspect of every unexplained death, once, at most
// kMaxCrashInputFiles. Indices into History::wire_inputs.
std::vector<std::size_t> crash_inputs_to_save(const History& h);

}  // namespace forkcheck::harness
