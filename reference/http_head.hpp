#pragma once
// A strict HTTP/1.1 request-head parser (RFC 9110/9112), run once per request by the worker before
// any handler sees it. It fills a Request (http_message.hpp, the handlers' API) and says how the body is
// framed; every violation is a named error with the 4xx status it is answered with. Pure: bytes
// in, verdict out, no I/O.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "reference/http_message.hpp"

namespace forkcheck::reference {

struct HeadLimits {
  std::size_t head_max_bytes = 16 * 1024;  // request line + fields + the empty line
  std::size_t fields_max = 100;
  std::size_t body_max_bytes = 64 * 1024;
};

enum class HeadError : std::uint8_t {
  none,
  head_too_large,          // 431
  too_many_fields,         // 431
  bare_line_feed,          // 400: a line ended by LF alone
  bad_request_line,        // 400: not `method SP target SP version`
  bad_method,              // 400: method is not a token
  bad_target,              // 400: not visible ASCII, bad %-encoding, or a form the method cannot use
  bad_version,             // 400: not HTTP/DIGIT.DIGIT
  unsupported_version,     // 505
  obs_fold,                // 400: a field line starting with whitespace
  missing_colon,           // 400
  space_before_colon,      // 400
  bad_field_name,          // 400: not a token
  bad_field_value,         // 400: a control character (CR, NUL, ...)
  missing_host,            // 400: HTTP/1.1 without Host
  duplicate_host,          // 400
  bad_content_length,      // 400: not digits, or two different values
  length_and_chunked,      // 400: Content-Length and Transfer-Encoding together
  bad_transfer_encoding,   // 400: chunked not last, or any coding in HTTP/1.0
  unsupported_coding,      // 501: a transfer coding other than chunked
  body_too_large,          // 413: announced Content-Length over the limit
  unsupported_expectation, // 417: Expect other than 100-continue
  bad_chunk,               // 400: chunk size or chunk line malformed
};

std::string_view to_string(HeadError error);
int status_for(HeadError error);

enum class BodyFraming : std::uint8_t { none, length, chunked };

struct ParsedHead {
  std::size_t head_bytes = 0;  // through the empty line, leading empty lines included
  BodyFraming framing = BodyFraming::none;
  std::uint64_t content_length = 0;
  bool expect_continue = false;
  bool keep_alive = true;      // HTTP/1.1 unless `Connection: close`; HTTP/1.0 only with keep-alive
};

enum class Verdict : std::uint8_t { complete, incomplete, rejected };

struct HeadResult {
  Verdict verdict = Verdict::incomplete;
  HeadError error = HeadError::none;
  ParsedHead head;
};

// Parses the head at the start of `buffer` into `request` (method, target, path, params, version,
// headers). Incomplete while no empty line ends the head and the limit is not passed.
HeadResult parse_head(std::string_view buffer, const HeadLimits& limits, Request& request);

struct ChunkedResult {
  Verdict verdict = Verdict::incomplete;
  HeadError error = HeadError::none;  // bad_chunk, body_too_large, or a trailer's field error
  std::size_t consumed = 0;           // bytes of the chunked body, through the trailer section
};

// Decodes a whole chunked body from the start of `buffer` into `body` (cleared first).
ChunkedResult decode_chunked(std::string_view buffer, const HeadLimits& limits, std::string& body);

}  // namespace forkcheck::reference
