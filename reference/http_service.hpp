#pragma once
#include <atomic>
#include <chrono>
#include <memory>
// The worker's HTTP service: what it answers (every GET: 200, `Hello from worker`, X-Worker-Pid)
// and the limits it serves under. configure_service() is the one place that sets routes and limits,
// used by the worker and by the fuzz target, so the fuzzer exercises exactly the production path.
#include <httplib.h>

#include <chrono>
#include <memory>
#include <cstddef>

namespace forkcheck::reference {

inline constexpr const char* kHelloBody = "Hello from worker";
inline constexpr const char* kWorkerPidHeader = "X-Worker-Pid";

struct ServiceOptions {
  std::chrono::milliseconds read_timeout{5000};
  std::chrono::milliseconds write_timeout{5000};
  std::size_t payload_max_bytes = 64 * 1024;
  std::size_t keep_alive_max_count = 100;
  std::chrono::seconds keep_alive_timeout{5};
  // Thread-per-connection: each open (keep-alive) connection holds one thread. Threads are made
  // on demand, so a large limit costs nothing at start-up.
  std::size_t max_threads = 64;
  // How often the accept loop wakes to notice that the worker has let go of the socket (drain).
  std::chrono::milliseconds accept_poll{20};
};

// `unstarted`, when given, counts accepted connections whose serving thread has not started yet.
void configure_service(httplib::Server& server, const ServiceOptions& options,
                       std::shared_ptr<std::atomic<std::size_t>> unstarted = nullptr);

// A Server that serves a listening socket it did not create (the primary's, inherited across fork)
// and can stop accepting without Server::stop(): stop() shuts the socket down, which would break
// every other process sharing it (toolchain.md). It also opens httplib's protected request path to
// the fuzz target.
class ServiceServer : public httplib::Server {
 public:
  explicit ServiceServer(const ServiceOptions& options);

  // Serves `listen_fd` (listening, O_NONBLOCK) until release(); then waits for in-flight
  // connections to finish. False when accept failed for another reason than release().
  bool serve(int listen_fd);
  // Stop accepting without shutting the shared socket down, and serve what was already accepted;
  // keep-alive connections end at their next request boundary. Blocks until every accepted
  // connection has started (bounded); call from the control thread.
  void release();
  bool releasing() const { return releasing_; }

  // One request (or a keep-alive series) read from `stream`, answered into it.
  bool process(httplib::Stream& stream, bool close_connection = true);
  using httplib::Server::process_request;

 private:
  std::atomic<bool> releasing_{false};
  std::shared_ptr<std::atomic<std::size_t>> unstarted_ = std::make_shared<std::atomic<std::size_t>>(0);
};

}  // namespace forkcheck::reference
