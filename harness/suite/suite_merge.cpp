// `forkcheck suite merge DIR...`: the shards' cells in one report, judged again as one suite.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "common/exit_code.hpp"
#include "harness/report/report_dir.hpp"
#include "harness/suite/suite.hpp"
#include "harness/suite/suite_console.hpp"
#include "harness/suite/suite_json.hpp"
#include "harness/suite/suite_merge.hpp"
#include "harness/suite/suite_outputs.hpp"
#include "harness/suite/suite_status.hpp"

namespace forkcheck::harness {
namespace {

namespace fs = std::filesystem;

std::optional<SuiteResult> read_shard(const std::string& dir, std::string* error) {
  std::ifstream in(fs::path(dir) / "suite.json");
  if (!in) {
    *error = dir + ": no suite.json";
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto r = parse_suite_json(text.str(), error);
  if (!r) *error = dir + "/suite.json: " + *error;
  return r;
}

bool copy_cell_dirs(const std::string& from, const std::string& to, const Cell& c, std::string* error) {
  const fs::path relative = fs::path("cells") / c.scenario / c.target;
  if (!fs::exists(fs::path(from) / relative)) return true;  // a skipped cell has none
  std::error_code ec;
  fs::create_directories(fs::path(to) / relative, ec);
  fs::copy(fs::path(from) / relative, fs::path(to) / relative, fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
  if (ec) *error = "cannot copy " + (fs::path(from) / relative).string() + ": " + ec.message();
  return !ec;
}

}  // namespace

std::optional<SuiteResult> merge_results(const std::vector<SuiteResult>& shards, std::string* error) {
  if (shards.empty()) {
    *error = "nothing to merge";
    return std::nullopt;
  }
  SuiteResult out = shards.front();
  out.cells.clear();
  out.shard.clear();
  out.wall_s = 0;
  std::map<std::pair<std::string, std::string>, Cell> cells;
  for (const SuiteResult& s : shards) {
    if (s.name != out.name || s.repeat != out.repeat) {
      *error = "shards of different suites (" + out.name + " × " + std::to_string(out.repeat) + " repeats, " + s.name +
               " × " + std::to_string(s.repeat) + ")";
      return std::nullopt;
    }
    out.wall_s = std::max(out.wall_s, s.wall_s);
    out.started_utc = std::min(out.started_utc, s.started_utc);
    for (const SuiteTarget& t : s.targets) {
      auto known = std::find_if(out.targets.begin(), out.targets.end(), [&](const SuiteTarget& o) { return o.name == t.name; });
      if (known == out.targets.end()) out.targets.push_back(t);
      else if (t.skipped_because.empty()) known->skipped_because.clear();  // ran on some machine
    }
    for (const SuiteScenario& sc : s.scenarios)
      if (std::none_of(out.scenarios.begin(), out.scenarios.end(), [&](const SuiteScenario& o) { return o.name == sc.name; }))
        out.scenarios.push_back(sc);
    for (const Cell& c : s.cells)
      if (!cells.emplace(std::make_pair(c.scenario, c.target), c).second) {
        *error = "the cell " + c.scenario + " × " + c.target + " is in two shards";
        return std::nullopt;
      }
  }
  for (const SuiteScenario& sc : out.scenarios)
    for (const SuiteTarget& t : out.targets)
      if (auto it = cells.find({sc.name, t.name}); it != cells.end()) out.cells.push_back(it->second);
  judge_cells(out);
  out.exit_code = suite_exit_code(out.cells);
  return out;
}

int merge_suites(const std::vector<std::string>& dirs, const std::optional<std::string>& out_dir, bool quiet) {
  std::string error;
  std::vector<SuiteResult> shards;
  for (const auto& d : dirs) {
    auto r = read_shard(d, &error);
    if (!r) {
      std::cerr << "forkcheck suite merge: " << error << "\n";
      return to_int(ExitCode::cannot_run);
    }
    shards.push_back(std::move(*r));
  }
  auto merged = merge_results(shards, &error);
  const auto dir = merged ? prepare_report_dir(out_dir, "suite-" + merged->name + "-merged", &error) : std::nullopt;
  bool ok = dir.has_value();
  for (std::size_t i = 0; ok && i < shards.size(); ++i)
    for (const Cell& c : shards[i].cells) ok = ok && copy_cell_dirs(dirs[i], *dir, c, &error);
  if (!ok || !write_suite_outputs(*merged, *dir, &error)) {
    std::cerr << "forkcheck suite merge: " << error << "\n";
    return to_int(ExitCode::cannot_run);
  }
  SuiteConsole console(stdout, quiet);
  if (!quiet) console.line(render_suite_text(*merged));
  console.line("suite " + merged->name + " (merged " + std::to_string(dirs.size()) + " shards): exit " +
               std::to_string(merged->exit_code) + ", report in " + *dir);
  return merged->exit_code;
}

}  // namespace forkcheck::harness
