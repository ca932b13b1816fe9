#include "reference/http_head.hpp"

#include <array>
#include <charconv>
#include <cctype>
#include <optional>
#include <utility>

#include "common/name_table.hpp"

namespace forkcheck::reference {
namespace {

constexpr NameTable<HeadError, 23> kErrorNames{{
    {HeadError::none, "none"},
    {HeadError::head_too_large, "head_too_large"},
    {HeadError::too_many_fields, "too_many_fields"},
    {HeadError::bare_line_feed, "bare_line_feed"},
    {HeadError::bad_request_line, "bad_request_line"},
    {HeadError::bad_method, "bad_method"},
    {HeadError::bad_target, "bad_target"},
    {HeadError::bad_version, "bad_version"},
    {HeadError::unsupported_version, "unsupported_version"},
    {HeadError::obs_fold, "obs_fold"},
    {HeadError::missing_colon, "missing_colon"},
    {HeadError::space_before_colon, "space_before_colon"},
    {HeadError::bad_field_name, "bad_field_name"},
    {HeadError::bad_field_value, "bad_field_value"},
    {HeadError::missing_host, "missing_host"},
    {HeadError::duplicate_host, "duplicate_host"},
    {HeadError::bad_content_length, "bad_content_length"},
    {HeadError::length_and_chunked, "length_and_chunked"},
    {HeadError::bad_transfer_encoding, "bad_transfer_encoding"},
    {HeadError::unsupported_coding, "unsupported_coding"},
    {HeadError::body_too_large, "body_too_large"},
    {HeadError::unsupported_expectation, "unsupported_expectation"},
    {HeadError::bad_chunk, "bad_chunk"},
}};

// RFC 9110 §5.6.2 tchar.
constexpr std::array<bool, 256> token_table() {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = t[c - 32] = true;
  for (unsigned char c : std::string_view("!#$%&'*+-.^_`|~")) t[c] = true;
  return t;
}
constexpr auto kToken = token_table();

// RFC 3986 pchar plus "/" and "?" (origin-form), without "%" (checked with its two hex digits).
constexpr std::array<bool, 256> target_table() {
  std::array<bool, 256> t = token_table();
  for (unsigned char c : std::string_view("^`|%#")) t[c] = false;
  for (unsigned char c : std::string_view("()*,;=:@/?[]")) t[c] = true;
  return t;
}
constexpr auto kTargetChar = target_table();

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s)
    if (!kToken[c]) return false;
  return true;
}

bool is_target(std::string_view s) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '%') {
      if (!is_escape_at(s, i)) return false;
      i += 2;
    } else if (!kTargetChar[c]) {
      return false;
    }
  }
  return true;
}

// RFC 9110 §5.5 field-value: visible characters, obs-text, SP and HTAB (OWS already trimmed).
bool is_field_value(std::string_view s) {
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  return true;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The next CRLF-terminated line at `pos`: its content, or nullopt while incomplete. A line feed
// without its carriage return is an error, reported through `error`.
std::optional<std::string_view> next_line(std::string_view buffer, std::size_t pos, HeadError& error) {
  const std::size_t lf = buffer.find('\n', pos);
  if (lf == std::string_view::npos) return std::nullopt;
  if (lf == pos || buffer[lf - 1] != '\r') {
    error = HeadError::bare_line_feed;
    return std::nullopt;
  }
  return buffer.substr(pos, lf - 1 - pos);
}

// The path and query of an origin-form or absolute-form target, decoded. is_target() has checked
// every escape, so decoding cannot fail here; if it did, the target would be refused all the same.
bool split_target(std::string_view target, Request& request) {
  std::string_view path = target;
  if (const auto scheme = target.find("://"); target.front() != '/' && scheme != std::string_view::npos) {
    const auto slash = target.find('/', scheme + 3);
    path = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  const auto query = path.find('?');
  auto decoded_path = percent_decode(path.substr(0, query), PlusSign::plus);
  if (!decoded_path) return false;
  request.path = std::move(*decoded_path);
  if (query == std::string_view::npos) return true;
  auto params = parse_query(path.substr(query + 1));
  if (!params) return false;
  request.params = std::move(*params);
  return true;
}

bool is_absolute_form(std::string_view target) {
  const auto scheme = target.find("://");
  return scheme != std::string_view::npos && scheme > 0 && std::isalpha(static_cast<unsigned char>(target[0]));
}

HeadError parse_request_line(std::string_view line, Request& request) {
  const auto sp1 = line.find(' ');
  const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return HeadError::bad_request_line;
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!is_token(method)) return HeadError::bad_method;
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || !std::isdigit(static_cast<unsigned char>(version[5])) ||
      version[6] != '.' || !std::isdigit(static_cast<unsigned char>(version[7])))
    return HeadError::bad_version;
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return HeadError::unsupported_version;
  const bool asterisk = target == "*" && method == "OPTIONS";
  const bool authority = method == "CONNECT" && target.front() != '/';
  if (!asterisk && (!is_target(target) || (target.front() != '/' && !authority && !is_absolute_form(target))))
    return HeadError::bad_target;
  request.method.assign(method);
  request.target.assign(target);
  request.version.assign(version);
  if (!asterisk && !authority && !split_target(target, request)) return HeadError::bad_target;
  return HeadError::none;
}

