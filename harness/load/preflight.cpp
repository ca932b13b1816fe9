#include "harness/load/preflight.hpp"

#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/loopback.hpp"
#include "common/unique_fd.hpp"
#include "harness/load/http_response.hpp"
#include "harness/model/c_escape.hpp"
#include "harness/model/load_request.hpp"

namespace forkcheck::harness {
namespace {

constexpr std::size_t kMaxHeadersShown = 24;
constexpr std::size_t kBodySuggested = 64;  // a longer body is better accepted with --any-body

// Waits for `events` on fd until the deadline; false when it passed first.
bool wait_for(int fd, short events, mono_ns deadline) {
  for (;;) {
    const mono_ns left = deadline - monotonic_ns();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, static_cast<int>(std::max<mono_ns>(1, left / 1'000'000)));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return false;
  }
}

bool connect_until(int fd, const LoopbackEndpoint& to, mono_ns deadline, std::string* error) {
  if (::connect(fd, to.get(), to.length) == 0) return true;
  if (errno != EINPROGRESS) {
    *error = std::string("connect: ") + std::strerror(errno);
    return false;
  }
  if (!wait_for(fd, POLLOUT, deadline)) {
    *error = "connect timed out";
    return false;
  }
  int err = 0;
  socklen_t length = sizeof err;
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &length);
  if (err != 0) *error = std::string("connect: ") + std::strerror(err);
  return err == 0;
}

bool send_until(int fd, const std::string& request, mono_ns deadline, std::string* error) {
  for (std::size_t sent = 0; sent < request.size();) {
    const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait_for(fd, POLLOUT, deadline)) return *error = "sending the request timed out", false;
    } else {
      return *error = std::string("send: ") + std::strerror(errno), false;
    }
  }
  return true;
}

bool read_until(int fd, ResponseParser& parser, mono_ns deadline, std::string* error) {
  char buffer[16384];
  const std::size_t max_reads = ResponseLimits{}.max_wire_bytes / sizeof buffer + 2;
  for (std::size_t reads = 0; reads < max_reads;) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n > 0) {
      ++reads;
      const ParseStatus status = parser.feed(std::string_view(buffer, static_cast<std::size_t>(n)));
      if (status == ParseStatus::complete) return true;
      if (status == ParseStatus::error)
        return *error = "not an HTTP/1.1 response (" + std::string(to_string(parser.error())) + ")", false;
    } else if (n == 0) {
      if (parser.finish_at_eof() == ParseStatus::complete) return true;
      return *error = parser.started() ? "the server closed the connection in the middle of its response"
                                       : "the server closed the connection without answering",
             false;
    } else if (errno == EAGAIN || errno == EINTR) {
      if (!wait_for(fd, POLLIN, deadline)) return *error = "no complete response within the request timeout", false;
    } else {
      return *error = std::string("recv: ") + std::strerror(errno), false;
    }
  }
  return *error = "the response is too large", false;
}

std::string statuses_text(const std::vector<int>& statuses) {
  std::string out;
  for (int s : statuses) out += (out.empty() ? "" : ",") + std::to_string(s);
  return out;
}

std::string status_refusal(const LoadSpec& spec, const PreflightAnswer& a) {
  std::string s = "the pre-flight request GET " + spec.path + " got status " + std::to_string(a.status) +
                  ", not an accepted one (" + statuses_text(spec.accepted_statuses) + "): pass --expect-status " +
                  statuses_text(spec.accepted_statuses) + "," + std::to_string(a.status) + " if that answer is right";
  if (a.status == 404 || a.status == 405) s += ", or --path PATH of a page the server answers (e.g. --path /healthz)";
  return s + " (scenario: load.accepted_statuses, load.path)";
}

// The body as a single-quoted --expect-body argument: escaped, and a quote written \x27 (which
// unescape_c reads back), so the shell passes it through unchanged.
std::string expect_body_argument(std::string_view body) {
  std::string out = "'";
  for (char c : escape_c(body)) out += c == '\'' ? std::string("\\x27") : std::string(1, c);
  return out + "'";
}

std::string body_refusal(const LoadSpec& spec, const PreflightAnswer& a) {
  std::string s = "the pre-flight request GET " + spec.path + " got status " + std::to_string(a.status) +
                  " and another body than the expected " + quote_bytes(spec.expected_body, 40) + ": pass ";
  if (a.body.size() <= kBodySuggested && !a.body.empty()) s += "--expect-body " + expect_body_argument(a.body) + " or ";
  return s + "--any-body (scenario: load.expected_body)";
}

}  // namespace

std::optional<PreflightAnswer> send_preflight_request(const LoadSpec& spec, const std::string& host, int port,
                                                      mono_ns deadline, std::string* error) {
  const auto to = loopback_endpoint(host, port);
  if (!to) return *error = "not a loopback address: " + host, std::nullopt;
  UniqueFd fd(::socket(to->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return *error = std::string("socket: ") + std::strerror(errno), std::nullopt;
  const int one = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ResponseParser parser;
  if (!connect_until(fd.get(), *to, deadline, error) ||
      !send_until(fd.get(), build_get_request(host, port, spec.path, false, spec.headers), deadline, error) ||
      !read_until(fd.get(), parser, deadline, error))
    return std::nullopt;
  PreflightAnswer a;
  a.status = parser.status_code();
  a.status_line = "HTTP/1." + std::to_string(parser.http_minor()) + " " + std::to_string(a.status) + " " +
                  std::string(parser.reason());
  for (std::size_t i = 0; i < parser.header_count(); ++i) {
    const auto [name, value] = parser.header_at(i);
    a.headers.emplace_back(name, value);
  }
  a.body = parser.body();
  return a;
}

std::optional<PreflightRefusal> judge_preflight(const LoadSpec& spec, const PreflightAnswer& a) {
  const RequestError verdict = classify_answer(spec.accepted_statuses, spec.expected_body, a.status, a.body);
  if (verdict == RequestError::ok) return std::nullopt;
  PreflightRefusal r;
  r.summary = verdict == RequestError::bad_status ? status_refusal(spec, a) : body_refusal(spec, a);
  r.details = "  request: GET " + spec.path + " HTTP/1.1" + (spec.headers.empty() ? "" : " with " + std::to_string(spec.headers.size()) + " extra header(s)") +
              "\n  response: " + escape_c(a.status_line) + "\n";
  for (std::size_t i = 0; i < a.headers.size() && i < kMaxHeadersShown; ++i)
    r.details += "    " + escape_c(a.headers[i].first) + ": " + escape_c(a.headers[i].second) + "\n";
  if (a.headers.size() > kMaxHeadersShown)
    r.details += "    (" + std::to_string(a.headers.size() - kMaxHeadersShown) + " more headers)\n";
  r.details += "  body (" + std::to_string(a.body.size()) + " bytes): " + quote_bytes(a.body, kPreflightBodyBytes) + "\n";
  return r;
}

}  // namespace forkcheck::harness
