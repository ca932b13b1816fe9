#include "tests/harness/support/test_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <stdexcept>
#include <string>

#include "common/clock.hpp"
#include "common/loopback.hpp"

namespace forkcheck::testing {

namespace {

constexpr int kPollMs = 10;
constexpr mono_ns kMaxConnectionLifeNs = ms_to_ns(30'000);

bool send_all(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  for (int attempt = 0; attempt < 1000 && sent < bytes.size(); ++attempt) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return sent == bytes.size();
}

std::string response(int status, const std::string& body, pid_t pid, bool close) {
  std::string r = "HTTP/1.1 " + std::to_string(status) + (status == 200 ? " OK" : " Internal Server Error");
  r += "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nX-Worker-Pid: " + std::to_string(pid);
  if (close) r += "\r\nConnection: close";
  return r + "\r\n\r\n" + body;
}

void reset_and_close(UniqueFd& fd) {
  const linger abortive{.l_onoff = 1, .l_linger = 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
  fd.reset();
}

}  // namespace

TestServer::TestServer(ServerOptions options) : options_(options) {
  auto address = loopback_endpoint(options_.ipv6 ? "::1" : "127.0.0.1", 0);
  listener_.reset(::socket(address->family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const int one = 1;
  ::setsockopt(listener_.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::bind(listener_.get(), address->get(), address->length) != 0 ||
      ::listen(listener_.get(), options_.accept_connections ? 128 : 0) != 0) {
    throw std::runtime_error("test server: cannot listen");
  }
  socklen_t length = sizeof address->address;
  ::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&address->address), &length);
  port_ = port_of(address->address);
  if (options_.accept_connections) acceptor_ = std::thread([this] { accept_loop(); });
}

TestServer::~TestServer() {
  stopping_ = true;
  if (acceptor_.joinable()) acceptor_.join();
  const std::lock_guard lock(threads_mutex_);
  for (std::thread& t : connection_threads_) t.join();
}

void TestServer::accept_loop() {
  for (int round = 0; round < 1'000'000 && !stopping_; ++round) {
    pollfd p{.fd = listener_.get(), .events = POLLIN, .revents = 0};
    if (::poll(&p, 1, kPollMs) <= 0) continue;
    UniqueFd connection(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!connection) continue;
    ++accepted_;
    const std::lock_guard lock(threads_mutex_);
    connection_threads_.emplace_back([this, fd = std::move(connection)]() mutable { serve(std::move(fd)); });
  }
}

void TestServer::serve(UniqueFd connection) {
  const mono_ns deadline = monotonic_ns() + kMaxConnectionLifeNs;
  for (int served = 1; !stopping_ && monotonic_ns() < deadline; ++served) {
    bool wants_close = false;
    if (!read_request(connection.get(), wants_close)) return;
    const int request_number = ++requests_;
    switch (options_.mode) {
      case ServerMode::never_answer: return wait_until_stopped(connection.get());
      case ServerMode::reset: return reset_and_close(connection);
      case ServerMode::eof: return;
      case ServerMode::stall_once:
        if (request_number == options_.stall_at) {
          std::this_thread::sleep_for(std::chrono::milliseconds(options_.stall_ms));
        }
        break;
      default: break;
    }
    if (!answer(connection.get(), served, wants_close)) return;
  }
}

// Reads one request head; false when the peer closed or the server stops.
bool TestServer::read_request(int fd, bool& wants_close) {
  std::string head;
  for (int round = 0; round < 100'000 && !stopping_; ++round) {
    pollfd p{.fd = fd, .events = POLLIN, .revents = 0};
    if (::poll(&p, 1, kPollMs) <= 0) continue;
    char buffer[4096];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    head.append(buffer, static_cast<std::size_t>(n));
    if (head.find("\r\n\r\n") != std::string::npos) {
      wants_close = head.find("Connection: close") != std::string::npos;
      const std::lock_guard lock(heads_mutex_);
      if (heads_.size() < kKeptHeads) heads_.push_back(head.substr(0, head.find("\r\n\r\n") + 4));
      return true;
    }
  }
  return false;
}

// Sends the mode's answer; false when the connection must end after it.
bool TestServer::answer(int fd, int served_on_connection, bool wants_close) {
  const bool last = served_on_connection >= options_.requests_per_connection;
  switch (options_.mode) {
    case ServerMode::close_after_n:
      return send_all(fd, response(200, "Hello from worker", options_.worker_pid, wants_close || last)) && !wants_close &&
             !last;
    case ServerMode::drop_after_n:
      return send_all(fd, response(200, "Hello from worker", options_.worker_pid, wants_close)) && !wants_close && !last;
    case ServerMode::wrong_body:
      return send_all(fd, response(200, "Hello from nobody", options_.worker_pid, wants_close)) && !wants_close;
    case ServerMode::status_500:
      return send_all(fd, response(500, "oops", options_.worker_pid, wants_close)) && !wants_close;
    case ServerMode::garbage: send_all(fd, "SSH-2.0-OpenSSH_9.2\r\n\r\n"); return false;
    default:
      return send_all(fd, response(200, "Hello from worker", options_.worker_pid, wants_close)) && !wants_close;
  }
}

std::vector<std::string> TestServer::request_heads() const {
  const std::lock_guard lock(heads_mutex_);
  return heads_;
}

void TestServer::wait_until_stopped(int fd) {
  const mono_ns deadline = monotonic_ns() + kMaxConnectionLifeNs;
  while (!stopping_ && monotonic_ns() < deadline) {
    pollfd p{.fd = fd, .events = POLLIN, .revents = 0};
    if (::poll(&p, 1, kPollMs) > 0) {
      char sink[512];
      if (::recv(fd, sink, sizeof sink, 0) <= 0) return;
    }
  }
}

}  // namespace forkcheck::testing
