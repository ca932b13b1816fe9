#pragma once
// The `--events` feed, written by the primary only, to an O_APPEND file. Events are stamped when
// they happen (t_ns) and formatted and written by flush(), one write(2) for everything added since
// the last flush: the primary flushes once per turn of its loop, before it waits again, so a reader
// tailing the file sees each event within that turn — and neither JSON formatting nor a write(2)
// stands between a worker's death and the fork of its replacement.
#include <string>
#include <vector>

#include "common/event.hpp"
#include "common/unique_fd.hpp"

namespace forkcheck::reference {

class EventLog {
 public:
  EventLog() = default;  // disabled: add() and flush() do nothing
  // Truncates `path`. False (and *error) when it cannot be opened.
  bool open(const std::string& path, std::string* error);
  // Keeps the event; it is formatted and reaches the file at the next flush().
  void add(const Event& event);
  void flush();
  bool enabled() const { return fd_.valid(); }
  // In a forked worker: give up the handle and the primary's unflushed lines, so only the primary
  // ever writes, and each line once.
  void close();

 private:
  UniqueFd fd_;
  std::vector<Event> pending_;
  bool reported_failure_ = false;
};

}  // namespace forkcheck::reference
