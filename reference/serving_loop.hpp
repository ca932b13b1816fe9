#pragma once
// A worker's event loop: one epoll over its connections, the stop signals (signalfd), the
// heartbeat timer (timerfd) and the connections handed over by the accept thread (or the listening
// socket itself in the epoll accept modes). It owns every connection's life: read, answer (through
// HttpSession), write, time out, close; and the drain: on SIGTERM/SIGINT it stops accepting,
// answers what was received, closes idle connections, and returns when none is left.
#include <sys/epoll.h>

#include <array>
#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/unique_fd.hpp"
#include "reference/acceptor.hpp"
#include "reference/http_service.hpp"

namespace forkcheck::reference {

// What a connection waits for; each has one timeout, so each list is ordered by deadline.
enum class Wait : std::uint8_t { idle, head, body, write, linger, closed };
inline constexpr std::size_t kWaitKinds = 6;

struct Connection {
  UniqueFd fd;
  HttpSession session;
  std::string out;
  std::size_t out_sent = 0;
  bool peer_closed = false;
  Wait wait = Wait::idle;
  mono_ns deadline = 0;
  std::list<Connection>::iterator self;
};

struct LoopSetup {
  int listen_fd = -1;
  AcceptBoard* board = nullptr;  // shared socket, accept thread: least-connections turns
  int slot = -1;
  const ServiceOptions* options = nullptr;
  const Service* service = nullptr;
  mono_ns heartbeat_interval_ns = 0;  // 0: no heartbeats
  std::function<void()> beat;         // called by the loop every interval
};

class ServingLoop {
 public:
  explicit ServingLoop(LoopSetup setup);
  ~ServingLoop();
  // epoll, signalfd (the stop signals must already be blocked), timerfd, the accept thread.
  // False (errno set) when one cannot be made.
  bool open();
  // Serves until a stop signal's drain is complete. False on an epoll failure.
  bool run();

  std::size_t connection_count() const;

 private:
  void dispatch(const epoll_event& event);
  void start_accepting();
  void accept_from_listener();
  void add_connection(int fd);
  void on_readable(Connection& c);
  void pump(Connection& c, std::size_t answered_before);
  bool flush(Connection& c);
  void settle(Connection& c, std::size_t answered_before);
  void move_to(Connection& c, Wait wait);
  void close_connection(Connection& c);
  void expire_due(mono_ns now);
  void begin_drain();
  void settle_acceptor();
  bool drained();
  int wait_timeout_ms(mono_ns now) const;
  void bury_closed();

  LoopSetup setup_;
  std::size_t max_connections_;
  UniqueFd epoll_;
  UniqueFd signals_;
  UniqueFd heartbeat_timer_;
  std::unique_ptr<Acceptor> acceptor_;
  std::array<std::list<Connection>, kWaitKinds> waits_;
  bool listening_ = false;  // epoll accept modes: the listening socket is in the epoll set
  bool draining_ = false;
  // Not zero-filled: a fresh worker touches none of its 16 pages before it accepts (start-up
  // time after a crash), and a read writes only the pages it fills.
  std::unique_ptr<char[]> read_buffer_;
};

}  // namespace forkcheck::reference
