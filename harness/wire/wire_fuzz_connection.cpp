#include "harness/wire/wire_fuzz_connection.hpp"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include "common/unique_fd.hpp"
#include "harness/load/http_response.hpp"

namespace forkcheck::harness {
namespace {

constexpr std::size_t kMaxReadBytes = 1 << 20;  // what one input's answer may bring back
constexpr int kMaxWaits = 100'000;              // polls per phase, besides the deadline
// With nothing back this long after the last byte, the client half-closes: a server waiting for the
// rest of a truncated request then sees its end at once and frees the connection. Not at once,
// because some servers (cpp-httplib) drop the answer to a request whose client has half-closed.
constexpr mono_ns kHalfCloseAfter = ms_to_ns(20);

// Waits for `events` on fd until `deadline`; false on timeout.
bool wait_for(int fd, short events, mono_ns deadline) {
  for (int i = 0; i < kMaxWaits; ++i) {
    const mono_ns left = deadline - monotonic_ns();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, static_cast<int>(std::max<mono_ns>(1, left / 1'000'000)));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return true;  // let the next call report the error
  }
  return false;
}

WireOutcome error_outcome(int err) {
  if (err == ECONNRESET || err == EPIPE) return WireOutcome::reset;
  if (err == ECONNREFUSED) return WireOutcome::refused;
  if (err == ETIMEDOUT) return WireOutcome::timeout;
  return WireOutcome::error;
}

bool end_with(WireInputRecord& r, WireOutcome outcome, int err = 0) {
  r.outcome = outcome;
  r.sys_errno = err;
  r.end_ns = monotonic_ns();
  return false;
}

bool open_connection(UniqueFd& fd, const LoopbackEndpoint& server, WireInputRecord& r, mono_ns deadline) {
  fd.reset(::socket(server.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return end_with(r, WireOutcome::error, errno);
  if (::connect(fd.get(), server.get(), server.length) != 0 && errno != EINPROGRESS)
    return end_with(r, errno == ECONNREFUSED ? WireOutcome::refused : WireOutcome::error, errno);
  if (!wait_for(fd.get(), POLLOUT, deadline)) return end_with(r, WireOutcome::timeout);
  int err = 0;
  socklen_t len = sizeof err;
  ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) return end_with(r, err == ECONNREFUSED ? WireOutcome::refused : WireOutcome::error, err);
  sockaddr_storage local{};
  socklen_t local_len = sizeof local;
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&local), &local_len) == 0) r.local_port = port_of(local);
  return true;
}

bool write_all(int fd, std::string_view bytes, WireInputRecord& r, mono_ns deadline) {
  for (int i = 0; i < kMaxWaits && !bytes.empty(); ++i) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait_for(fd, POLLOUT, deadline)) return end_with(r, WireOutcome::timeout);
    } else {
      return end_with(r, error_outcome(errno), errno);
    }
  }
  if (!bytes.empty()) return end_with(r, WireOutcome::timeout);
  r.sent_ns = monotonic_ns();
  return true;
}

void take_answer(const ResponseParser& parser, WireInputRecord& r) {
  if (parser.status() != ParseStatus::complete) return;
  r.status = parser.status_code();
  r.worker_pid = parser.worker_pid();
}

// Reads until the first complete response (its status and worker are kept), the server's close or
// reset, or the deadline. A keep-alive answer ends the input: the connection is not reused.
void read_answer(int fd, WireInputRecord& r, mono_ns deadline) {
  ResponseParser parser;
  char buffer[4096];
  std::size_t total = 0;
  bool half_closed = false;
  const mono_ns half_close_at = std::min(deadline, r.sent_ns + kHalfCloseAfter);
  for (int i = 0; i < kMaxWaits && total < kMaxReadBytes; ++i) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n > 0) {
      total += static_cast<std::size_t>(n);
      if (parser.status() == ParseStatus::need_more &&
          parser.feed(std::string_view(buffer, static_cast<std::size_t>(n))) == ParseStatus::complete) {
        take_answer(parser, r);
        end_with(r, WireOutcome::answered);
        return;
      }
    } else if (n == 0) {
      if (parser.status() == ParseStatus::need_more && parser.started()) parser.finish_at_eof();
      take_answer(parser, r);
      end_with(r, r.status ? WireOutcome::answered : WireOutcome::closed);
      return;
    } else if (errno != EAGAIN && errno != EINTR) {
      end_with(r, error_outcome(errno), errno);
      return;
    } else if (!half_closed) {
      if (!wait_for(fd, POLLIN, half_close_at)) {
        ::shutdown(fd, SHUT_WR);
        half_closed = true;
        r.half_closed_ns = monotonic_ns();
      }
    } else if (!wait_for(fd, POLLIN, deadline)) {
      break;
    }
  }
  end_with(r, WireOutcome::timeout);
}

}  // namespace

WireInputRecord send_wire_input(const LoopbackEndpoint& server, std::string_view bytes, mono_ns timeout_ns) {
  WireInputRecord r;
  r.size = static_cast<std::uint32_t>(bytes.size());
  r.connect_ns = monotonic_ns();
  const mono_ns deadline = r.connect_ns + timeout_ns;
  UniqueFd fd;
  if (!open_connection(fd, server, r, deadline)) return r;
  if (!write_all(fd.get(), bytes, r, deadline)) return r;
  read_answer(fd.get(), r, deadline);
  return r;
}

}  // namespace forkcheck::harness
