#pragma once
// Percent-decoding of a request target (RFC 3986 §2.1) and the query's name=value pairs
// (application/x-www-form-urlencoded, as the WHATWG URL standard parses it). Pure.
//
// A malformed escape — "%" not followed by two hex digits — is an error, not a literal "%": the
// target is not a URI (RFC 3986's pct-encoded = "%" HEXDIG HEXDIG), and guessing what a client
// meant would let two servers read one target two ways. The strict head parser rejects such a
// target before decoding (400), so a handler never sees one. Decoded bytes are not checked further:
// "%00" gives a NUL byte, and non-UTF-8 sequences stay as they are.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace forkcheck::reference {

// The value of one hex digit, or -1.
int hex_digit_value(char c);

// Whether `s` holds a well-formed escape ("%" HEXDIG HEXDIG) starting at `at` (where s[at] == '%').
bool is_escape_at(std::string_view s, std::size_t at);

// In a query, "+" stands for a space; in a path it is a plus.
enum class PlusSign : std::uint8_t { plus, space };

// `s` with every escape replaced by its byte; nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view s, PlusSign plus = PlusSign::plus);

struct QueryParam {
  std::string name;
  std::string value;
  bool operator==(const QueryParam&) const = default;
};

// The query's pairs in order: split at "&" (empty pieces skipped), each at its first "=" (none: an
// empty value), both sides decoded with "+" as a space. Repeated names and empty names are kept.
// nullopt on a malformed escape.
std::optional<std::vector<QueryParam>> parse_query(std::string_view query);

}  // namespace forkcheck::reference
