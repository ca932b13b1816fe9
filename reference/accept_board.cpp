#include "reference/accept_board.hpp"

#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <ctime>
#include <limits>
#include <new>

#include "common/clock.hpp"

namespace forkcheck::reference {
namespace {

// Shared (not FUTEX_PRIVATE) futex operations: the word lives in a MAP_SHARED page.
void futex_wait(std::atomic<std::uint32_t>* word, std::uint32_t expected, mono_ns timeout_ns) {
  const timespec timeout{static_cast<time_t>(timeout_ns / 1'000'000'000), static_cast<long>(timeout_ns % 1'000'000'000)};
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word), FUTEX_WAIT, expected, &timeout, nullptr, 0);
}

void futex_wake_all(std::atomic<std::uint32_t>* word) {
  syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word), FUTEX_WAKE, std::numeric_limits<int>::max(), nullptr, nullptr, 0);
}

}  // namespace

AcceptBoard* AcceptBoard::create(int slots, std::chrono::microseconds hold_back) {
  if (slots < 1 || static_cast<std::size_t>(slots) > kMaxSlots) return nullptr;
  void* page = mmap(nullptr, sizeof(AcceptBoard), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) return nullptr;
  auto* board = new (page) AcceptBoard();  // zero-filled by mmap; this only starts the atomics' lives
  board->slot_count_ = slots;
  board->hold_back_ = hold_back;
  return board;
}

void AcceptBoard::changed() {
  generation_.fetch_add(1, std::memory_order_acq_rel);
  futex_wake_all(&generation_);
}

void AcceptBoard::start_accepting(int slot) {
  slots_[slot].open.store(0);
  slots_[slot].accepting.store(1);
  changed();
}

bool AcceptBoard::my_turn(int slot) const {
  const std::int32_t mine = slots_[slot].open.load(std::memory_order_acquire);
  for (int i = 0; i < slot_count_; ++i) {
    if (i == slot || !slots_[i].accepting.load(std::memory_order_acquire)) continue;
    if (slots_[i].open.load(std::memory_order_acquire) < mine) return false;
  }
  return true;
}

bool AcceptBoard::wait_for_turn(int slot) {
  const mono_ns deadline = monotonic_ns() + std::chrono::duration_cast<std::chrono::nanoseconds>(hold_back_).count();
  for (;;) {
    const std::uint32_t seen = generation_.load(std::memory_order_acquire);
    if (my_turn(slot)) return true;
    const mono_ns now = monotonic_ns();
    if (now >= deadline) return false;
    futex_wait(&generation_, seen, deadline - now);
  }
}

void AcceptBoard::opened(int slot) {
  slots_[slot].open.fetch_add(1, std::memory_order_acq_rel);
  changed();
}

void AcceptBoard::closed(int slot, std::size_t count) {
  slots_[slot].open.fetch_sub(static_cast<std::int32_t>(count), std::memory_order_acq_rel);
  changed();
}

void AcceptBoard::forget(int slot) {
  slots_[slot].accepting.store(0);
  slots_[slot].open.store(0);
  changed();
}

}  // namespace forkcheck::reference
