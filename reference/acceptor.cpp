#include "reference/acceptor.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

namespace forkcheck::reference {
namespace {

// The signal that interrupts a blocked accept(2): its handler does nothing, and it is installed
// without SA_RESTART so accept returns EINTR.
constexpr int kInterruptSignal = SIGUSR1;

void install_interrupt_handler() {
  struct sigaction action {};
  action.sa_handler = [](int) {};
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;
  sigaction(kInterruptSignal, &action, nullptr);
}

void notify(int fd) {
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = ::write(fd, &one, sizeof one);
}

}  // namespace

void warm_thread_start() {
  // The first thread binds what a fresh stack needs; the second reuses the first one's cached
  // stack, a path of its own (_dl_allocate_tls_init), bound only then. A worker's thread takes it.
  for (int i = 0; i < 2; ++i) std::thread([] {}).join();
}

Acceptor::Acceptor(int listen_fd, std::size_t max_connections, AcceptBoard* board, int slot)
    : listen_fd_(listen_fd),
      max_connections_(max_connections),
      board_(board),
      slot_(slot),
      wake_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (!wake_) return;
  install_interrupt_handler();
  if (board_) board_->start_accepting(slot_);
  thread_ = std::thread([this] { run(); });
}

Acceptor::~Acceptor() {
  if (!thread_.joinable()) return;
  // Bounded: each try is one signal; the thread is past its check-to-accept window within
  // microseconds. A thread that never stops is left to the process exit.
  for (int tries = 0; tries < 100'000 && !stopped_; ++tries) stop();
  if (stopped_) thread_.join(); else thread_.detach();
}

// Under the cap, after this worker's turn on the board; false once stopping.
bool Acceptor::may_accept() {
  {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [this] { return stopping_ || held_ < max_connections_; });
    if (stopping_) return false;
  }
  // Out of turn, a connection that has waited a whole hold-back with nobody accepting is taken
  // anyway (the worker whose turn it is may be stopped or starved of CPU).
  bool was_pending = false;
  std::uint32_t seen = 0;
  for (bool turn = !board_; !turn;) {
    turn = board_->wait_for_turn(slot_);
    pollfd queue{listen_fd_, POLLIN, 0};
    const bool pending = !turn && ::poll(&queue, 1, 0) > 0;
    const std::uint32_t now = board_->generation();
    turn = turn || (pending && was_pending && now == seen);
    was_pending = pending;
    seen = now;
    const std::lock_guard lock(mutex_);
    if (stopping_) return false;
  }
  const std::lock_guard lock(mutex_);
  return !stopping_;
}

void Acceptor::run() {
  while (may_accept()) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      // EINTR: stop() (or a stray signal); EMFILE and the like: the loop's cap was set too high
      // for the fd limit, nothing to do but wait for a close.
      if (errno != EINTR && errno != ECONNABORTED) {
        std::unique_lock lock(mutex_);
        room_.wait_for(lock, std::chrono::milliseconds(10), [this] { return stopping_; });
      }
      continue;
    }
    bool first = false;
    {
      const std::lock_guard lock(mutex_);
      first = handed_.empty();
      handed_.push_back(fd);
      ++held_;
    }
    if (board_) board_->opened(slot_);
    if (first) notify(wake_.get());
  }
  if (board_) board_->forget(slot_);  // a draining worker holds nobody back
  stopped_ = true;
  notify(wake_.get());
}

std::vector<int> Acceptor::take() {
  std::uint64_t count = 0;
  [[maybe_unused]] const ssize_t n = ::read(wake_.get(), &count, sizeof count);
  std::vector<int> out;
  const std::lock_guard lock(mutex_);
  out.swap(handed_);
  return out;
}

bool Acceptor::finished() {
  if (!stopped_) return false;
  const std::lock_guard lock(mutex_);
  return handed_.empty();
}

void Acceptor::release(std::size_t count) {
  if (count == 0) return;
  bool was_full = false;
  {
    const std::lock_guard lock(mutex_);
    was_full = held_ >= max_connections_;
    held_ -= std::min(held_, count);
  }
  if (board_) board_->closed(slot_, count);
  if (was_full) room_.notify_one();
}

void Acceptor::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  room_.notify_one();
  if (!stopped_) pthread_kill(thread_.native_handle(), kInterruptSignal);
}

}  // namespace forkcheck::reference
