#include "harness/target/events_tail.hpp"

namespace forkcheck::harness {

EventsTail::~EventsTail() {
  if (file_) std::fclose(file_);
}

std::vector<Event> EventsTail::poll() {
  std::vector<Event> out;
  if (!file_) file_ = std::fopen(path_.c_str(), "r");
  if (!file_) return out;
  char buffer[8192];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file_)) > 0) partial_.append(buffer, n);
  std::clearerr(file_);  // at EOF now; the writer may append more
  std::size_t start = 0;
  for (std::size_t nl; (nl = partial_.find('\n', start)) != std::string::npos; start = nl + 1) {
    const std::string_view line(partial_.data() + start, nl - start);
    if (line.empty()) continue;
    std::string error;
    if (auto event = parse_event_line(line, &error)) out.push_back(std::move(*event));
    else if (errors_.size() < 100) errors_.push_back(std::string(line.substr(0, 200)) + ": " + error);
  }
  partial_.erase(0, start);
  return out;
}

}  // namespace forkcheck::harness
