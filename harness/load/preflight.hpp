#pragma once
// The pre-flight request: before its schedule starts, `forkcheck run` sends the load's request once
// and judges the answer by the load's own rule (classify_answer). A server whose good answer is not
// the scenario's (another body, a health check on another path) is told so at once, with what came
// back and which option to change, instead of failing hundreds of requests as a "violation".
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.hpp"
#include "harness/model/scenario.hpp"

namespace forkcheck::harness {

struct PreflightAnswer {
  int status = 0;
  std::string status_line;  // "HTTP/1.1 200 OK"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Sends spec.path with spec.headers on a fresh connection to host:port (Connection: close) and reads
// the whole response, until `deadline`. Empty, with *error saying what happened instead (refused,
// reset, closed, timed out, not an HTTP response), when no complete response came back.
std::optional<PreflightAnswer> send_preflight_request(const LoadSpec& spec, const std::string& host, int port,
                                                      mono_ns deadline, std::string* error);

// Why the answer does not meet the spec, or nothing when it does. Pure.
struct PreflightRefusal {
  std::string summary;  // one line: what differs and the option to change
  std::string details;  // the request and the answer: status line, headers, the body's first bytes escaped
};
std::optional<PreflightRefusal> judge_preflight(const LoadSpec& spec, const PreflightAnswer& answer);

// How many bytes of a body a refusal shows.
inline constexpr std::size_t kPreflightBodyBytes = 200;

}  // namespace forkcheck::harness
