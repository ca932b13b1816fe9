#include "reference/http_session.hpp"

#include <charconv>

namespace forkcheck::reference {
namespace {

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

std::string_view reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Payload Too Large";
    case 417: return "Expectation Failed";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

void append_number(std::string& out, std::uint64_t n) {
  char digits[24];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
  out.append(digits, end);
}

}  // namespace

void write_response(const Response& response, AnswerShape shape, const Service& service, std::string& out) {
  out.append("HTTP/1.1 ");
  append_number(out, static_cast<std::uint64_t>(response.status));
  out.push_back(' ');
  out.append(reason(response.status));
  out.append("\r\n");
  if (!response.content_type.empty()) out.append("Content-Type: ").append(response.content_type).append("\r\n");
  for (const auto& [name, value] : response.headers) {
    if (iequals(name, "content-length")) continue;
    out.append(name).append(": ").append(value).append("\r\n");
  }
  out.append(service.fixed_header_lines);
  out.append("Content-Length: ");
  append_number(out, response.body.size());
  if (!shape.keep_alive) out.append("\r\nConnection: close");
  else if (shape.http10) out.append("\r\nConnection: keep-alive");
  out.append("\r\n\r\n");
  if (shape.with_body) out.append(response.body);
}

void HttpSession::process(std::string& out) {
  while (!closing_ && (head_ || start_ < in_.size())) {
    if (!head_ && !take_head(out)) break;
    if (closing_ || !take_body(out)) break;
    answer(out);
  }
  // Consumed bytes are dropped once per batch, not once per request.
  if (start_ > 0 && (start_ == in_.size() || start_ > 4096)) {
    in_.erase(0, start_);
    scanned_ = scanned_ > start_ ? scanned_ - start_ : 0;
    start_ = 0;
  }
}

// The head is parsed only when a line feed arrived since the last try: a client sending one byte
// at a time costs one scan per line, not one parse per byte.
bool HttpSession::take_head(std::string& out) {
  const std::size_t from = std::max(scanned_, start_);
  if (in_.find('\n', from) == std::string::npos) {
    scanned_ = in_.size();
    if (in_.size() - start_ > service_->limits.head.head_max_bytes) reject(status_for(HeadError::head_too_large), out);
    return false;
  }
  request_ = Request();
  const HeadResult result = parse_head(std::string_view(in_).substr(start_), service_->limits.head, request_);
  if (result.verdict == Verdict::rejected) {
    reject(status_for(result.error), out);
    return false;
  }
  if (result.verdict == Verdict::incomplete) {
    scanned_ = in_.size();
    return false;
  }
  start_ += result.head.head_bytes;
  scanned_ = start_;
  head_ = result.head;
  continue_sent_ = false;
  return true;
}

bool HttpSession::take_body(std::string& out) {
  const std::string_view pending = std::string_view(in_).substr(start_);
  if (head_->framing == BodyFraming::length) {
    if (pending.size() >= head_->content_length) {
      request_.body.assign(pending.substr(0, head_->content_length));
      start_ += head_->content_length;
      return true;
    }
  } else if (head_->framing == BodyFraming::chunked) {
    const ChunkedResult chunked = decode_chunked(pending, service_->limits.head, request_.body);
    if (chunked.verdict == Verdict::rejected) {
      reject(status_for(chunked.error), out);
      return false;
    }
    if (chunked.verdict == Verdict::complete) {
      start_ += chunked.consumed;
      return true;
    }
  } else {
    return true;
  }
  if (head_->expect_continue && !continue_sent_) {
    out.append(kContinue);
    continue_sent_ = true;
  }
  return false;
}

void HttpSession::answer(std::string& out) {
  Response response;
  service_->handler(request_, response);
  ++answered_;
  const bool keep_alive = head_->keep_alive && !draining_ && answered_ < service_->limits.keep_alive_max;
  const AnswerShape shape{.with_body = request_.method != "HEAD", .keep_alive = keep_alive,
                          .http10 = request_.version == "HTTP/1.0"};
  write_response(response, shape, *service_, out);
  head_.reset();
  scanned_ = start_;
  closing_ = !keep_alive;
}

void HttpSession::reject(int status, std::string& out) {
  Response response;
  response.status = status;
  write_response(response, {.with_body = true, .keep_alive = false, .http10 = false}, *service_, out);
  head_.reset();
  closing_ = rejected_ = true;
}

void HttpSession::drain() {
  draining_ = true;
  // A connection that has not sent its first request yet was accepted for one: it is awaited.
  if (phase() == SessionPhase::idle && answered_ > 0) closing_ = true;
}

void HttpSession::time_out(std::string& out) {
  if (!closing_) reject(408, out);
}

SessionPhase HttpSession::phase() const {
  if (closing_) return SessionPhase::closing;
  if (head_) return SessionPhase::body;
  return start_ < in_.size() ? SessionPhase::head : SessionPhase::idle;
}

}  // namespace forkcheck::reference
