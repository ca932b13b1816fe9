#pragma once
// A worker's accept thread (AcceptMode::thread): blocked in accept(2) on the shared listening
// socket, it hands each connection to the event loop. Threads blocked in accept on one socket wait
// in the kernel's queue of exclusive waiters and are woken one per connection, first come first
// served, so connections are dealt round-robin over the idle workers, and the socket's accept
// queue stays the primary's: a worker only ever holds connections it took.
#include <pthread.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>
#include <vector>

#include "common/unique_fd.hpp"
#include "reference/accept_board.hpp"

namespace forkcheck::reference {

// Called once by the primary before it forks workers: starts and joins threads that do nothing.
// glibc binds pthread_create (called from libstdc++) and its TLS set-up (libc to ld.so) lazily, on
// first use, by searching every loaded library's symbol table; done here, the answers are in the
// memory each worker inherits, and the joined thread's stack waits in glibc's stack cache, so a
// new worker starts its accept thread without those lookups, their page faults, or an mmap.
void warm_thread_start();

class Acceptor {
 public:
  // `listen_fd` must be a blocking socket. At most `max_connections` taken and not yet released.
  // With a board (shared mode), `slot` takes its turn on it (least connections first).
  Acceptor(int listen_fd, std::size_t max_connections, AcceptBoard* board = nullptr, int slot = -1);
  ~Acceptor();
  Acceptor(const Acceptor&) = delete;
  Acceptor& operator=(const Acceptor&) = delete;

  bool started() const { return thread_.joinable(); }
  // Readable (eventfd) when connections were handed over or the thread has stopped.
  int wake_fd() const { return wake_.get(); }
  // Connections handed over since the last call (the caller owns them).
  std::vector<int> take();
  // The loop closed `count` connections: room under the cap again.
  void release(std::size_t count);
  // Stop accepting. Interrupts the blocked accept with a signal; call again until stopped() (a
  // signal sent just before the thread enters accept(2) is not seen by it).
  void stop();
  bool stopped() const { return stopped_; }
  // Stopped, and every connection it took has been taken by the loop.
  bool finished();

 private:
  void run();

  bool may_accept();

  int listen_fd_;
  std::size_t max_connections_;
  AcceptBoard* board_;
  int slot_;
  UniqueFd wake_;
  std::mutex mutex_;
  std::condition_variable room_;
  std::vector<int> handed_;
  std::size_t held_ = 0;  // taken and not yet released
  bool stopping_ = false;
  std::atomic<bool> stopped_{false};
  std::thread thread_;
};

}  // namespace forkcheck::reference
