#pragma once
// Character classes and token helpers of HTTP/1.1 (RFC 9110 §5.6): the response parser, and the
// checks on the request headers a scenario adds.
#include <cstddef>
#include <string_view>

namespace forkcheck::http_text {

inline char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

inline bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// VCHAR, obs-text, SP and HTAB: what a field value or reason phrase may hold.
inline bool is_field_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u == '\t' || (u >= 0x20 && u != 0x7f);
}

inline bool all_token_chars(std::string_view s) {
  for (char c : s) {
    if (!is_token_char(c)) return false;
  }
  return !s.empty();
}

inline bool all_field_chars(std::string_view s) {
  for (char c : s) {
    if (!is_field_char(c)) return false;
  }
  return true;
}

inline std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Digits only, at least one, at most `max`; no sign, no spaces.
template <typename T>
bool parse_decimal(std::string_view s, T max, T& out) {
  if (s.empty()) return false;
  T value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    const T digit = static_cast<T>(c - '0');
    if (value > (max - digit) / 10) return false;
    value = static_cast<T>(value * 10 + digit);
  }
  out = value;
  return true;
}

inline int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  const char l = lower(c);
  if (l >= 'a' && l <= 'f') return l - 'a' + 10;
  return -1;
}

inline std::string_view last_token(std::string_view list) {
  const std::size_t comma = list.rfind(',');
  return trim_ows(comma == std::string_view::npos ? list : list.substr(comma + 1));
}

inline bool has_token(std::string_view list, std::string_view token) {
  for (std::size_t guard = 0; guard <= list.size(); ++guard) {
    const std::size_t comma = list.find(',');
    if (iequals(trim_ows(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) return false;
    list.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace forkcheck::http_text
