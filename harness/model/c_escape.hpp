#pragma once
// C-style escapes for bytes a user types on a command line (`--expect-body 'OK\n'`) and for bytes a
// target sent back, shown in a message or a report. Pure.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace forkcheck::harness {

// The bytes `text` stands for: \n \r \t \0 \\ \" \' \a \b \f \v and \xHH (two hex digits) are
// understood; any other backslash sequence, or a backslash at the end, is an error (*error says
// which). Text without a backslash is returned as it is.
std::optional<std::string> unescape_c(std::string_view text, std::string* error);

// The reverse, for display: printable ASCII as it is (a backslash and a double quote escaped),
// \n \r \t, every other byte \xHH. unescape_c(escape_c(b)) == b for any bytes b.
std::string escape_c(std::string_view bytes);

// At most max_bytes of `bytes`, escaped and in double quotes, with "... (N bytes)" when cut:
// what a report quotes of a body a target sent.
std::string quote_bytes(std::string_view bytes, std::size_t max_bytes);

}  // namespace forkcheck::harness
