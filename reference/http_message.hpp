#pragma once
// The request a handler reads and the response it fills: refcluster's own, just what its worker and
// handlers need (they replaced cpp-httplib's Request/Response, whose library dragged TLS and
// compression libraries into every forked worker). The accessor names follow httplib's, so a
// handler written for it reads the same.
#include <string>
#include <string_view>
#include <vector>

#include "reference/percent_decode.hpp"

namespace forkcheck::reference {

// One header field as received (name as spelled, value with its surrounding whitespace trimmed).
struct HeaderField {
  std::string name;
  std::string value;
};

// Field names compare case-insensitively (RFC 9110 §5.1); the first field of a name wins a lookup.
class HeaderFields {
 public:
  void add(std::string_view name, std::string_view value) { fields_.push_back({std::string(name), std::string(value)}); }
  const std::string* find(std::string_view name) const;
  bool contains(std::string_view name) const { return find(name) != nullptr; }
  void clear() { fields_.clear(); }
  std::size_t size() const { return fields_.size(); }
  auto begin() const { return fields_.begin(); }
  auto end() const { return fields_.end(); }

 private:
  std::vector<HeaderField> fields_;  // a handful per message: a scan beats a map's allocations
};

bool iequals(std::string_view a, std::string_view b);

struct Request {
  std::string method;
  std::string target;   // as received
  std::string path;     // the target's path, percent-decoded ("+" stays a plus)
  std::string version;  // "HTTP/1.1" or "HTTP/1.0"
  std::vector<QueryParam> params;  // the target's query, decoded (percent_decode.hpp)
  HeaderFields headers;
  std::string body;     // de-chunked

  bool has_header(std::string_view name) const { return headers.contains(name); }
  // The first field of that name, or "".
  std::string_view get_header_value(std::string_view name) const;
  bool has_param(std::string_view name) const;
  // The first parameter of that name, or "".
  std::string_view get_param_value(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type;  // written as Content-Type when not empty
  HeaderFields headers;      // more fields; Content-Length is always the writer's
  std::string body;

  void set_header(std::string_view name, std::string_view value) { headers.add(name, value); }
  void set_content(std::string_view content, std::string_view type) {
    body.assign(content);
    content_type.assign(type);
  }
};

}  // namespace forkcheck::reference
