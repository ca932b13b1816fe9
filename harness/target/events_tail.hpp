#pragma once
// Reads refcluster's event feed while refcluster writes it: each poll() returns the complete lines
// added since the last one. A line that does not parse is kept as an error, never fatal.
#include <cstdio>
#include <string>
#include <vector>

#include "common/event.hpp"

namespace forkcheck::harness {

class EventsTail {
 public:
  explicit EventsTail(std::string path) : path_(std::move(path)) {}
  EventsTail(const EventsTail&) = delete;
  EventsTail& operator=(const EventsTail&) = delete;
  ~EventsTail();

  std::vector<Event> poll();
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  std::string partial_;
  std::vector<std::string> errors_;
};

}  // namespace forkcheck::harness
