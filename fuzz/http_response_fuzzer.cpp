// Surface: what a target sends back to the harness's load (harness/load/http_response.hpp).
// Input: byte 0 = options (bit 0: tight limits, so short inputs reach every limit; bit 1: also
// feed one byte at a time), bytes 1-2 = split point (little endian, modulo the length), then the
// bytes the server sends. A keep-alive connection may carry several responses: after each
// complete one the parser is reset and fed the unconsumed rest, as the load does.
// Invariants: no crash, no hang; every response ends complete or with a named error; a complete
// response respects the limits; and the verdicts do not depend on how the bytes were split.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.hpp"
#include "harness/load/http_response.hpp"
#include "common/http_text.hpp"

namespace {

using forkcheck::harness::ParseError;
using forkcheck::harness::ParseStatus;
using forkcheck::harness::ResponseLimits;
using forkcheck::harness::ResponseParser;

constexpr ResponseLimits kTightLimits{.max_head_bytes = 64,
                                      .max_headers = 4,
                                      .max_body_bytes = 64,
                                      .max_wire_bytes = 256,
                                      .max_chunk_line_bytes = 16,
                                      .max_interim_responses = 2};
constexpr std::size_t kMaxResponses = 64;

// What the load would record about one response.
struct Verdict {
  ParseStatus status = ParseStatus::need_more;
  ParseError error = ParseError::none;
  int status_code = 0;
  int http_minor = 0;
  std::string reason;
  std::string body;
  std::size_t header_count = 0;
  bool keep_alive = false;
  pid_t worker_pid = 0;
  bool operator==(const Verdict&) const = default;
};

Verdict verdict_of(const ResponseParser& p, const ResponseLimits& limits) {
  Verdict v{p.status(), p.error(), p.status_code(), p.http_minor(), std::string(p.reason()),
            std::string(p.body()), p.header_count(), p.keep_alive(), p.worker_pid()};
  FUZZ_CHECK(v.status != ParseStatus::need_more, "a response ends complete or failed");
  FUZZ_CHECK((v.status == ParseStatus::error) == (v.error != ParseError::none), "an error is named");
  FUZZ_CHECK(forkcheck::harness::to_string(v.error) != "unknown", "every error has a name");
  if (v.status == ParseStatus::complete) {
    FUZZ_CHECK(v.status_code >= 200 && v.status_code <= 999, "a final response has a final status");
    FUZZ_CHECK(v.http_minor == 0 || v.http_minor == 1, "HTTP/1.0 or HTTP/1.1");
    FUZZ_CHECK(v.body.size() <= limits.max_body_bytes, "the body respects max_body_bytes");
    FUZZ_CHECK(v.header_count <= limits.max_headers, "the headers respect max_headers");
    FUZZ_CHECK(forkcheck::http_text::all_field_chars(v.reason), "the reason is text");
    FUZZ_CHECK(v.worker_pid >= 0, "a worker pid is a pid");
    (void)p.header("content-length");
  } else {
    FUZZ_CHECK(!v.keep_alive, "a failed response never keeps the connection");
    FUZZ_CHECK(v.body.size() <= limits.max_body_bytes, "a failed body respects max_body_bytes too");
    v.body.clear();  // how much of a failed body was kept depends on where the bytes were cut
  }
  return v;
}

// Feeds `wire` cut at `cuts` (ascending offsets), then end of stream.
std::vector<Verdict> parse_all(std::string_view wire, const std::vector<std::size_t>& cuts,
                               const ResponseLimits& limits) {
  std::vector<Verdict> verdicts;
  ResponseParser parser(limits);
  std::size_t from = 0;
  for (std::size_t i = 0; i <= cuts.size(); ++i) {
    const std::size_t to = i < cuts.size() ? cuts[i] : wire.size();
    std::string_view piece = wire.substr(from, to - from);
    from = to;
    while (!piece.empty()) {
      const ParseStatus s = parser.feed(piece);
      if (s == ParseStatus::need_more) break;
      verdicts.push_back(verdict_of(parser, limits));
      if (s == ParseStatus::error || verdicts.size() >= kMaxResponses) return verdicts;
      FUZZ_CHECK(parser.unconsumed() < piece.size(), "a complete response consumed bytes");
      piece.remove_prefix(piece.size() - parser.unconsumed());
      parser.reset();
      FUZZ_CHECK(!parser.started() && parser.status() == ParseStatus::need_more, "reset starts afresh");
    }
  }
  if (parser.started()) {
    parser.finish_at_eof();
    verdicts.push_back(verdict_of(parser, limits));
  }
  return verdicts;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const bool tight = (data[0] & 1) != 0;
  const bool bytewise = (data[0] & 2) != 0;
  const std::string_view wire(reinterpret_cast<const char*>(data) + 3, size - 3);
  const std::size_t split = (data[1] | (std::size_t{data[2]} << 8)) % (wire.size() + 1);
  const ResponseLimits limits = tight ? kTightLimits : ResponseLimits{};

  const std::vector<Verdict> whole = parse_all(wire, {}, limits);
  FUZZ_CHECK(parse_all(wire, {split}, limits) == whole, "a split feed gives the same verdicts");
  if (bytewise) {
    std::vector<std::size_t> cuts;
    for (std::size_t i = 1; i < wire.size(); ++i) cuts.push_back(i);
    FUZZ_CHECK(parse_all(wire, cuts, limits) == whole, "a byte-at-a-time feed gives the same verdicts");
  }
  return 0;
}
