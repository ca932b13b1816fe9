#include "reference/event_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace forkcheck::reference {

bool EventLog::open(const std::string& path, std::string* error) {
  fd_.reset(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644));
  if (!fd_ && error) *error = "cannot open events file " + path + ": " + std::strerror(errno);
  return fd_.valid();
}

void EventLog::add(const Event& event) {
  if (fd_) pending_.push_back(event);
}

void EventLog::flush() {
  std::string lines;
  for (const Event& event : pending_) lines += to_json_line(event) + '\n';
  pending_.clear();
  std::size_t done = 0;
  while (fd_ && done < lines.size()) {
    const ssize_t n = ::write(fd_.get(), lines.data() + done, lines.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // A full disk must not take the cluster down: say it once and keep serving.
      if (!reported_failure_) std::fprintf(stderr, "refcluster: events file write failed: %s\n", std::strerror(errno));
      reported_failure_ = true;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
}

void EventLog::close() {
  fd_.reset();
  pending_.clear();
}

}  // namespace forkcheck::reference
