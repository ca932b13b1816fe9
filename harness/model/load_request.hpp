#pragma once
// What a scenario may say about the request its load sends (`load.path`, `load.headers`,
// `load.accepted_statuses`, `load.host`): the checks shared by the scenario parser and the load
// generator, so a value the parser accepts is one the generator can put on the wire. Pure.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/model/history.hpp"

namespace forkcheck::harness {

// Each returns why the value is refused, or nothing when it is fine.
// A request target in origin form: starts with '/', no space, no control byte (CR, LF, ...).
std::optional<std::string> request_path_error(std::string_view path);
// A header name: an RFC 9110 token; not one the load sets itself (Connection, Content-Length,
// Transfer-Encoding). Host is allowed and replaces the default Host header.
std::optional<std::string> header_name_error(std::string_view name);
// A header value: no CR, LF or other control byte but a tab.
std::optional<std::string> header_value_error(std::string_view value);
// An IPv4 loopback address (127.0.0.0/8) or ::1: forkcheck never sends load off the machine.
std::optional<std::string> load_host_error(std::string_view host);

// How a complete response is judged, by the load and by the run's pre-flight request alike: a status
// not in `accepted` is bad_status; then a body other than a non-empty `expected_body` is bad_body;
// else ok.
RequestError classify_answer(const std::vector<int>& accepted, std::string_view expected_body, int status,
                             std::string_view body);

inline constexpr int kMinStatus = 100;
inline constexpr int kMaxStatus = 599;

}  // namespace forkcheck::harness
