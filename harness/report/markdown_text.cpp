#include "harness/report/markdown_text.hpp"

#include <algorithm>

namespace forkcheck::harness {

std::string markdown_cell(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

std::string markdown_code(std::string_view text) {
  std::size_t longest = 0, run = 0;
  for (char c : text) longest = std::max(longest, run = (c == '`' ? run + 1 : 0));
  const std::string fence(longest + 1, '`');
  // A space keeps a backtick at either end from joining the fence.
  const bool pad = !text.empty() && (text.front() == '`' || text.back() == '`');
  return fence + (pad ? " " : "") + markdown_cell(text) + (pad ? " " : "") + fence;
}

}  // namespace forkcheck::harness
