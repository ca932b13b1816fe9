// The body half of ResponseParser: Content-Length, chunked (with trailers) and read-until-close.
#include <algorithm>

#include "harness/load/http_response.hpp"
#include "common/http_text.hpp"

namespace forkcheck::harness {

using namespace http_text;

ParseStatus ResponseParser::feed_fixed_body(std::string_view& in) {
  const std::size_t take = std::min(in.size(), body_remaining_);
  body_.append(in.substr(0, take));
  in.remove_prefix(take);
  body_remaining_ -= take;
  return body_remaining_ == 0 ? complete() : ParseStatus::need_more;
}

ParseStatus ResponseParser::feed_until_close(std::string_view& in) {
  if (in.size() > limits_.max_body_bytes - body_.size()) return fail(ParseError::body_too_large);
  body_.append(in);
  in.remove_prefix(in.size());
  return ParseStatus::need_more;
}

// Moves bytes up to and including the next '\n' into line_; true once the line is whole.
bool ResponseParser::take_line(std::string_view& in, std::size_t limit, bool& too_long) {
  const std::size_t newline = in.find('\n');
  const std::size_t take = newline == std::string_view::npos ? in.size() : newline + 1;
  if (line_.size() + take > limit) {
    too_long = true;
    return false;
  }
  line_.append(in.substr(0, take));
  in.remove_prefix(take);
  return newline != std::string_view::npos;
}

namespace {

bool strip_crlf(std::string_view& line) {
  if (line.size() < 2 || line.substr(line.size() - 2) != "\r\n") return false;
  line.remove_suffix(2);
  return true;
}

// chunk-ext after the size: nothing, or optional whitespace then ';' and field characters.
bool valid_chunk_extension(std::string_view rest) {
  const std::string_view trimmed = trim_ows(rest);
  if (trimmed.empty()) return true;
  return trimmed.front() == ';' && all_field_chars(trimmed);
}

}  // namespace

ParseStatus ResponseParser::feed_chunk_size(std::string_view& in) {
  bool too_long = false;
  if (!take_line(in, limits_.max_chunk_line_bytes, too_long)) {
    return too_long ? fail(ParseError::bad_chunk) : ParseStatus::need_more;
  }
  std::string_view line(line_);
  if (!strip_crlf(line)) return fail(ParseError::bad_chunk);
  std::size_t size = 0;
  std::size_t digits = 0;
  for (; digits < line.size() && hex_digit(line[digits]) >= 0; ++digits) {
    size = size * 16 + static_cast<std::size_t>(hex_digit(line[digits]));
    if (size > limits_.max_body_bytes - body_.size()) return fail(ParseError::body_too_large);
  }
  if (digits == 0 || !valid_chunk_extension(line.substr(digits))) return fail(ParseError::bad_chunk);
  line_.clear();
  body_remaining_ = size;
  stage_ = size == 0 ? Stage::trailers : Stage::chunk_data;
  return ParseStatus::need_more;
}

ParseStatus ResponseParser::feed_chunk_data(std::string_view& in) {
  const std::size_t take = std::min(in.size(), body_remaining_);
  body_.append(in.substr(0, take));
  in.remove_prefix(take);
  body_remaining_ -= take;
  if (body_remaining_ == 0) stage_ = Stage::chunk_data_end;
  return ParseStatus::need_more;
}

ParseStatus ResponseParser::feed_chunk_data_end(std::string_view& in) {
  bool too_long = false;
  if (!take_line(in, 2, too_long)) return too_long ? fail(ParseError::bad_chunk) : ParseStatus::need_more;
  if (line_ != "\r\n") return fail(ParseError::bad_chunk);
  line_.clear();
  stage_ = Stage::chunk_size;
  return ParseStatus::need_more;
}

ParseStatus ResponseParser::feed_trailers(std::string_view& in) {
  bool too_long = false;
  const std::size_t before = line_.size();
  const bool whole = take_line(in, limits_.max_head_bytes, too_long);
  trailer_bytes_ += line_.size() - before;
  if (too_long || trailer_bytes_ > limits_.max_head_bytes) return fail(ParseError::head_too_large);
  if (!whole) return ParseStatus::need_more;
  std::string_view line(line_);
  if (!strip_crlf(line)) return fail(ParseError::bad_chunk);
  const bool last = line.empty();
  const bool valid = last || line.find(':') != std::string_view::npos;
  line_.clear();
  if (!valid) return fail(ParseError::bad_header);
  return last ? complete() : ParseStatus::need_more;
}

}  // namespace forkcheck::harness
