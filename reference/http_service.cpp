#include "reference/http_service.hpp"

#include <unistd.h>

#include <string>

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

void configure_service(httplib::Server& server, const ServiceOptions& options) {
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
  server.new_task_queue = [max_threads] { return new LazyThreadPool(max_threads); };
}

ServiceServer::ServiceServer(const ServiceOptions& options) { configure_service(*this, options); }

bool ServiceServer::serve(int listen_fd) {
  svr_sock_ = listen_fd;
  return listen_after_bind();
}

void ServiceServer::release() { svr_sock_ = INVALID_SOCKET; }

bool ServiceServer::process(httplib::Stream& stream, bool close_connection) {
  bool connection_closed = false;
  return process_request(stream, close_connection, connection_closed, nullptr);
}

}  // namespace forkcheck::reference
