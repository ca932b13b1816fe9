#pragma once
// What a run is told about the server under test beyond its scenario file: which request it answers
// (`--path`, `--header`), what a good answer is (`--expect-status`, `--expect-body`, `--any-body`)
// and which signal asks its primary for a graceful stop (`--stop-signal`). The same overrides come
// from the command line of `run`, `explore` and `suite`, and from a suite target's `load:` and
// `stop_signal:` keys; a suite passes them on to its cells as `run` flags. Pure.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/model/scenario.hpp"

namespace YAML {
class Node;
}

namespace forkcheck::harness {

class YamlReader;

struct TargetOverrides {
  std::optional<std::string> path;
  // Each replaces the scenario's header of the same name (case-insensitive), or is added after them.
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<std::vector<int>> accepted_statuses;
  std::optional<std::string> expected_body;  // "": any body (of an accepted status)
  std::optional<int> stop_signal;

  bool empty() const;
};

// The command-line flags as typed, before parse_target_overrides checks them.
struct TargetOverrideFlags {
  std::optional<std::string> path;
  std::vector<std::string> headers;           // "Name: value"
  std::optional<std::string> expect_status;   // "200" or "200,204"
  std::optional<std::string> expect_body;     // C escapes understood: 'OK\n'
  bool any_body = false;
  std::optional<std::string> stop_signal;     // SIGQUIT, QUIT or 3
};

// Empty, with a one-line *error naming the flag, when a flag's value is refused.
std::optional<TargetOverrides> parse_target_overrides(const TargetOverrideFlags& flags, std::string* error);

// "Name: value" (spaces around the value trimmed) into its two parts, checked as load.headers are.
std::optional<std::pair<std::string, std::string>> parse_header_option(std::string_view text, std::string* error);
// "200,204" into statuses 100..599.
std::optional<std::vector<int>> parse_status_list(std::string_view text, std::string* error);
// Why `signal` cannot be a stop signal (SIGKILL, SIGSTOP, SIGCONT), or nothing.
std::optional<std::string> stop_signal_error(int signal);

// `over` on top of `base`: a value `over` sets wins; headers of both, `over`'s replacing `base`'s.
TargetOverrides layered(const TargetOverrides& base, const TargetOverrides& over);

// Sets them on the scenario: load.path, load.headers, load.accepted_statuses, load.expected_body,
// and the stop signal (set_stop_signal).
void apply_target_overrides(Scenario& s, const TargetOverrides& o);
void apply_load_overrides(LoadSpec& load, const TargetOverrides& o);

// The `forkcheck run` flags that say the same (for reproduce commands and a suite's cells):
// e.g. {"--path", "/healthz", "--expect-body", "OK\\n"}. parse_target_overrides reads them back.
std::vector<std::string> target_override_arguments(const TargetOverrides& o);

// The request keys of a `load:` mapping (path, headers, accepted_statuses, expected_body), checked
// and read into overrides; `prefix` names the mapping in errors ("load", "targets[1].load"). Keys
// other than these are the caller's to allow or refuse. Shared by scenario and suite files.
TargetOverrides read_request_overrides(const YamlReader& r, const YAML::Node& load, const std::string& prefix);
// A `stop_signal:` value (SIGQUIT, QUIT or 3), refused as stop_signal_error says.
int read_stop_signal(const YamlReader& r, const YAML::Node& n, const std::string& field);

}  // namespace forkcheck::harness
