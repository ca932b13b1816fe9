#pragma once
// An incremental HTTP/1.1 response parser and the one request the load sends. Pure: bytes in,
// verdict out, no I/O. A broken or malicious server may send anything, so every input path is
// bounded (head size, header count, body size, total bytes) and ends in an error, never a crash.
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace forkcheck::harness {

struct ResponseLimits {
  std::size_t max_head_bytes = 16 * 1024;     // status line + headers, and chunked trailers
  std::size_t max_headers = 64;
  std::size_t max_body_bytes = 1024 * 1024;
  std::size_t max_wire_bytes = 4 * 1024 * 1024;  // everything fed for one response (chunk framing included)
  std::size_t max_chunk_line_bytes = 256;     // "1a;ext=..." lines
  int max_interim_responses = 8;              // 1xx before the final response
};

enum class ParseStatus { need_more, complete, error };

enum class ParseError {
  none,
  bad_status_line,
  bad_header,
  head_too_large,
  too_many_headers,
  bad_content_length,
  bad_chunk,
  body_too_large,
  response_too_large,
  too_many_interim,
  unexpected_upgrade,
  truncated,  // the peer closed before the response was complete
};
std::string_view to_string(ParseError e);

class ResponseParser {
 public:
  explicit ResponseParser(ResponseLimits limits = {});

  // Ready for the next response on the same connection; keeps buffer capacity.
  void reset();
  // Feeds the next bytes. After `complete`, unconsumed() bytes of this call were not used
  // (they belong to no request of ours: the caller should not reuse the connection).
  ParseStatus feed(std::string_view bytes);
  // The peer closed the connection: completes a read-until-close body, otherwise an error.
  ParseStatus finish_at_eof();

  ParseStatus status() const { return status_; }
  ParseError error() const { return error_; }
  bool started() const { return wire_bytes_ > 0; }
  std::size_t unconsumed() const { return unconsumed_; }

  int status_code() const { return status_code_; }
  int http_minor() const { return http_minor_; }
  std::string_view reason() const;
  std::size_t header_count() const { return headers_.size(); }
  std::optional<std::string_view> header(std::string_view name) const;  // first match, any case
  std::pair<std::string_view, std::string_view> header_at(std::size_t i) const;  // name, value; i < header_count()
  std::string_view body() const { return body_; }
  bool keep_alive() const;       // the connection may carry another request after this response
  pid_t worker_pid() const { return worker_pid_; }  // X-Worker-Pid, 0 if absent or malformed

 private:
  enum class Stage { head, fixed_body, chunk_size, chunk_data, chunk_data_end, trailers, until_close, done, failed };
  enum class Framing { none, length, chunked, until_close };
  struct Span {
    std::uint32_t offset = 0;
    std::uint32_t length = 0;
  };
  struct Header {
    Span name;
    Span value;
  };

  ParseStatus step(std::string_view& in);
  ParseStatus feed_head(std::string_view& in);
  ParseStatus parse_head();
  bool parse_status_line(std::string_view line);
  bool parse_header_line(std::string_view line, std::uint32_t offset);
  ParseStatus apply_headers();
  ParseStatus choose_framing();
  ParseStatus begin_body();
  ParseStatus feed_fixed_body(std::string_view& in);
  ParseStatus feed_until_close(std::string_view& in);
  ParseStatus feed_chunk_size(std::string_view& in);
  ParseStatus feed_chunk_data(std::string_view& in);
  ParseStatus feed_chunk_data_end(std::string_view& in);
  ParseStatus feed_trailers(std::string_view& in);
  bool take_line(std::string_view& in, std::size_t limit, bool& too_long);
  ParseStatus complete();
  ParseStatus fail(ParseError e);
  std::string_view text(Span s) const { return std::string_view(head_).substr(s.offset, s.length); }

  ResponseLimits limits_;
  Stage stage_ = Stage::head;
  Framing framing_ = Framing::none;
  ParseStatus status_ = ParseStatus::need_more;
  ParseError error_ = ParseError::none;
  std::string head_;
  std::string line_;  // chunk-size and trailer lines being assembled
  std::string body_;
  std::vector<Header> headers_;
  Span reason_;
  std::size_t wire_bytes_ = 0;
  std::size_t unconsumed_ = 0;
  std::size_t head_scanned_ = 0;
  std::size_t body_remaining_ = 0;
  std::size_t trailer_bytes_ = 0;
  int interim_responses_ = 0;
  int status_code_ = 0;
  int http_minor_ = 1;
  bool connection_close_ = false;
  bool connection_keep_alive_ = false;
  bool has_content_length_ = false;
  bool has_transfer_encoding_ = false;
  std::size_t content_length_ = 0;
  pid_t worker_pid_ = 0;
};

// "GET <path> HTTP/1.1" with Host (host:port, [::1]:port for IPv6; a "Host" in `headers` replaces
// it), the extra headers in order, and an explicit Connection header (keep-alive or close).
std::string build_get_request(std::string_view host, int port, std::string_view path, bool keep_alive,
                              const std::vector<std::pair<std::string, std::string>>& headers = {});

}  // namespace forkcheck::harness
