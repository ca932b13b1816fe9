#pragma once
// The `--events` feed, written by the primary only. One write(2) per line on an O_APPEND file: a
// reader tailing the file sees each event as soon as it happens (nothing is buffered in-process).
#include <string>

#include "common/event.hpp"
#include "common/unique_fd.hpp"

namespace forkcheck::reference {

class EventLog {
 public:
  EventLog() = default;  // disabled: write() does nothing
  // Truncates `path`. False (and *error) when it cannot be opened.
  bool open(const std::string& path, std::string* error);
  void write(const Event& event);
  bool enabled() const { return fd_.valid(); }
  // In a forked worker: give up the handle so only the primary ever writes.
  void close() { fd_.reset(); }

 private:
  UniqueFd fd_;
  bool reported_failure_ = false;
};

}  // namespace forkcheck::reference
