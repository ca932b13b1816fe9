#include "harness/library/scenario_library.hpp"

#include <algorithm>
#include <cstdlib>
#include <system_error>

namespace forkcheck::harness {

namespace fs = std::filesystem;

namespace {

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

bool is_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

}  // namespace

std::vector<fs::path> scenario_library_dirs() {
  std::vector<fs::path> dirs;
  if (const char* env = std::getenv("FORKCHECK_SCENARIOS"); env != nullptr && *env != '\0') dirs.emplace_back(env);
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) dirs.push_back(self.parent_path().parent_path() / "share" / "forkcheck" / "scenarios");
  dirs.emplace_back(FORKCHECK_SOURCE_SCENARIOS);
  return dirs;
}

fs::path scenario_library_dir() {
  for (const fs::path& dir : scenario_library_dirs()) {
    if (is_dir(dir)) return dir;
  }
  return {};
}

std::optional<std::string> scenario_library_env_error() {
  const char* env = std::getenv("FORKCHECK_SCENARIOS");
  if (env == nullptr || *env == '\0' || is_dir(env)) return std::nullopt;
  return "FORKCHECK_SCENARIOS=" + std::string(env) + ": no such directory (it names the scenario library; unset it " +
         "for the library this forkcheck was " + (is_dir(FORKCHECK_SOURCE_SCENARIOS) ? "built from" : "installed with") + ")";
}

std::optional<fs::path> resolve_scenario(const std::string& name_or_path, std::string* error, std::string_view what) {
  if (is_file(name_or_path)) return fs::path(name_or_path);
  std::vector<std::string> names;
  for (const LibraryScenario& s : library_scenarios(scenario_library_dir())) names.push_back(s.name);
  const bool bare_name = !name_or_path.empty() && name_or_path.find('/') == std::string::npos;
  if (!bare_name) {
    if (!error) return std::nullopt;
    *error = std::string(what) + " file not found: " + name_or_path;
    // scenarios/walkthrough.yaml typed outside the source tree: the library has it under its name.
    const std::string stem = fs::path(name_or_path).stem().string();
    if (fs::path(name_or_path).extension() == ".yaml" && std::find(names.begin(), names.end(), stem) != names.end())
      *error += "; the library has '" + stem + "': pass its name (forkcheck " + (what == "suite" ? "suite " : "run ") + stem + ")";
    return std::nullopt;
  }
  const std::string file = name_or_path.ends_with(".yaml") ? name_or_path : name_or_path + ".yaml";
  std::string searched;
  for (const fs::path& dir : scenario_library_dirs()) {
    if (is_file(dir / file)) return dir / file;
    searched += (searched.empty() ? "" : ", ") + dir.string();
  }
  if (error) {
    std::string listed;
    for (const std::string& n : names) listed += " " + n;
    const std::string stem = file.substr(0, file.size() - 5);
    const auto nearest = nearest_name(stem, names);
    *error = "no " + std::string(what) + " '" + name_or_path + "'" + (nearest ? ": did you mean '" + *nearest + "'?" : std::string()) +
             " (not a file here, nor " + file + " in the library: " + searched + "); library:" +
             (listed.empty() ? std::string(" none found") : listed) + " (`forkcheck list` describes them)";
  }
  return std::nullopt;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment: Levenshtein plus the swap of two neighbours (a common typo).
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

std::optional<std::string> nearest_name(std::string_view name, const std::vector<std::string>& candidates) {
  const std::size_t limit = std::max<std::size_t>(1, name.size() / 3);
  std::optional<std::string> best;
  std::size_t best_distance = limit + 1;
  for (const std::string& c : candidates) {
    const std::size_t d = edit_distance(name, c);
    if (d < best_distance) best = c, best_distance = d;
  }
  return best;
}

std::vector<LibraryScenario> library_scenarios(const fs::path& dir) {
  std::vector<LibraryScenario> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    if (p.extension() == ".yaml" && is_file(p)) out.push_back({p.stem().string(), p});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

}  // namespace forkcheck::harness
