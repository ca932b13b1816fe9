#include "reference/http_service.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "common/unique_fd.hpp"
#include "reference/lazy_pool.hpp"

namespace forkcheck::reference {
namespace {

template <typename Duration>
std::pair<time_t, time_t> sec_usec(Duration d) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  return {static_cast<time_t>(us / 1'000'000), static_cast<time_t>(us % 1'000'000)};
}

bool is_get(const httplib::Request& req) { return req.method == "GET" || req.method == "HEAD"; }

}  // namespace

void configure_service(httplib::Server& server, const ServiceOptions& options,
                       std::shared_ptr<std::atomic<std::size_t>> unstarted) {
  // A pre-routing handler instead of Get(".*"): no std::regex to build at start-up or to match per
  // request. Other methods fall through to httplib's routing, which reads (and limits) the body and
  // answers 404.
  server.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!is_get(req)) return httplib::Server::HandlerResponse::Unhandled;
    res.status = 200;
    res.set_header(kWorkerPidHeader, std::to_string(::getpid()));
    res.set_content(kHelloBody, "text/plain");
    return httplib::Server::HandlerResponse::Handled;
  });
  // Every routed answer names its worker, not only the GETs, so a client can attribute a 404 too.
  server.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.has_header(kWorkerPidHeader)) res.set_header(kWorkerPidHeader, std::to_string(::getpid()));
  });
  const auto [read_s, read_us] = sec_usec(options.read_timeout);
  const auto [write_s, write_us] = sec_usec(options.write_timeout);
  const auto [idle_s, idle_us] = sec_usec(options.accept_poll);
  server.set_read_timeout(read_s, read_us);
  server.set_write_timeout(write_s, write_us);
  server.set_idle_interval(idle_s, idle_us);
  server.set_payload_max_length(options.payload_max_bytes);
  server.set_keep_alive_max_count(options.keep_alive_max_count);
  server.set_keep_alive_timeout(static_cast<time_t>(options.keep_alive_timeout.count()));
  server.set_tcp_nodelay(true);
  const std::size_t max_threads = options.max_threads;
  server.new_task_queue = [max_threads, unstarted] { return new LazyThreadPool(max_threads, unstarted); };
}

ServiceServer::ServiceServer(const ServiceOptions& options) { configure_service(*this, options, unstarted_); }

bool ServiceServer::serve(int listen_fd) {
  svr_sock_ = listen_fd;
  const bool ok = listen_after_bind();
  return ok || releasing_;  // release() ends the accept loop through a failed accept
}

// httplib serves a connection only while svr_sock_ != INVALID_SOCKET (checked before each request),
// so forgetting the socket at once closed connections accepted a moment before, unanswered (found by
// `forkcheck explore`: EOF with no response 0.3 ms after SIGTERM). Instead the listening fd number
// is first replaced by a socket that does not listen: httplib's next accept fails with EINVAL and its
// loop ends, the accept queue (the primary's, shared) is untouched. Once every accepted connection's
// thread has started, hence passed its first check, the socket is forgotten: each connection
// finishes the request it has and closes at its next request boundary.
void ServiceServer::release() {
  const int fd = svr_sock_;
  if (fd == INVALID_SOCKET) return;
  releasing_ = true;
  forkcheck::UniqueFd not_listening(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (not_listening && ::dup2(not_listening.get(), fd) >= 0) {
    // Bounded: with every pool thread busy, a queued connection may wait longer than a drain can.
    for (int i = 0; i < 500 && unstarted_->load() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    // A started thread reaches its first check within microseconds.
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  svr_sock_ = INVALID_SOCKET;
}

bool ServiceServer::process(httplib::Stream& stream, bool close_connection) {
  bool connection_closed = false;
  return process_request(stream, close_connection, connection_closed, nullptr);
}

}  // namespace forkcheck::reference
