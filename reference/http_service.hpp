#pragma once
// The worker's HTTP service: what it answers (every GET and HEAD: 200, `Hello from worker`; any
// other method: 404; every answer carries X-Worker-Pid) and the limits it serves under.
// make_service() is the one place that builds it, used by the worker, the tests and the fuzz
// target, so they exercise exactly the production path.
#include <chrono>
#include <cstddef>

#include "reference/http_session.hpp"

namespace forkcheck::reference {

inline constexpr const char* kHelloBody = "Hello from worker";
inline constexpr const char* kWorkerPidHeader = "X-Worker-Pid";

// How a worker takes connections from the shared socket (see reference/README.md for the numbers).
enum class AcceptMode : std::uint8_t {
  thread,           // a thread blocked in accept(2): the kernel's FIFO of exclusive waiters
  epoll,            // the listening socket in the loop's epoll, level-triggered: every worker wakes
  epoll_exclusive,  // the same with EPOLLEXCLUSIVE: one waiter woken per connection
};

struct ServiceOptions {
  SessionLimits limits;
  std::size_t max_connections = 4096;  // per worker; at the cap it stops accepting
  std::chrono::milliseconds idle_timeout{5000};   // a connection with no request begun
  std::chrono::milliseconds head_timeout{10000};  // from the first byte of a head to its end
  std::chrono::milliseconds body_timeout{10000};  // from the end of the head to the end of the body
  std::chrono::milliseconds write_timeout{10000}; // an answer not fully sent
  std::chrono::milliseconds linger_timeout{1000}; // after a rejection: reading what the client still sends
  AcceptMode accept = AcceptMode::thread;
  // AcceptMode::thread: how long a worker out of turn holds back before taking a connection that
  // nobody else took (a stopped or CPU-starved worker delays connections at most this long).
  std::chrono::microseconds accept_hold_back{2000};
  // Answers carry X-Worker-Pid (--no-pid-header turns it off: a target that names no worker, as
  // most real servers, for the harness's tests of its kernel-side attribution).
  bool pid_header = true;
};

// The service answered by the calling process (its pid goes into X-Worker-Pid unless options.pid_header is off).
Service make_service(const ServiceOptions& options);

}  // namespace forkcheck::reference
