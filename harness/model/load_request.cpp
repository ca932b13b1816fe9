#include "harness/model/load_request.hpp"

#include <algorithm>
#include <array>

#include "common/http_text.hpp"
#include "common/loopback.hpp"

namespace forkcheck::harness {
std::optional<std::string> request_path_error(std::string_view path) {
  if (path.empty() || path.front() != '/') return "must start with '/' (origin form, e.g. /healthz)";
  const auto bad = [](char c) { return c == ' ' || c == '\t' || !http_text::is_field_char(c); };
  if (std::any_of(path.begin(), path.end(), bad))
    return "must not contain spaces, CR, LF or other control characters";
  return std::nullopt;
}

std::optional<std::string> header_name_error(std::string_view name) {
  if (!http_text::all_token_chars(name))
    return "'" + std::string(name) + "' is not a header name (letters, digits and !#$%&'*+-.^_`|~ only)";
  static constexpr std::array<std::string_view, 3> kSetByTheLoad = {"Connection", "Content-Length", "Transfer-Encoding"};
  for (std::string_view own : kSetByTheLoad)
    if (http_text::iequals(name, own))
      return std::string(own) + " is set by the load itself (keep_alive decides Connection; requests have no body)";
  return std::nullopt;
}

std::optional<std::string> header_value_error(std::string_view value) {
  if (!http_text::all_field_chars(value))
    return "must not contain CR, LF or other control characters";
  return std::nullopt;
}

RequestError classify_answer(const std::vector<int>& accepted, std::string_view expected_body, int status,
                             std::string_view body) {
  if (std::find(accepted.begin(), accepted.end(), status) == accepted.end()) return RequestError::bad_status;
  if (!expected_body.empty() && body != expected_body) return RequestError::bad_body;
  return RequestError::ok;
}

std::optional<std::string> load_host_error(std::string_view host) {
  if (loopback_endpoint(host, 0)) return std::nullopt;
  return "'" + std::string(host) + "' is not a loopback address: 127.0.0.1 (any 127.x.y.z) or ::1 only";
}

}  // namespace forkcheck::harness
