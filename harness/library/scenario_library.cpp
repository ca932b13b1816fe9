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

std::optional<fs::path> resolve_scenario(const std::string& name_or_path, std::string* error, std::string_view what) {
  if (is_file(name_or_path)) return fs::path(name_or_path);
  const bool bare_name = !name_or_path.empty() && name_or_path.find('/') == std::string::npos;
  if (!bare_name) {
    if (error) *error = std::string(what) + " file not found: " + name_or_path;
    return std::nullopt;
  }
  const std::string file = name_or_path.ends_with(".yaml") ? name_or_path : name_or_path + ".yaml";
  std::string searched;
  for (const fs::path& dir : scenario_library_dirs()) {
    if (is_file(dir / file)) return dir / file;
    searched += (searched.empty() ? "" : ", ") + dir.string();
  }
  if (error) {
    std::string names;
    for (const LibraryScenario& s : library_scenarios(scenario_library_dir())) names += " " + s.name;
    *error = "no " + std::string(what) + " '" + name_or_path + "': not a file here, nor " + file + " in the library (" + searched +
             "); library:" + (names.empty() ? std::string(" none found") : names) + " (`forkcheck list` describes them)";
  }
  return std::nullopt;
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
