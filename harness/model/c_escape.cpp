#include "harness/model/c_escape.hpp"

namespace forkcheck::harness {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<char> simple_escape(char c) {
  switch (c) {
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case '0': return '\0';
    case '\\': return '\\';
    case '"': return '"';
    case '\'': return '\'';
    case 'a': return '\a';
    case 'b': return '\b';
    case 'f': return '\f';
    case 'v': return '\v';
    default: return std::nullopt;
  }
}

}  // namespace

std::optional<std::string> unescape_c(std::string_view text, std::string* error) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    if (i + 1 == text.size()) {
      if (error) *error = "a backslash at the end (write \\\\ for a backslash)";
      return std::nullopt;
    }
    const char c = text[++i];
    if (const auto simple = simple_escape(c)) {
      out += *simple;
      continue;
    }
    if (c == 'x' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
      continue;
    }
    if (error)
      *error = c == 'x' ? std::string("\\x needs two hex digits (e.g. \\x0d)")
                        : "unknown escape \\" + std::string(1, c) +
                              " (understood: \\n \\r \\t \\0 \\\\ \\\" \\' \\a \\b \\f \\v \\xHH)";
    return std::nullopt;
  }
  return out;
}

std::string escape_c(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      case '\\': out += "\\\\"; continue;
      case '"': out += "\\\""; continue;
      default: break;
    }
    if (u >= 0x20 && u < 0x7f) {
      out += c;
    } else {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    }
  }
  return out;
}

std::string quote_bytes(std::string_view bytes, std::size_t max_bytes) {
  const bool cut = bytes.size() > max_bytes;
  std::string out = "\"" + escape_c(bytes.substr(0, max_bytes)) + "\"";
  if (cut) out += "... (" + std::to_string(bytes.size()) + " bytes)";
  return out;
}

}  // namespace forkcheck::harness
