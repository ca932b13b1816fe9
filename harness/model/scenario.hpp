#pragma once
// A scenario: one experiment, declared in a YAML file (scenarios/README.md documents every key).
// parse_scenario() is pure: text in, Scenario or an error naming file, line and field out.
#include <csignal>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "harness/model/history.hpp"
#include "harness/model/property.hpp"

namespace forkcheck::harness {

struct LoadSpec {
  double rate_rps = 200;       // constant arrival rate over all connections (open loop)
  bool closed_loop = false;    // true: each connection sends its next request when the last ends
  int connections = 8;
  bool keep_alive = true;
  int timeout_ms = 2000;       // per request, connect included: a hang is a failure
  double probe_rate_hz = 100;  // fresh-connection readiness probes, besides the load
  int threads = 0;             // load threads, each owning its connections; 0: one per core
  std::string expected_body;                        // non-empty: an accepted response with another body is bad_body
  std::string path = "/";                           // the request target of every request and probe
  std::vector<std::pair<std::string, std::string>> headers;  // extra request headers, in the file's order
  std::vector<int> accepted_statuses = {200};       // a response with another status is bad_status
  std::string host = "127.0.0.1";                   // loopback only: 127.0.0.1 (127/8) or ::1
};

enum class VictimSelector { random, newest, all };
std::string_view to_string(VictimSelector v);                               // addition
std::optional<VictimSelector> victim_selector_from_string(std::string_view name);  // addition

// Signals by name: "SIGKILL", "KILL" (any case) or a number. signal_name(9) == "SIGKILL".
std::optional<int> signal_from_string(std::string_view text);  // addition
std::string signal_name(int signal);                            // addition

// create_file / remove_file act on this path by default; the run replaces the placeholder (also in the
// target command) by a file in the report directory, so a target can be told "crash while it exists".
inline constexpr std::string_view kCrashFilePlaceholder = "{crash_file}";
inline constexpr double kDefaultMaxForksPerS = 50;

// wire_fuzz: each occurrence sends `inputs` inputs, one per fresh connection, in turn.
struct WireFuzzSpec {
  int inputs = 8;            // per occurrence
  int max_mutations = 4;     // stacked on a seed; 0: the seeds verbatim, in turn
  int max_bytes = 4096;      // longest input
  int timeout_ms = 500;      // per input: connect, write, then read until the server closes
  std::string corpus;        // directory of extra seed files (relative: to the scenario file); empty: built-in only
};

struct FaultSpec {
  FaultKind kind = FaultKind::kill_worker;
  int signal = SIGKILL;
  double at_s = 0;       // first occurrence, seconds after load start
  double every_s = 0;    // > 0: repeat with this period
  double jitter_s = 0;   // uniform +- jitter on each occurrence, from the seeded RNG
  int count = 1;         // occurrences
  VictimSelector victim = VictimSelector::random;
  int victims = 1;       // how many workers per occurrence (random/newest)
  double for_s = 0;      // kill_new_workers: how long the storm lasts from each occurrence
  std::string path = std::string(kCrashFilePlaceholder);  // create_file / remove_file
  WireFuzzSpec wire;     // wire_fuzz only
};

// Bounds the scenario sets on what the fixed properties do not judge (as k6's thresholds). Each one
// set is checked as its own property (recovery_latency_p99, failed_request_ratio, recovery_time).
struct Thresholds {
  std::optional<double> recovery_latency_p99_ms;  // p99 latency of load requests during recovery windows
  std::optional<double> failed_ratio_max;         // failed / all load requests in the service window, 0..1
  std::optional<double> recovery_ms_max;          // each fault's death to N ready again
};
// N's one limit, for the scenario's `workers` and every command's --workers.
inline constexpr int kMaxWorkers = 1024;

struct Scenario {
  std::string name;
  std::string description;
  std::string source_path;          // the file it came from
  std::string target;               // command template with {port} {workers}; empty: refcluster
  std::optional<int> workers;       // empty: auto (CPU count)
  // Which children of the primary are workers: empty, those holding the port's listening socket (or
  // a connection accepted on it); else those whose command line matches this ECMAScript regex.
  std::string workers_match;
  // The N this scenario means what it says for (its faults count workers): outside, a run is refused.
  std::optional<int> min_workers, max_workers;
  int port = 8000;
  double warmup_s = 1.0;            // load before the first fault may fire
  double duration_s = 5.0;          // load duration, warm-up included
  double recovery_deadline_s = 1.0;
  double start_timeout_s = 10.0;    // how long the target may take to listen
  double stop_grace_s = 5.0;        // how long the primary may take to exit after a stop signal: the harness's, or a term_primary fault's (the harness then sends none before)
  double orphan_grace_s = 0.5;      // how long its tree may outlive the primary's exit: then survivors are orphans
  // The signal that asks the primary for a graceful stop: what a term_primary fault and the
  // harness's own stop send (servers differ: SIGTERM for most, SIGQUIT for some).
  int stop_signal = SIGTERM;
  LoadSpec load;
  std::vector<FaultSpec> faults;
  std::vector<Property> properties; // empty in the file: all
  bool walkthrough = false;         // compare the table with the walkthrough's (steps_match_walkthrough)
  std::optional<double> max_forks_per_s;  // bounded_restarts' limit; set: the property applies by default
  Thresholds thresholds;            // each bound set adds its property to the ones checked
  std::uint64_t seed = 1;
};

struct ScenarioError {
  std::string file;
  int line = 0;        // 1-based; 0 when unknown
  std::string field;   // dotted path, e.g. faults[0].signal
  std::string message;
  std::string to_string() const;  // "file:line: field: message"
};

// addition: the properties a run checks: the scenario's list, or every applicable one when the file
// had none (steps_match_walkthrough only when walkthrough is true, bounded_restarts only when
// max_forks_per_s is set, graceful_stop only with a term_primary fault, graceful_worker_stop only
// with a fault that sends SIGTERM to workers); then, in either case, the
// threshold properties whose bound the scenario sets.
std::vector<Property> properties_to_check(const Scenario& s);
// Whether p is a threshold property, and whether `s` sets its bound.
bool is_threshold(Property p);
bool threshold_set(const Scenario& s, Property p);
// The stop signal and the signal of every term_primary fault, which sends it.
void set_stop_signal(Scenario& s, int signal);
// Why N = n is outside the scenario's min_workers..max_workers, naming the range; nothing when inside.
std::optional<std::string> workers_range_error(const Scenario& s, int n);
// addition: the scenario has a wire_fuzz fault.
bool fuzzes_wire(const Scenario& s);
// The scenario sends SIGTERM to workers (term_worker, or kill_worker with SIGTERM): graceful_worker_stop applies.
bool terminates_workers_in(const Scenario& s);
// One warning per placeholder the scenario's faults act through that the target template lacks
// (today: a create_file/remove_file fault on {crash_file} while the template has no {crash_file}, so
// the target is never told of the file and the fault cannot act on it). For the run's start, when a
// --target override replaced the scenario's own target.
std::vector<std::string> fault_placeholders_missing(const Scenario& s, std::string_view target_template);

std::variant<Scenario, ScenarioError> parse_scenario(std::string_view yaml_text, std::string_view file_name);
std::variant<Scenario, ScenarioError> load_scenario_file(const std::string& path);

}  // namespace forkcheck::harness
