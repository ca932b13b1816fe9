#pragma once
// A tiny HTTP/1.1 server for the load generator's tests: a listening socket on 127.0.0.1:0 (or [::1]:0), one
// thread accepting and one thread per connection, each misbehaving in the way a test asks for.
// Every thread polls with a short timeout and a stop flag; the destructor stops and joins them all.
#include <sys/types.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/unique_fd.hpp"

namespace forkcheck::testing {

enum class ServerMode {
  normal,         // 200 "Hello from worker", keep-alive unless the request says close
  close_after_n,  // the Nth response on a connection says `Connection: close`, then closes
  drop_after_n,   // closes silently after the Nth response (keep-alive max reached, no header)
  never_answer,   // reads the request, never answers
  reset,          // reads the request, answers with a RST
  eof,            // reads the request, closes without a byte
  wrong_body,     // 200 with another body
  status_500,     // 500
  garbage,        // bytes that are not HTTP
  stall_once,     // like normal, but the server stalls stall_ms before answering request number stall_at
};

struct ServerOptions {
  ServerMode mode = ServerMode::normal;
  int requests_per_connection = 3;  // close_after_n, drop_after_n
  int stall_at = 10;                // stall_once: the (1-based) request that stalls
  int stall_ms = 300;
  bool accept_connections = true;   // false: listen (backlog 0) and never accept
  pid_t worker_pid = 4242;
  bool ipv6 = false;                // listen on [::1] instead of 127.0.0.1
};

class TestServer {
 public:
  explicit TestServer(ServerOptions options = {});
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;
  ~TestServer();

  int port() const { return port_; }
  int connections_accepted() const { return accepted_.load(); }
  int requests_seen() const { return requests_.load(); }
  // The first kKeptHeads request heads received (request line and headers), in arrival order.
  std::vector<std::string> request_heads() const;
  static constexpr std::size_t kKeptHeads = 16;

 private:
  void accept_loop();
  void serve(UniqueFd connection);
  bool read_request(int fd, bool& wants_close);
  bool answer(int fd, int served_on_connection, bool wants_close);
  void wait_until_stopped(int fd);

  ServerOptions options_;
  UniqueFd listener_;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> accepted_{0};
  std::atomic<int> requests_{0};
  mutable std::mutex heads_mutex_;
  std::vector<std::string> heads_;
  std::mutex threads_mutex_;
  std::vector<std::thread> connection_threads_;
  std::thread acceptor_;
};

}  // namespace forkcheck::testing
