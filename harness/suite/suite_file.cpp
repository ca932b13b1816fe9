// Suite files (YAML) into a SuiteFile. Strict for the reason scenario files are: a misspelt key
// silently ignored would run a different suite than the one written.
#include "harness/suite/suite_file.hpp"

#include <algorithm>
#include <filesystem>
#include <regex>

#include "harness/model/property.hpp"
#include "harness/model/target_overrides.hpp"
#include "harness/model/yaml_reader.hpp"

namespace forkcheck::harness {
namespace {

std::string field_at(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

std::vector<std::string> string_list(const YamlReader& r, const YAML::Node& n, const std::string& path) {
  if (!n.IsSequence()) r.fail(n, path, "expected a list");
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n.size(); ++i) {
    std::string s = r.text(n[i], field_at(path, i));
    if (s.empty()) r.fail(n[i], field_at(path, i), "must not be empty");
    out.push_back(std::move(s));
  }
  return out;
}

std::string required_text(const YamlReader& r, const YAML::Node& map, const std::string& key, const std::string& path) {
  const YAML::Node n = map[key];
  if (!n) r.fail(map, path + "." + key, "required");
  std::string s = r.text(n, path + "." + key);
  if (s.empty()) r.fail(n, path + "." + key, "must not be empty");
  return s;
}

std::string replace_all(std::string s, std::string_view from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

ExpectedOutcome read_expected(const YamlReader& r, const YAML::Node& n, const std::string& path) {
  r.check_keys(n, path, {"scenario", "expect", "properties", "reason"});
  ExpectedOutcome e;
  e.scenario = required_text(r, n, "scenario", path);
  e.line = n["scenario"].Mark().line + 1;
  const std::string expect = required_text(r, n, "expect", path);
  if (expect == "fail") e.expectation = Expectation::fail;
  else if (expect == "flaky") e.expectation = Expectation::flaky;
  else r.fail(n["expect"], path + ".expect", "expected fail or flaky");
  if (auto p = n["properties"]) {
    e.properties = string_list(r, p, path + ".properties");
    for (std::size_t i = 0; i < e.properties.size(); ++i)
      if (!property_from_string(e.properties[i])) r.fail(p[i], field_at(path + ".properties", i), "unknown property");
  }
  if (e.expectation == Expectation::fail && e.properties.empty())
    r.fail(n, path + ".properties", "required with expect: fail (the properties that fail)");
  e.reason = required_text(r, n, "reason", path);
  return e;
}

// As a scenario's workers_match (scenarios/README.md): checked here so that a bad pattern stops the
// suite at its line, not every cell's run.
std::string read_workers_match(const YamlReader& r, const YAML::Node& n, const std::string& path) {
  std::string pattern = r.text(n, path);
  if (pattern.empty()) r.fail(n, path, "must not be empty (omit it to find workers by the listening socket)");
  try {
    std::regex compiled(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    r.fail(n, path, std::string("not a regular expression: ") + e.what());
  }
  return pattern;
}

// A target's own view of what a good answer is (`load:` with path, headers, accepted_statuses,
// expected_body) and of its stop signal: passed to each of its cells as `run` flags.
void read_target_overrides(const YamlReader& r, const YAML::Node& n, const std::string& path, TargetOverrides& o) {
  if (auto load = n["load"]) {
    r.check_keys(load, path + ".load", {"path", "headers", "accepted_statuses", "expected_body"});
    o = read_request_overrides(r, load, path + ".load");
  }
  if (auto v = n["stop_signal"]) o.stop_signal = read_stop_signal(r, v, path + ".stop_signal");
}

SuiteTarget read_target(const YamlReader& r, const YAML::Node& n, const std::string& path, const std::string& suite_dir) {
  r.check_keys(n, path, {"name", "command", "requires", "reference", "workers_match", "expected", "load", "stop_signal"});
  SuiteTarget t;
  t.name = required_text(r, n, "name", path);
  if (auto c = n["command"]) t.command = c.IsNull() ? "" : replace_all(r.text(c, path + ".command"), "{suite_dir}", suite_dir);
  if (auto q = n["requires"]) t.requires_programs = string_list(r, q, path + ".requires");
  if (auto f = n["reference"]) t.reference = r.boolean(f, path + ".reference");
  if (!t.reference && t.command.empty()) r.fail(n, path + ".command", "required (only the reference may leave it out: refcluster)");
  if (auto w = n["workers_match"]) t.workers_match = read_workers_match(r, w, path + ".workers_match");
  read_target_overrides(r, n, path, t.overrides);
  if (auto x = n["expected"]) {
    if (!x.IsSequence()) r.fail(x, path + ".expected", "expected a list");
    for (std::size_t i = 0; i < x.size(); ++i) {
      ExpectedOutcome e = read_expected(r, x[i], field_at(path + ".expected", i));
      for (const auto& earlier : t.expected)
        if (earlier.scenario == e.scenario) r.fail(x[i], field_at(path + ".expected", i) + ".scenario", "duplicate scenario");
      t.expected.push_back(std::move(e));
    }
  }
  return t;
}

void read_targets(const YamlReader& r, const YAML::Node& n, const std::string& suite_dir, SuiteFile& s) {
  if (!n.IsSequence() || n.size() == 0) r.fail(n, "targets", "expected a non-empty list");
  int references = 0;
  for (std::size_t i = 0; i < n.size(); ++i) {
    SuiteTarget t = read_target(r, n[i], field_at("targets", i), suite_dir);
    for (const auto& earlier : s.targets)
      if (earlier.name == t.name) r.fail(n[i]["name"], field_at("targets", i) + ".name", "duplicate target name");
    if (t.reference && ++references > 1) r.fail(n[i]["reference"], field_at("targets", i) + ".reference", "only one target may be the reference");
    s.targets.push_back(std::move(t));
  }
}

std::string stem(std::string_view file_name) { return std::filesystem::path(file_name).stem().string(); }

SuiteFile read_suite(const YamlReader& r, const YAML::Node& root, std::string_view file_name) {
  if (!root.IsDefined() || root.IsNull()) r.fail(root, "", "the suite is empty (expected a mapping)");
  r.check_keys(root, "", {"name", "description", "workers", "repeat", "targets", "scenarios", "exclude"});
  SuiteFile s;
  s.path = std::string(file_name);
  s.name = stem(file_name);
  std::string suite_dir = std::filesystem::path(file_name).parent_path().string();
  if (suite_dir.empty()) suite_dir = ".";
  if (auto n = root["name"]) s.name = r.text(n, "name");
  if (auto n = root["description"]) s.description = r.text(n, "description");
  if (auto n = root["workers"]) s.workers = r.integer_in(n, "workers", 1, kMaxWorkers);
  if (auto n = root["repeat"]) s.repeat = r.integer_in(n, "repeat", 1, 1000);
  if (auto n = root["targets"]) read_targets(r, n, suite_dir, s);
  if (auto n = root["scenarios"]) s.scenarios = string_list(r, n, "scenarios");
  else r.fail(root, "scenarios", "required (library names, files or globs such as '*')");
  if (auto n = root["exclude"]) s.exclude = string_list(r, n, "exclude");
  return s;
}

}  // namespace

std::string_view to_string(Expectation e) {
  switch (e) {
    case Expectation::pass: return "pass";
    case Expectation::fail: return "fail";
    case Expectation::flaky: return "flaky";
  }
  return "pass";
}

std::variant<SuiteFile, ScenarioError> parse_suite_file(std::string_view yaml_text, std::string_view file_name) {
  return parse_yaml_strictly<SuiteFile>(yaml_text, file_name, [&](const YamlReader& r, const YAML::Node& root) {
    return read_suite(r, root, file_name);
  });
}

std::optional<ScenarioError> check_expectations(const SuiteFile& file, const std::vector<std::string>& scenario_names) {
  for (std::size_t t = 0; t < file.targets.size(); ++t)
    for (std::size_t i = 0; i < file.targets[t].expected.size(); ++i) {
      const ExpectedOutcome& e = file.targets[t].expected[i];
      if (std::find(scenario_names.begin(), scenario_names.end(), e.scenario) != scenario_names.end()) continue;
      return ScenarioError{file.path, e.line, field_at(field_at("targets", t) + ".expected", i) + ".scenario",
                           "'" + e.scenario + "' is not a scenario this suite runs (its scenarios after exclude, by name)"};
    }
  return std::nullopt;
}

std::variant<SuiteFile, ScenarioError> load_suite_file(const std::string& path) {
  auto text = read_yaml_file(path, "suite");
  if (auto* e = std::get_if<ScenarioError>(&text)) return *e;
  return parse_suite_file(std::get<std::string>(text), path);
}

}  // namespace forkcheck::harness