HeadError parse_field_line(std::string_view line, Request& request) {
  if (line.front() == ' ' || line.front() == '\t') return HeadError::obs_fold;
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return HeadError::missing_colon;
  const std::string_view name = line.substr(0, colon);
  if (!name.empty() && (name.back() == ' ' || name.back() == '\t')) return HeadError::space_before_colon;
  if (!is_token(name)) return HeadError::bad_field_name;
  const std::string_view value = trim_ows(line.substr(colon + 1));
  if (!is_field_value(value)) return HeadError::bad_field_value;
  request.headers.add(name, value);
  return HeadError::none;
}

// What the framing-relevant fields say, collected while the field lines are read.
struct Framing {
  int hosts = 0;
  std::optional<std::string_view> content_length;
  bool content_length_conflict = false;
  std::optional<std::string_view> transfer_encoding;
  int transfer_encodings = 0;
  std::optional<std::string_view> expect;
  bool connection_close = false;
  bool connection_keep_alive = false;
};

void note_connection_tokens(std::string_view value, Framing& f) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    const std::string_view token = trim_ows(value.substr(0, comma));
    if (iequals(token, "close")) f.connection_close = true;
    if (iequals(token, "keep-alive")) f.connection_keep_alive = true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

void note_field(std::string_view name, std::string_view value, Framing& f) {
  if (iequals(name, "host")) {
    ++f.hosts;
  } else if (iequals(name, "content-length")) {
    if (f.content_length && *f.content_length != value) f.content_length_conflict = true;
    f.content_length = value;
  } else if (iequals(name, "transfer-encoding")) {
    ++f.transfer_encodings;
    f.transfer_encoding = value;
  } else if (iequals(name, "expect")) {
    f.expect = value;
  } else if (iequals(name, "connection")) {
    note_connection_tokens(value, f);
  }
}

HeadError transfer_coding_error(const Framing& f, bool http10) {
  if (http10) return HeadError::bad_transfer_encoding;
  const std::string_view te = *f.transfer_encoding;
  if (f.transfer_encodings == 1 && iequals(te, "chunked")) return HeadError::none;
  const auto last_comma = te.rfind(',');
  const std::string_view last = trim_ows(last_comma == std::string_view::npos ? te : te.substr(last_comma + 1));
  return iequals(last, "chunked") || f.transfer_encodings > 1 ? HeadError::unsupported_coding
                                                               : HeadError::bad_transfer_encoding;
}

HeadError apply_framing(const Framing& f, bool http10, const HeadLimits& limits, ParsedHead& head) {
  if (f.hosts == 0 && !http10) return HeadError::missing_host;
  if (f.hosts > 1) return HeadError::duplicate_host;
  if (f.content_length && f.transfer_encoding) return HeadError::length_and_chunked;
  if (f.transfer_encoding) {
    if (const HeadError e = transfer_coding_error(f, http10); e != HeadError::none) return e;
    head.framing = BodyFraming::chunked;
  }
  if (f.content_length) {
    const std::string_view cl = *f.content_length;
    const auto [end, ec] = std::from_chars(cl.data(), cl.data() + cl.size(), head.content_length);
    if (f.content_length_conflict || cl.empty() || ec != std::errc() || end != cl.data() + cl.size() || cl.front() == '+')
      return HeadError::bad_content_length;
    if (head.content_length > limits.body_max_bytes) return HeadError::body_too_large;
    head.framing = head.content_length > 0 ? BodyFraming::length : BodyFraming::none;
  }
  if (f.expect) {
    if (!iequals(*f.expect, "100-continue")) return HeadError::unsupported_expectation;
    head.expect_continue = head.framing != BodyFraming::none;
  }
  head.keep_alive = !f.connection_close && (!http10 || f.connection_keep_alive);
  return HeadError::none;
}

