// Scenario files (YAML) into a Scenario. Strict on purpose: an unknown key is an error, because a
// typo such as `duraton_s` silently falling back to a default would make a run test something else.
#include "harness/model/scenario.hpp"

#include "harness/model/yaml_reader.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <regex>
#include <set>
#include <sstream>

#include "harness/model/load_request.hpp"
#include "harness/model/target_overrides.hpp"

namespace forkcheck::harness {
namespace {

using Reader = YamlReader;

std::optional<int> read_workers(const Reader& r, const YAML::Node& n) {
  if (n.IsScalar() && n.Scalar() == "auto") return std::nullopt;
  int v = 0;
  if (!n.IsScalar() || !YAML::convert<int>::decode(n, v)) r.fail(n, "workers", "expected an integer or 'auto'");
  if (v < 1 || v > kMaxWorkers) r.fail(n, "workers", "must be between 1 and " + std::to_string(kMaxWorkers) + ", or 'auto'");
  return v;
}

std::string read_workers_match(const Reader& r, const YAML::Node& n) {
  std::string pattern = r.text(n, "workers_match");
  if (pattern.empty()) r.fail(n, "workers_match", "must not be empty (omit it to find workers by the listening socket)");
  try {
    std::regex compiled(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    r.fail(n, "workers_match", std::string("not a regular expression: ") + e.what());
  }
  return pattern;
}

// min_workers / max_workers: the N the scenario's faults mean what they say for; `workers` inside.
void read_workers_range(const Reader& r, const YAML::Node& root, Scenario& s) {
  const auto bound = [&](const char* key) -> std::optional<int> {
    if (auto n = root[key]) return r.integer_in(n, key, 1, kMaxWorkers);
    return std::nullopt;
  };
  s.min_workers = bound("min_workers");
  s.max_workers = bound("max_workers");
  if (s.min_workers && s.max_workers && *s.min_workers > *s.max_workers)
    r.fail(root["max_workers"], "max_workers", "must not be less than min_workers");
  if (s.workers)
    if (auto error = workers_range_error(s, *s.workers)) r.fail(root["workers"], "workers", *error);
}

std::uint64_t read_seed(const Reader& r, const YAML::Node& n) {
  std::uint64_t v = 0;
  if (!n.IsScalar() || n.Scalar().starts_with('-') || !YAML::convert<std::uint64_t>::decode(n, v))
    r.fail(n, "seed", "expected a non-negative integer");
  return v;
}

void read_timing(const Reader& r, const YAML::Node& root, Scenario& s) {
  if (auto n = root["warmup_s"]) s.warmup_s = r.non_negative(n, "warmup_s");
  if (auto n = root["duration_s"]) s.duration_s = r.positive(n, "duration_s");
  if (auto n = root["recovery_deadline_s"]) s.recovery_deadline_s = r.positive(n, "recovery_deadline_s");
  if (auto n = root["start_timeout_s"]) s.start_timeout_s = r.positive(n, "start_timeout_s");
  if (auto n = root["stop_grace_s"]) s.stop_grace_s = r.positive(n, "stop_grace_s");
  if (auto n = root["orphan_grace_s"]) s.orphan_grace_s = r.positive(n, "orphan_grace_s");
  if (s.warmup_s >= s.duration_s) {
    const YAML::Node at = root["warmup_s"] ? root["warmup_s"] : root["duration_s"];
    r.fail(at, root["warmup_s"] ? "warmup_s" : "duration_s", "warmup_s must be less than duration_s");
  }
}

void read_load(const Reader& r, const YAML::Node& n, LoadSpec& load) {
  r.check_keys(n, "load", {"rate_rps", "closed_loop", "connections", "keep_alive", "timeout_ms", "probe_rate_hz",
                           "expected_body", "path", "headers", "accepted_statuses", "host"});
  apply_load_overrides(load, read_request_overrides(r, n, "load"));
  if (auto v = n["host"]) {
    load.host = r.text(v, "load.host");
    if (auto error = load_host_error(load.host)) r.fail(v, "load.host", *error);
  }
  if (auto v = n["rate_rps"]) load.rate_rps = r.positive(v, "load.rate_rps");
  if (auto v = n["closed_loop"]) load.closed_loop = r.boolean(v, "load.closed_loop");
  if (auto v = n["connections"]) load.connections = r.integer_in(v, "load.connections", 1, 10000);
  if (auto v = n["keep_alive"]) load.keep_alive = r.boolean(v, "load.keep_alive");
  if (auto v = n["timeout_ms"]) load.timeout_ms = r.integer_in(v, "load.timeout_ms", 1, 600000);
  if (auto v = n["probe_rate_hz"]) load.probe_rate_hz = r.non_negative(v, "load.probe_rate_hz");
}

int default_signal(FaultKind k, const Scenario& s) {
  switch (k) {
    case FaultKind::stop_worker: return SIGSTOP;
    case FaultKind::cont_worker: return SIGCONT;
    case FaultKind::term_worker: return SIGTERM;
    case FaultKind::term_primary: return s.stop_signal;
    default: return SIGKILL;
  }
}

// kill_worker is a kill only with a signal whose default action ends a process; a SIGTERM is one,
// and is judged as term_worker's (the worker must drain). Empty when `signal` kills; else why not.
std::string not_a_kill(int signal) {
  if (ends_process_by_default(signal)) return {};
  const std::string name = signal_name(signal);
  if (signal == SIGCONT) return name + " does not kill: use kind: cont_worker to continue a stopped worker";
  if (signal == SIGSTOP || signal == SIGTSTP || signal == SIGTTIN || signal == SIGTTOU)
    return name + " stops a worker, it does not kill it: use kind: stop_worker (and cont_worker to continue it)";
  return name + " does not kill: its default action is to be ignored (kill_worker needs a signal that ends a process)";
}

FaultKind read_kind(const Reader& r, const YAML::Node& n, const std::string& path) {
  const auto kind_node = n["kind"];
  if (!kind_node) r.fail(n, path + ".kind", "missing (every fault needs a kind)");
  const auto kind = fault_kind_from_string(r.text(kind_node, path + ".kind"));
  if (!kind)
    r.fail(kind_node, path + ".kind",
           "unknown fault kind '" + kind_node.Scalar() +
               "' (expected kill_worker, stop_worker, cont_worker, term_worker, kill_all, kill_primary, term_primary, "
               "kill_new_workers, create_file, remove_file or wire_fuzz)");
  return *kind;
}

void read_victims(const Reader& r, const YAML::Node& n, const std::string& path, FaultSpec& f) {
  const bool at_worker = !targets_primary(f.kind) && !touches_file(f.kind) && f.kind != FaultKind::kill_all &&
                         f.kind != FaultKind::kill_new_workers;
  if (f.kind == FaultKind::kill_all) f.victim = VictimSelector::all;
  if (auto v = n["victim"]) {
    if (!at_worker) r.fail(v, path + ".victim", std::string(to_string(f.kind)) + " takes no victim selector");
    const auto sel = victim_selector_from_string(r.text(v, path + ".victim"));
    if (!sel) r.fail(v, path + ".victim", "expected random, newest or all");
    f.victim = *sel;
  }
  if (auto v = n["victims"]) {
    if (!at_worker || f.victim == VictimSelector::all)
      r.fail(v, path + ".victims", "victims needs victim: random or newest");
    f.victims = r.integer_in(v, path + ".victims", 1, 4096);
  }
}

void check_fault_times(const Reader& r, const YAML::Node& n, const std::string& path, const FaultSpec& f,
                       const Scenario& s) {
  const YAML::Node at = n["at_s"] ? n["at_s"] : n;
  if (f.count > 1 && f.every_s <= 0) r.fail(n["count"], path + ".count", "count > 1 needs every_s > 0");
  if (f.at_s - f.jitter_s < s.warmup_s)
    r.fail(at, path + ".at_s", "at_s - jitter_s must not be before the end of warm-up (warmup_s)");
  const double last = f.at_s + f.every_s * (f.count - 1) + f.jitter_s + f.for_s;
  if (last >= s.duration_s)
    r.fail(at, path + ".at_s", "the fault's last occurrence (+ jitter_s + for_s) must be before duration_s");
}

// Keys that belong to some kinds only: a storm's length, a file fault's path, a signal.
void read_kind_keys(const Reader& r, const YAML::Node& n, const std::string& path, FaultSpec& f, const Scenario& s) {
  const bool storm = f.kind == FaultKind::kill_new_workers;
  if (auto v = n["for_s"]) {
    if (!storm) r.fail(v, path + ".for_s", "for_s belongs to kill_new_workers only");
    f.for_s = r.positive(v, path + ".for_s");
  } else if (storm) {
    r.fail(n, path + ".for_s", "missing (kill_new_workers needs for_s, the storm's length in seconds)");
  }
  if (auto v = n["path"]) {
    if (!touches_file(f.kind)) r.fail(v, path + ".path", "path belongs to create_file and remove_file only");
    f.path = r.text(v, path + ".path");
    if (f.path.empty()) r.fail(v, path + ".path", "must not be empty");
  }
  // Only kill_worker's signal is chosen by the scenario; every other kind has its own fixed signal
  // (or none), so a `signal:` there would be silently ignored.
  if (auto v = n["signal"]; v && f.kind != FaultKind::kill_worker)
    r.fail(v, path + ".signal",
           "signal belongs to kill_worker only (" + std::string(to_string(f.kind)) +
               (touches_file(f.kind) || f.kind == FaultKind::wire_fuzz ? std::string(" sends no signal")
                : f.kind == FaultKind::term_primary ? " sends the scenario's stop_signal, here " + signal_name(s.stop_signal)
                                                    : " always sends " + signal_name(default_signal(f.kind, s))) +
               ")");
}

// wire_fuzz's own keys (and the keys it cannot take). A relative corpus is the scenario file's neighbour.
void read_wire_fuzz_keys(const Reader& r, const YAML::Node& n, const std::string& path, const std::string& file,
                         FaultSpec& f) {
  const bool fuzz = f.kind == FaultKind::wire_fuzz;
  for (const char* key : {"inputs", "max_mutations", "max_bytes", "timeout_ms", "corpus"})
    if (auto v = n[key]; v && !fuzz) r.fail(v, path + "." + key, std::string(key) + " belongs to wire_fuzz only");
  if (!fuzz) return;
  for (const char* key : {"victim", "victims"})
    if (auto v = n[key]) r.fail(v, path + "." + key, std::string("wire_fuzz takes no ") + key + " (it sends requests, not signals)");
  f.signal = 0;
  WireFuzzSpec& w = f.wire;
  if (auto v = n["inputs"]) w.inputs = r.integer_in(v, path + ".inputs", 1, 10000);
  if (auto v = n["max_mutations"]) w.max_mutations = r.integer_in(v, path + ".max_mutations", 0, 64);
  if (auto v = n["max_bytes"]) w.max_bytes = r.integer_in(v, path + ".max_bytes", 16, 65536);
  if (auto v = n["timeout_ms"]) w.timeout_ms = r.integer_in(v, path + ".timeout_ms", 10, 60000);
  if (auto v = n["corpus"]) {
    w.corpus = r.text(v, path + ".corpus");
    if (w.corpus.empty()) r.fail(v, path + ".corpus", "must not be empty (omit it for the built-in seeds only)");
    const auto slash = file.find_last_of('/');
    if (w.corpus.front() != '/' && slash != std::string::npos) w.corpus = file.substr(0, slash + 1) + w.corpus;
  }
}

FaultSpec read_fault(const Reader& r, const YAML::Node& n, const std::string& path, const Scenario& s) {
  r.check_keys(n, path, {"kind", "signal", "at_s", "every_s", "jitter_s", "count", "victim", "victims", "for_s", "path",
                         "inputs", "max_mutations", "max_bytes", "timeout_ms", "corpus"});
  FaultSpec f;
  f.kind = read_kind(r, n, path);
  f.signal = default_signal(f.kind, s);
  f.at_s = s.warmup_s;
  read_kind_keys(r, n, path, f, s);
  read_wire_fuzz_keys(r, n, path, s.source_path, f);
  if (auto v = n["signal"]; v && f.kind == FaultKind::kill_worker) {
    const auto sig = signal_from_string(r.text(v, path + ".signal"));
    if (!sig) r.fail(v, path + ".signal", "unknown signal '" + v.Scalar() + "' (e.g. SIGKILL, KILL or 9)");
    if (const std::string why = not_a_kill(*sig); !why.empty()) r.fail(v, path + ".signal", why);
    f.signal = *sig;
  }
  if (auto v = n["at_s"]) f.at_s = r.non_negative(v, path + ".at_s");
  if (auto v = n["every_s"]) f.every_s = r.non_negative(v, path + ".every_s");
  if (auto v = n["jitter_s"]) f.jitter_s = r.non_negative(v, path + ".jitter_s");
  if (auto v = n["count"]) f.count = r.integer_in(v, path + ".count", 1, 100000);
  read_victims(r, n, path, f);
  check_fault_times(r, n, path, f, s);
  return f;
}

void read_faults(const Reader& r, const YAML::Node& n, Scenario& s) {
  if (n.IsNull()) return;
  if (!n.IsSequence()) r.fail(n, "faults", "expected a list of faults");
  for (std::size_t i = 0; i < n.size(); ++i)
    s.faults.push_back(read_fault(r, n[i], "faults[" + std::to_string(i) + "]", s));
}

bool has_fault(const Scenario& s, FaultKind k) {
  return std::any_of(s.faults.begin(), s.faults.end(), [k](const FaultSpec& f) { return f.kind == k; });
}

void read_properties(const Reader& r, const YAML::Node& n, Scenario& s) {
  if (!n.IsSequence() || n.size() == 0)
    r.fail(n, "properties", "expected a non-empty list of property names (omit the key to check all)");
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string field = "properties[" + std::to_string(i) + "]";
    const std::string name = r.text(n[i], field);
    const auto p = property_from_string(name);
    if (!p) r.fail(n[i], field, "unknown property '" + name + "'");
    if (std::find(s.properties.begin(), s.properties.end(), *p) != s.properties.end())
      r.fail(n[i], field, "listed twice");
    if (*p == Property::steps_match_walkthrough && !s.walkthrough)
      r.fail(n[i], field, "steps_match_walkthrough needs walkthrough: true");
    if (*p == Property::graceful_stop && !has_fault(s, FaultKind::term_primary))
      r.fail(n[i], field, "graceful_stop needs a term_primary fault");
    if (*p == Property::graceful_worker_stop && !terminates_workers_in(s))
      r.fail(n[i], field, "graceful_worker_stop needs a term_worker fault (or kill_worker with signal SIGTERM)");
    if (is_threshold(*p) && !threshold_set(s, *p))
      r.fail(n[i], field, name + " is a threshold: set its bound under thresholds: (it is then checked without being listed)");
    s.properties.push_back(*p);
  }
}

// thresholds: each bound is optional; a bound set makes its property checked.
void read_thresholds(const Reader& r, const YAML::Node& n, Thresholds& t) {
  r.check_keys(n, "thresholds", {"recovery_latency_p99_ms", "failed_ratio_max", "recovery_ms_max"});
  if (auto v = n["recovery_latency_p99_ms"]) t.recovery_latency_p99_ms = r.positive(v, "thresholds.recovery_latency_p99_ms");
  if (auto v = n["failed_ratio_max"]) {
    t.failed_ratio_max = r.non_negative(v, "thresholds.failed_ratio_max");
    if (*t.failed_ratio_max > 1) r.fail(v, "thresholds.failed_ratio_max", "must be between 0 and 1 (a ratio, not a percentage)");
  }
  if (auto v = n["recovery_ms_max"]) t.recovery_ms_max = r.positive(v, "thresholds.recovery_ms_max");
}

std::string stem(std::string_view file_name) {
  auto base = file_name.substr(file_name.find_last_of('/') == std::string_view::npos ? 0 : file_name.find_last_of('/') + 1);
  return std::string(base.substr(0, base.find('.')));
}

Scenario read_scenario(const Reader& r, const YAML::Node& root, std::string_view file_name) {
  if (!root.IsDefined() || root.IsNull()) r.fail(root, "", "the scenario is empty (expected a mapping)");
  r.check_keys(root, "", {"name", "description", "target", "workers", "port", "warmup_s", "duration_s",
                          "recovery_deadline_s", "start_timeout_s", "stop_grace_s", "orphan_grace_s", "seed", "walkthrough", "load",
                          "faults", "properties", "max_forks_per_s", "thresholds", "workers_match", "stop_signal",
                          "min_workers", "max_workers"});
  Scenario s;
  s.source_path = std::string(file_name);
  s.name = stem(file_name);
  if (auto n = root["name"]) s.name = r.text(n, "name");
  if (auto n = root["description"]) s.description = r.text(n, "description");
  if (auto n = root["target"]) s.target = n.IsNull() ? "" : r.text(n, "target");
  if (auto n = root["workers"]) s.workers = read_workers(r, n);
  if (auto n = root["workers_match"]) s.workers_match = read_workers_match(r, n);
  read_workers_range(r, root, s);
  if (auto n = root["stop_signal"]) s.stop_signal = read_stop_signal(r, n, "stop_signal");
  if (auto n = root["port"]) s.port = r.integer_in(n, "port", 0, 65535);
  if (auto n = root["seed"]) s.seed = read_seed(r, n);
  if (auto n = root["walkthrough"]) s.walkthrough = r.boolean(n, "walkthrough");
  if (auto n = root["max_forks_per_s"]) s.max_forks_per_s = r.positive(n, "max_forks_per_s");
  read_timing(r, root, s);
  if (auto n = root["load"]) read_load(r, n, s.load);
  if (auto n = root["faults"]) read_faults(r, n, s);
  if (auto n = root["thresholds"]) read_thresholds(r, n, s.thresholds);
  if (auto n = root["properties"]) read_properties(r, n, s);
  return s;
}

}  // namespace

void set_stop_signal(Scenario& s, int signal) {
  s.stop_signal = signal;
  for (FaultSpec& f : s.faults)
    if (f.kind == FaultKind::term_primary) f.signal = signal;
}

std::optional<std::string> workers_range_error(const Scenario& s, int n) {
  const bool below = s.min_workers && n < *s.min_workers, above = s.max_workers && n > *s.max_workers;
  if (!below && !above) return std::nullopt;
  std::string range;
  if (s.min_workers && s.max_workers && *s.min_workers == *s.max_workers)
    range = "N fixed at " + std::to_string(*s.min_workers);
  else if (s.min_workers && s.max_workers)
    range = "N from " + std::to_string(*s.min_workers) + " to " + std::to_string(*s.max_workers);
  else
    range = s.min_workers ? "N >= " + std::to_string(*s.min_workers) : "N <= " + std::to_string(*s.max_workers);
  return "N = " + std::to_string(n) + " is outside what the scenario means (" + range +
         ": its faults count workers; see min_workers/max_workers)";
}

std::variant<Scenario, ScenarioError> parse_scenario(std::string_view yaml_text, std::string_view file_name) {
  return parse_yaml_strictly<Scenario>(yaml_text, file_name, [&](const Reader& r, const YAML::Node& root) {
    return read_scenario(r, root, file_name);
  });
}

std::variant<Scenario, ScenarioError> load_scenario_file(const std::string& path) {
  auto text = read_yaml_file(path, "scenario");
  if (auto* e = std::get_if<ScenarioError>(&text)) return *e;
  return parse_scenario(std::get<std::string>(text), path);
}

}  // namespace forkcheck::harness
