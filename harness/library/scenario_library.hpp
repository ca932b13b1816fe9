#pragma once
// Where forkcheck finds its scenario library (scenarios/*.yaml, scenarios/targets/, the default
// suite), so `forkcheck run walkthrough` works from any directory, in the build tree and installed.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace forkcheck::harness {

// The directories searched, in this order (each listed whether or not it exists):
//   1. $FORKCHECK_SCENARIOS, when set and non-empty;
//   2. <directory of the running forkcheck>/../share/forkcheck/scenarios (an installed prefix);
//   3. the source tree's scenarios/ this forkcheck was built from (a build tree).
std::vector<std::filesystem::path> scenario_library_dirs();

// The first directory of scenario_library_dirs() that exists; empty when none does.
std::filesystem::path scenario_library_dir();

// $FORKCHECK_SCENARIOS set to something that is not a directory: an error, not a silent fall back to
// the installed library (the user meant another one). Empty when unset, empty or a directory.
std::optional<std::string> scenario_library_env_error();

// A scenario argument: a path to an existing file is returned as given; a bare name (no '/'), with
// or without ".yaml", is looked up in the library directories in order. Empty with a one-line
// *error naming what was looked for and where, when neither finds a file: with the library's name of
// a missing path's file ("scenarios/walkthrough.yaml" outside the source tree: run it by name), or
// the library's nearest name to a mistyped one. `what` names the kind of file in that error
// ("scenario", "suite": suite files live in the library too).
std::optional<std::filesystem::path> resolve_scenario(const std::string& name_or_path, std::string* error,
                                                      std::string_view what = "scenario");

struct LibraryScenario {
  std::string name;            // the file name without ".yaml" (what `forkcheck run NAME` takes)
  std::filesystem::path path;
};

// The *.yaml files directly in dir (not targets/ or other folders), sorted by name; files that
// are not scenarios (e.g. a suite file) are the caller's to filter.
std::vector<LibraryScenario> library_scenarios(const std::filesystem::path& dir);

// The candidate closest to `name` by edit distance (insertions, deletions, substitutions and swaps of
// neighbours), when it is close enough to be a typo: at most 1 for a short name, a third of its
// length for a longer one. Pure.
std::optional<std::string> nearest_name(std::string_view name, const std::vector<std::string>& candidates);
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace forkcheck::harness
