#pragma once
// Least-connections accept across worker processes. One shared page (made by the primary before
// it forks, inherited by every worker) holds each slot's count of open connections. A worker's
// accept thread takes the next connection only while no other accepting worker holds fewer, so
// connections are dealt evenly whatever order the kernel wakes the threads in, and a replacement
// worker catches up after a kill. The wait is bounded: a worker that stopped (SIGSTOP) or lags
// holds nobody back longer than the hold-back (2 ms by default). The queue stays the socket's: gating only decides
// which worker calls accept(2) next. A worker out of turn wakes every hold-back; when a
// connection was pending at both ends of such a period and nobody took any meanwhile, it takes it.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace forkcheck::reference {

class AcceptBoard {
 public:
  static constexpr std::size_t kMaxSlots = 1024;  // the --workers range
  static constexpr std::chrono::microseconds kDefaultHoldBack{2000};

  // A shared anonymous mapping for `slots` workers; nullptr when mmap fails (workers then accept
  // ungated). Never unmapped: it lives as long as the processes. `hold_back` bounds how long a
  // worker out of turn waits (--accept-hold-back-us).
  static AcceptBoard* create(int slots, std::chrono::microseconds hold_back = kDefaultHoldBack);
  std::chrono::microseconds hold_back() const { return hold_back_; }

  // Worker side.
  void start_accepting(int slot);
  // True once `slot` holds no more connections than any other accepting slot; false after
  // hold_back() without any change on the board.
  bool wait_for_turn(int slot);
  // Bumped on every change (a connection taken or closed, a worker starting or gone).
  std::uint32_t generation() const { return generation_.load(std::memory_order_acquire); }
  void opened(int slot);
  void closed(int slot, std::size_t count);
  // Primary side: the worker in `slot` is gone.
  void forget(int slot);

 private:
  void changed();
  bool my_turn(int slot) const;

  std::atomic<std::uint32_t> generation_;  // futex word: bumped on every change
  int slot_count_ = 0;
  std::chrono::microseconds hold_back_ = kDefaultHoldBack;
  struct Slot {
    std::atomic<std::int32_t> open;
    std::atomic<std::uint32_t> accepting;
  };
  Slot slots_[kMaxSlots];
};

}  // namespace forkcheck::reference
