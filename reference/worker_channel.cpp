#include "reference/worker_channel.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace forkcheck::reference {

WorkerChannel open_worker_channel() {
  int fds[2] = {-1, -1};
  if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) return {};
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

bool send_worker_message(int write_fd, const WorkerMessage& message, bool retry) {
  for (int attempt = 0; attempt < (retry ? 200 : 1); ++attempt) {
    const ssize_t n = ::write(write_fd, &message, sizeof message);
    if (n == static_cast<ssize_t>(sizeof message)) return true;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN) return false;
    pollfd p{write_fd, POLLOUT, 0};
    ::poll(&p, 1, 10);  // the pipe is full: wait (bounded) until the primary drains it
  }
  return false;
}

std::vector<WorkerMessage> read_worker_messages(int read_fd) {
  std::vector<WorkerMessage> out;
  std::array<WorkerMessage, 64> buffer{};
  for (;;) {
    const ssize_t n = ::read(read_fd, buffer.data(), sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    // Writes are atomic and whole, so the pipe only ever holds whole messages.
    const auto count = static_cast<std::size_t>(n) / sizeof(WorkerMessage);
    out.insert(out.end(), buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(count));
    if (static_cast<std::size_t>(n) < sizeof buffer) break;
  }
  return out;
}

}  // namespace forkcheck::reference
