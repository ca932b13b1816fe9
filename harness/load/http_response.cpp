#include "harness/load/http_response.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>

#include "common/http_text.hpp"
#include "common/loopback.hpp"

namespace forkcheck::harness {

using namespace http_text;

std::string_view to_string(ParseError e) {
  switch (e) {
    case ParseError::none: return "none";
    case ParseError::bad_status_line: return "bad_status_line";
    case ParseError::bad_header: return "bad_header";
    case ParseError::head_too_large: return "head_too_large";
    case ParseError::too_many_headers: return "too_many_headers";
    case ParseError::bad_content_length: return "bad_content_length";
    case ParseError::bad_chunk: return "bad_chunk";
    case ParseError::body_too_large: return "body_too_large";
    case ParseError::response_too_large: return "response_too_large";
    case ParseError::too_many_interim: return "too_many_interim";
    case ParseError::unexpected_upgrade: return "unexpected_upgrade";
    case ParseError::truncated: return "truncated";
  }
  return "unknown";
}

ResponseParser::ResponseParser(ResponseLimits limits) : limits_(limits) {
  constexpr std::size_t span_max = std::numeric_limits<std::uint32_t>::max() / 2;
  limits_.max_head_bytes = std::clamp<std::size_t>(limits_.max_head_bytes, 16, span_max);
  limits_.max_body_bytes = std::min<std::size_t>(limits_.max_body_bytes, std::size_t{1} << 40);
  head_.reserve(std::min<std::size_t>(limits_.max_head_bytes, 1024));
  body_.reserve(std::min<std::size_t>(limits_.max_body_bytes, 256));
  headers_.reserve(std::min<std::size_t>(limits_.max_headers, 32));
}

void ResponseParser::reset() {
  stage_ = Stage::head;
  framing_ = Framing::none;
  status_ = ParseStatus::need_more;
  error_ = ParseError::none;
  head_.clear();
  line_.clear();
  body_.clear();
  headers_.clear();
  reason_ = {};
  wire_bytes_ = unconsumed_ = head_scanned_ = body_remaining_ = trailer_bytes_ = 0;
  interim_responses_ = 0;
  status_code_ = 0;
  http_minor_ = 1;
  connection_close_ = connection_keep_alive_ = false;
  has_content_length_ = has_transfer_encoding_ = false;
  content_length_ = 0;
  worker_pid_ = 0;
}

ParseStatus ResponseParser::feed(std::string_view bytes) {
  unconsumed_ = 0;
  if (status_ != ParseStatus::need_more) {
    unconsumed_ = bytes.size();
    return status_;
  }
  std::string_view in = bytes;
  // Every step consumes bytes or moves to another stage; the guard only bounds the loop.
  const std::size_t max_steps = 2 * bytes.size() + 16;
  for (std::size_t steps = 0; steps < max_steps && !in.empty(); ++steps) {
    const std::size_t before = in.size();
    const ParseStatus s = step(in);
    wire_bytes_ += before - in.size();
    if (wire_bytes_ > limits_.max_wire_bytes) return fail(ParseError::response_too_large);
    if (s != ParseStatus::need_more) break;
  }
  if (status_ == ParseStatus::complete) unconsumed_ = in.size();
  return status_;
}

ParseStatus ResponseParser::finish_at_eof() {
  if (status_ != ParseStatus::need_more) return status_;
  if (stage_ == Stage::until_close) return complete();
  return fail(ParseError::truncated);
}

std::string_view ResponseParser::reason() const {
  if (static_cast<std::size_t>(reason_.offset) + reason_.length > head_.size()) return {};
  return text(reason_);
}

std::optional<std::string_view> ResponseParser::header(std::string_view name) const {
  for (const Header& h : headers_) {
    if (iequals(text(h.name), name)) return text(h.value);
  }
  return std::nullopt;
}

std::pair<std::string_view, std::string_view> ResponseParser::header_at(std::size_t i) const {
  return {text(headers_.at(i).name), text(headers_.at(i).value)};
}

bool ResponseParser::keep_alive() const {
  if (status_ != ParseStatus::complete || framing_ == Framing::until_close) return false;
  if (connection_close_ || (has_transfer_encoding_ && has_content_length_)) return false;
  return http_minor_ >= 1 || connection_keep_alive_;
}

ParseStatus ResponseParser::step(std::string_view& in) {
  switch (stage_) {
    case Stage::head: return feed_head(in);
    case Stage::fixed_body: return feed_fixed_body(in);
    case Stage::chunk_size: return feed_chunk_size(in);
    case Stage::chunk_data: return feed_chunk_data(in);
    case Stage::chunk_data_end: return feed_chunk_data_end(in);
    case Stage::trailers: return feed_trailers(in);
    case Stage::until_close: return feed_until_close(in);
    case Stage::done: return ParseStatus::complete;
    case Stage::failed: return ParseStatus::error;
  }
  return fail(ParseError::bad_status_line);
}

ParseStatus ResponseParser::feed_head(std::string_view& in) {
  const std::size_t old_size = head_.size();
  const std::size_t take = std::min(in.size(), limits_.max_head_bytes - old_size);
  head_.append(in.substr(0, take));
  const std::size_t end = head_.find("\r\n\r\n", head_scanned_ >= 3 ? head_scanned_ - 3 : 0);
  if (end == std::string::npos) {
    head_scanned_ = head_.size();
    in.remove_prefix(take);
    if (head_.size() >= limits_.max_head_bytes) return fail(ParseError::head_too_large);
    return ParseStatus::need_more;
  }
  const std::size_t head_length = end + 4;
  in.remove_prefix(head_length - old_size);
  head_.resize(head_length);
  return parse_head();
}

ParseStatus ResponseParser::parse_head() {
  headers_.clear();
  connection_close_ = connection_keep_alive_ = has_content_length_ = has_transfer_encoding_ = false;
  const std::string_view all(head_);
  std::size_t pos = all.find("\r\n");
  if (!parse_status_line(all.substr(0, pos))) return fail(ParseError::bad_status_line);
  for (pos += 2; pos + 2 < all.size();) {
    const std::size_t eol = all.find("\r\n", pos);
    if (headers_.size() >= limits_.max_headers) return fail(ParseError::too_many_headers);
    if (!parse_header_line(all.substr(pos, eol - pos), static_cast<std::uint32_t>(pos))) {
      return fail(ParseError::bad_header);
    }
    pos = eol + 2;
  }
  return apply_headers();
}

bool ResponseParser::parse_status_line(std::string_view line) {
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1.") return false;
  if ((line[7] != '0' && line[7] != '1') || line[8] != ' ') return false;
  int code = 0;
  if (!parse_decimal(line.substr(9, 3), 999, code) || code < 100) return false;
  if (line.size() > 12 && (line[12] != ' ' || !all_field_chars(line.substr(13)))) return false;
  http_minor_ = line[7] - '0';
  status_code_ = code;
  reason_ = line.size() > 12 ? Span{13, static_cast<std::uint32_t>(line.size() - 13)} : Span{12, 0};
  return true;
}

bool ResponseParser::parse_header_line(std::string_view line, std::uint32_t offset) {
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  const std::string_view name = line.substr(0, colon);
  if (!all_token_chars(name)) return false;
  const std::string_view raw_value = line.substr(colon + 1);
  const std::string_view value = trim_ows(raw_value);
  if (!all_field_chars(value)) return false;
  const auto value_offset = static_cast<std::uint32_t>(offset + colon + 1 + (value.data() - raw_value.data()));
  headers_.push_back({Span{offset, static_cast<std::uint32_t>(colon)},
                      Span{value_offset, static_cast<std::uint32_t>(value.size())}});
  return true;
}

ParseStatus ResponseParser::apply_headers() {
  bool chunked_last = false;
  for (const Header& h : headers_) {
    const std::string_view name = text(h.name);
    const std::string_view value = text(h.value);
    if (iequals(name, "content-length")) {
      std::size_t length = 0;
      if (!parse_decimal(value, std::numeric_limits<std::size_t>::max() / 2, length)) {
        return fail(ParseError::bad_content_length);
      }
      if (has_content_length_ && length != content_length_) return fail(ParseError::bad_content_length);
      has_content_length_ = true;
      content_length_ = length;
    } else if (iequals(name, "transfer-encoding")) {
      has_transfer_encoding_ = true;
      chunked_last = iequals(last_token(value), "chunked");
    } else if (iequals(name, "connection")) {
      connection_close_ = connection_close_ || has_token(value, "close");
      connection_keep_alive_ = connection_keep_alive_ || has_token(value, "keep-alive");
    } else if (iequals(name, "x-worker-pid")) {
      int pid = 0;
      worker_pid_ = parse_decimal(value, std::numeric_limits<pid_t>::max(), pid) ? pid : 0;
    }
  }
  if (status_code_ >= 100 && status_code_ < 200) {
    if (status_code_ == 101) return fail(ParseError::unexpected_upgrade);
    if (++interim_responses_ > limits_.max_interim_responses) return fail(ParseError::too_many_interim);
    head_.clear();
    head_scanned_ = 0;
    headers_.clear();
    worker_pid_ = 0;
    return ParseStatus::need_more;
  }
  framing_ = has_transfer_encoding_ ? (chunked_last ? Framing::chunked : Framing::until_close)
             : has_content_length_  ? Framing::length
                                    : Framing::until_close;
  if (status_code_ == 204 || status_code_ == 304) framing_ = Framing::none;
  return begin_body();
}

ParseStatus ResponseParser::begin_body() {
  switch (framing_) {
    case Framing::none: return complete();
    case Framing::length:
      if (content_length_ > limits_.max_body_bytes) return fail(ParseError::body_too_large);
      if (content_length_ == 0) return complete();
      body_remaining_ = content_length_;
      stage_ = Stage::fixed_body;
      return ParseStatus::need_more;
    case Framing::chunked: stage_ = Stage::chunk_size; return ParseStatus::need_more;
    case Framing::until_close: stage_ = Stage::until_close; return ParseStatus::need_more;
  }
  return fail(ParseError::bad_header);
}

ParseStatus ResponseParser::complete() {
  stage_ = Stage::done;
  status_ = ParseStatus::complete;
  return status_;
}

ParseStatus ResponseParser::fail(ParseError e) {
  stage_ = Stage::failed;
  status_ = ParseStatus::error;
  error_ = e;
  return status_;
}

std::string build_get_request(std::string_view host, int port, std::string_view path, bool keep_alive,
                              const std::vector<std::pair<std::string, std::string>>& headers) {
  const bool host_given =
      std::any_of(headers.begin(), headers.end(), [](const auto& h) { return iequals(h.first, "host"); });
  std::string request;
  request.reserve(96 + host.size() + path.size());
  request.append("GET ").append(path).append(" HTTP/1.1\r\n");
  if (!host_given) request.append("Host: ").append(host_and_port(host, port)).append("\r\n");
  for (const auto& [name, value] : headers) request.append(name).append(": ").append(value).append("\r\n");
  request.append("Connection: ").append(keep_alive ? "keep-alive" : "close").append("\r\n\r\n");
  return request;
}

}  // namespace forkcheck::harness
