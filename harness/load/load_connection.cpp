#include "harness/load/load_connection.hpp"

#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <string_view>

#include "harness/model/load_request.hpp"

namespace forkcheck::harness {

namespace {

RequestError connect_error_kind(int err) {
  switch (err) {
    case ECONNREFUSED: return RequestError::refused;
    case ETIMEDOUT: return RequestError::connect_timeout;
    case ECONNRESET: return RequestError::reset;
    default: return RequestError::other;
  }
}

RequestError io_error_kind(int err) {
  return (err == ECONNRESET || err == EPIPE) ? RequestError::reset : RequestError::other;
}

constexpr std::uint32_t kClosedOrError = EPOLLERR | EPOLLHUP | EPOLLRDHUP;

}  // namespace

Connection::Connection(const LoadTarget& target, int epoll_fd, std::uint32_t slot, int connection_id,
                       bool keep_alive, bool probe, std::atomic<std::uint64_t>& sent)
    : target_(target),
      epoll_fd_(epoll_fd),
      slot_(slot),
      connection_id_(connection_id),
      keep_alive_(keep_alive),
      probe_(probe),
      sent_(&sent) {}

Progress Connection::begin(std::uint64_t id, mono_ns intended_ns, mono_ns now) {
  record_ = RequestRecord{.id = id, .connection_id = connection_id_, .intended_ns = intended_ns,
                          .start_ns = now, .probe = probe_};
  deadline_ns_ = now + target_.timeout_ns;
  written_ = 0;
  parser_.reset();
  if (state_ != State::idle) return open_connection();
  record_.connection_opened_ns = opened_ns_;
  record_.local_port = local_port_;
  return send_request();
}

Progress Connection::on_event(std::uint32_t events, std::uint32_t generation, std::span<char> buffer) {
  if (generation != generation_) return Progress::pending;
  // Edge-triggered: a FIN that came with the response has no edge of its own later.
  peer_closed_ = peer_closed_ || (events & kClosedOrError) != 0;
  switch (state_) {
    case State::connecting:
      return (events & (EPOLLOUT | kClosedOrError)) ? finish_connect() : Progress::pending;
    case State::writing:
      if (!(events & (EPOLLOUT | kClosedOrError))) return Progress::pending;
      if (send_request() == Progress::finished) return Progress::finished;
      // Edge-triggered: a response that arrived while we waited to write has no edge of its own.
      return (state_ == State::reading && (events & EPOLLIN)) ? read_response(buffer) : Progress::pending;
    case State::reading:
      return (events & (EPOLLIN | kClosedOrError)) ? read_response(buffer) : Progress::pending;
    case State::idle:
      // The server closed a keep-alive connection between requests (or sent bytes nobody asked
      // for): not a failure, the next request opens a new connection.
      if (events & (EPOLLIN | kClosedOrError)) close();
      return Progress::pending;
    case State::closed: return Progress::pending;
  }
  return Progress::pending;
}

Progress Connection::expire_if_overdue(mono_ns now) {
  if (!busy() || now < deadline_ns_) return Progress::pending;
  const RequestError error = state_ == State::connecting ? RequestError::connect_timeout : RequestError::timeout;
  return fail(error, 0);
}

Progress Connection::cancel() {
  if (busy()) return fail(RequestError::cancelled, ECANCELED);
  close();
  return Progress::pending;
}

Progress Connection::open_connection() {
  record_.fresh_connection = true;
  UniqueFd fd(::socket(target_.address.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return fail(RequestError::other, errno);
  const int one = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ++generation_;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.u64 = tag(slot_, generation_);
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd.get(), &ev) != 0) return fail(RequestError::other, errno);
  fd_ = std::move(fd);
  state_ = State::connecting;
  peer_closed_ = false;
  if (::connect(fd_.get(), target_.address.get(), target_.address.length) == 0) return on_connected();
  if (errno == EINPROGRESS) return Progress::pending;
  return fail(connect_error_kind(errno), errno);
}

Progress Connection::finish_connect() {
  int err = 0;
  socklen_t length = sizeof err;
  if (::getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &err, &length) != 0) err = errno;
  if (err == EINPROGRESS || err == EALREADY) return Progress::pending;
  if (err != 0) return fail(connect_error_kind(err), err);
  return on_connected();
}

Progress Connection::on_connected() {
  opened_ns_ = monotonic_ns();
  sockaddr_storage local{};
  socklen_t length = sizeof local;
  const bool named = ::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&local), &length) == 0;
  local_port_ = named ? port_of(local) : 0;
  record_.connection_opened_ns = opened_ns_;
  record_.local_port = local_port_;
  return send_request();
}

Progress Connection::send_request() {
  state_ = State::writing;
  const std::string_view request = keep_alive_ ? target_.keep_alive_request : target_.close_request;
  for (int attempt = 0; attempt < 16; ++attempt) {
    const ssize_t n = ::send(fd_.get(), request.data() + written_, request.size() - written_, MSG_NOSIGNAL);
    if (n > 0) {
      written_ += static_cast<std::size_t>(n);
      if (written_ < request.size()) continue;
      state_ = State::reading;
      sent_->fetch_add(1, std::memory_order_relaxed);
      return Progress::pending;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Progress::pending;
    return fail(io_error_kind(errno), errno);
  }
  return Progress::pending;
}

Progress Connection::read_response(std::span<char> buffer) {
  // Edge-triggered: read until the response is whole or the socket is drained. The parser's
  // wire limit bounds the number of reads one response can take.
  const std::size_t max_reads = ResponseLimits{}.max_wire_bytes / buffer.size() + 2;
  for (std::size_t reads = 0; reads < max_reads; ++reads) {
    const ssize_t n = ::recv(fd_.get(), buffer.data(), buffer.size(), 0);
    if (n > 0) {
      const ParseStatus status = parser_.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
      if (status == ParseStatus::complete) return finish_response();
      if (status == ParseStatus::error) return fail(RequestError::bad_response, 0);
      continue;
    }
    if (n == 0) {
      if (parser_.finish_at_eof() == ParseStatus::complete) return finish_response();
      return fail(RequestError::eof, 0);
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Progress::pending;
    return fail(io_error_kind(errno), errno);
  }
  return fail(RequestError::bad_response, 0);
}

Progress Connection::finish_response() {
  record_.end_ns = monotonic_ns();
  record_.status = parser_.status_code();
  record_.worker_pid = parser_.worker_pid();
  record_.error = classify_response();
  if (keep_alive_ && !peer_closed_ && parser_.keep_alive() && parser_.unconsumed() == 0) {
    state_ = State::idle;
  } else {
    close();
  }
  return Progress::finished;
}

RequestError Connection::classify_response() const {
  return classify_answer(target_.accepted_statuses, target_.expected_body, parser_.status_code(), parser_.body());
}

Progress Connection::fail(RequestError error, int sys_errno) {
  record_.end_ns = monotonic_ns();
  record_.error = error;
  record_.sys_errno = sys_errno;
  record_.status = parser_.status_code();
  record_.worker_pid = parser_.worker_pid();
  close();
  return Progress::finished;
}

void Connection::close() {
  fd_.reset();  // closing the only descriptor also removes it from the epoll set
  state_ = State::closed;
  ++generation_;
}

}  // namespace forkcheck::harness
