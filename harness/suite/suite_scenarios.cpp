#include "harness/suite/suite_scenarios.hpp"

#include <fnmatch.h>
#include <glob.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <variant>

#include "harness/library/scenario_library.hpp"

namespace forkcheck::harness {
namespace {

namespace fs = std::filesystem;

bool has_wildcard(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

bool names_a_file(const std::string& pattern) { return pattern.find('/') != std::string::npos || pattern.ends_with(".yaml"); }

bool matches(const std::string& pattern, const std::string& name) { return ::fnmatch(pattern.c_str(), name.c_str(), 0) == 0; }

std::vector<fs::path> glob_files(const std::string& pattern) {
  std::vector<fs::path> out;
  glob_t g{};
  if (::glob(pattern.c_str(), 0, nullptr, &g) == 0)
    for (std::size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  ::globfree(&g);
  return out;  // glob(3) sorts
}

struct Candidate {
  fs::path path;
  bool from_glob = false;  // a suite file matched by a glob is skipped, not an error
};

// The files one pattern names. File patterns of the suite file are relative to it; those of the
// command line (from_flag) to the working directory.
std::vector<Candidate> candidates(const std::string& pattern, const fs::path& suite_dir, bool from_flag) {
  std::vector<Candidate> out;
  if (names_a_file(pattern)) {
    const fs::path p = fs::path(pattern).is_absolute() || from_flag ? fs::path(pattern) : suite_dir / pattern;
    if (!has_wildcard(pattern)) return {{p, false}};
    for (const auto& f : glob_files(p.string())) out.push_back({f, true});
    return out;
  }
  if (!has_wildcard(pattern)) {
    std::string ignored;
    if (auto p = resolve_scenario(pattern, &ignored)) return {{*p, false}};
    return {};
  }
  for (const auto& s : library_scenarios(scenario_library_dir()))
    if (matches(pattern, s.name)) out.push_back({s.path, true});
  return out;
}

bool excluded(const SuiteFile& suite, const std::string& name) {
  for (const auto& x : suite.exclude)
    if (matches(x, name) || matches(x, name + ".yaml")) return true;
  return false;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

bool is_suite_file(const fs::path& p) { return std::holds_alternative<SuiteFile>(load_suite_file(p.string())); }

}  // namespace

std::optional<std::vector<SuiteScenario>> expand_scenarios(const SuiteFile& suite, const std::vector<std::string>& only,
                                                           std::string* error) {
  const fs::path suite_dir = fs::path(suite.path).parent_path();
  const bool from_flags = !only.empty();
  std::vector<SuiteScenario> out;
  for (const auto& pattern : from_flags ? only : suite.scenarios) {
    const auto found = candidates(pattern, suite_dir, from_flags);
    if (found.empty()) {
      *error = "scenario '" + pattern + "' matches no scenario file (library: " + scenario_library_dir().string() + ")";
      return std::nullopt;
    }
    for (const auto& c : found) {
      if (!from_flags && excluded(suite, c.path.stem().string())) continue;
      auto loaded = load_scenario_file(c.path.string());
      if (auto* e = std::get_if<ScenarioError>(&loaded)) {
        if (c.from_glob && is_suite_file(c.path)) continue;
        *error = e->to_string();
        return std::nullopt;
      }
      const auto& s = std::get<Scenario>(loaded);
      // Its `name`, as its reports call it (the file name without .yaml when it has none).
      const std::string& name = s.name;
      if (!from_flags && excluded(suite, name)) continue;
      const auto same = std::find_if(out.begin(), out.end(), [&](const SuiteScenario& o) { return o.name == name; });
      if (same != out.end()) {
        if (fs::weakly_canonical(same->path) == fs::weakly_canonical(c.path)) continue;
        *error = "two scenarios named '" + name + "': " + same->path + " and " + c.path.string();
        return std::nullopt;
      }
      out.push_back({name, c.path.string(), first_line(s.description), s.seed});
    }
  }
  if (out.empty()) *error = "the suite has no scenario left (every one excluded?)";
  if (out.empty()) return std::nullopt;
  return out;
}

void mark_missing_programs(std::vector<SuiteTarget>& targets) {
  const char* path_env = std::getenv("PATH");
  const std::string path = path_env ? path_env : "";
  auto on_path = [&](const std::string& program) {
    if (program.find('/') != std::string::npos) return ::access(program.c_str(), X_OK) == 0;
    std::istringstream dirs(path);
    for (std::string dir; std::getline(dirs, dir, ':');)
      if (!dir.empty() && ::access((fs::path(dir) / program).c_str(), X_OK) == 0) return true;
    return false;
  };
  for (auto& t : targets)
    for (const auto& program : t.requires_programs)
      if (t.skipped_because.empty() && !on_path(program)) t.skipped_because = program + " is not on PATH";
}

}  // namespace forkcheck::harness