HeadResult reject(HeadError error) { return {.verdict = Verdict::rejected, .error = error, .head = {}}; }

}  // namespace

std::string_view to_string(HeadError error) { return name_in(kErrorNames, error).value_or("?"); }

int status_for(HeadError error) {
  switch (error) {
    case HeadError::none: return 200;
    case HeadError::head_too_large:
    case HeadError::too_many_fields: return 431;
    case HeadError::unsupported_version: return 505;
    case HeadError::unsupported_coding: return 501;
    case HeadError::body_too_large: return 413;
    case HeadError::unsupported_expectation: return 417;
    default: return 400;
  }
}

HeadResult parse_head(std::string_view buffer, const HeadLimits& limits, Request& request) {
  std::size_t pos = 0;
  // RFC 9112 §2.2: empty lines before the request line are ignored.
  while (buffer.substr(pos, 2) == "\r\n" && pos < limits.head_max_bytes) pos += 2;
  Framing framing;
  std::size_t fields = 0;
  for (bool first = true;; first = false) {
    HeadError error = HeadError::none;
    const auto line = next_line(buffer, pos, error);
    if (error != HeadError::none) return reject(error);
    if (!line) return buffer.size() > limits.head_max_bytes ? reject(HeadError::head_too_large) : HeadResult{};
    pos += line->size() + 2;
    if (pos > limits.head_max_bytes) return reject(HeadError::head_too_large);
    if (first) {
      error = parse_request_line(*line, request);
    } else if (line->empty()) {
      HeadResult done{.verdict = Verdict::complete, .error = HeadError::none, .head = {.head_bytes = pos}};
      error = apply_framing(framing, request.version == "HTTP/1.0", limits, done.head);
      return error == HeadError::none ? done : reject(error);
    } else if (++fields > limits.fields_max) {
      error = HeadError::too_many_fields;
    } else if (error = parse_field_line(*line, request); error == HeadError::none) {
      const auto colon = line->find(':');
      note_field(line->substr(0, colon), trim_ows(line->substr(colon + 1)), framing);
    }
    if (error != HeadError::none) return reject(error);
  }
}

// chunked-body = *chunk last-chunk trailer-section CRLF (RFC 9112 §7.1). Chunk extensions are
// skipped (visible characters only); trailer fields are checked like header fields and dropped.
ChunkedResult decode_chunked(std::string_view buffer, const HeadLimits& limits, std::string& body) {
  body.clear();
  const auto fail = [](HeadError e) { return ChunkedResult{.verdict = Verdict::rejected, .error = e, .consumed = 0}; };
  const std::size_t overhead_max = limits.head_max_bytes;  // chunk lines and trailers, in total
  std::size_t pos = 0;
  for (;;) {
    HeadError error = HeadError::none;
    const auto line = next_line(buffer, pos, error);
    if (error != HeadError::none) return fail(HeadError::bad_chunk);
    if (!line) return buffer.size() > limits.body_max_bytes + overhead_max ? fail(HeadError::body_too_large) : ChunkedResult{};
    const std::string_view size_text = line->substr(0, line->find_first_of("; \t"));
    std::uint64_t size = 0;
    const auto [end, ec] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
    if (size_text.empty() || ec != std::errc() || end != size_text.data() + size_text.size() ||
        !is_field_value(line->substr(size_text.size())))
      return fail(ec == std::errc::result_out_of_range ? HeadError::body_too_large : HeadError::bad_chunk);
    if (size > limits.body_max_bytes - body.size()) return fail(HeadError::body_too_large);
    pos += line->size() + 2;
    if (size == 0) break;
    if (buffer.size() < pos + size + 2) return {};
    if (buffer.substr(pos + size, 2) != "\r\n") return fail(HeadError::bad_chunk);
    body.append(buffer.substr(pos, size));
    pos += size + 2;
  }
  for (Request trailers;;) {  // trailer section, ended by an empty line
    HeadError error = HeadError::none;
    const auto line = next_line(buffer, pos, error);
    if (error != HeadError::none) return fail(HeadError::bad_chunk);
    if (!line) return buffer.size() > limits.body_max_bytes + overhead_max ? fail(HeadError::body_too_large) : ChunkedResult{};
    pos += line->size() + 2;
    if (line->empty()) return {.verdict = Verdict::complete, .error = HeadError::none, .consumed = pos};
    if (error = parse_field_line(*line, trailers); error != HeadError::none) return fail(error);
  }
}

}  // namespace forkcheck::reference
