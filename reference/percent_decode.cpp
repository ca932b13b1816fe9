#include "reference/percent_decode.hpp"

namespace forkcheck::reference {

int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_escape_at(std::string_view s, std::size_t at) {
  return at + 2 < s.size() && hex_digit_value(s[at + 1]) >= 0 && hex_digit_value(s[at + 2]) >= 0;
}

std::optional<std::string> percent_decode(std::string_view s, PlusSign plus) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (!is_escape_at(s, i)) return std::nullopt;
      out.push_back(static_cast<char>(hex_digit_value(s[i + 1]) * 16 + hex_digit_value(s[i + 2])));
      i += 2;
    } else {
      out.push_back(plus == PlusSign::space && s[i] == '+' ? ' ' : s[i]);
    }
  }
  return out;
}

std::optional<std::vector<QueryParam>> parse_query(std::string_view query) {
  std::vector<QueryParam> params;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto name = percent_decode(pair.substr(0, eq), PlusSign::space);
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), PlusSign::space);
    if (!name || !value) return std::nullopt;
    params.push_back({std::move(*name), std::move(*value)});
  }
  return params;
}

}  // namespace forkcheck::reference
