// `forkcheck suite merge DIR...`: the shards' cells in one report, judged again as one suite.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "common/exit_code.hpp"
#include "harness/report/report_dir.hpp"
#include "harness/report/step_summary.hpp"
#include "harness/suite/suite.hpp"
#include "harness/suite/suite_console.hpp"
#include "harness/suite/suite_json.hpp"
#include "harness/suite/suite_merge.hpp"
#include "harness/suite/suite_outputs.hpp"
#include "harness/suite/suite_plan.hpp"
#include "harness/suite/suite_render_text.hpp"
#include "harness/suite/suite_status.hpp"

namespace forkcheck::harness {
namespace {

namespace fs = std::filesystem;

std::string shard_name(int index, int count) { return std::to_string(index) + "/" + std::to_string(count); }
std::string shard_name(const SuiteResult& r) { return shard_name(r.shard_plan.index, r.shard_plan.count); }

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

// Shards of one suite run: the same suite, repeat and shard plan (the same scenarios dealt to the
// same shards), so their cells add up to the plan's.
bool same_suite(const SuiteResult& first, const SuiteResult& s, std::string* error) {
  if (s.name != first.name || s.repeat != first.repeat) {
    *error = "shards of different suites (" + first.name + " × " + std::to_string(first.repeat) + " repeats, " + s.name +
             " × " + std::to_string(s.repeat) + ")";
    return false;
  }
  if (s.shard_plan.count != first.shard_plan.count || s.shard_plan.scenarios != first.shard_plan.scenarios) {
    *error = "shards of different plans (" + shard_name(first) + " and " + shard_name(s) +
             " deal different scenarios to their shards: different --scenario flags or scenario libraries?)";
    return false;
  }
  return true;
}

const SuiteTarget* target_named(const SuiteResult& r, const std::string& name) {
  const auto t = std::find_if(r.targets.begin(), r.targets.end(), [&](const SuiteTarget& x) { return x.name == name; });
  return t == r.targets.end() ? nullptr : &*t;
}

// Whether shard s ran the cell: every --repeat run of it is there, or its target is not installed
// on the shard's machine (skipped, with the reason).
bool cell_done(const SuiteResult& s, const CellName& name) {
  const auto c = std::find_if(s.cells.begin(), s.cells.end(),
                              [&](const Cell& x) { return x.scenario == name.scenario && x.target == name.target; });
  if (c == s.cells.end() || c->status == CellStatus::missing) return false;
  const SuiteTarget* t = target_named(s, name.target);
  if (t && !t->skipped_because.empty()) return true;
  return std::count_if(c->runs.begin(), c->runs.end(), [](const CellRun& r) { return r.rerun == 0; }) >= s.repeat;
}

// Every shard of the plan that is not among `given`, and every given shard's cells that it did
// not run (interrupted: its cells not run yet).
std::vector<MissingShard> find_missing(const SuiteResult& merged, const std::map<int, const SuiteResult*>& given) {
  std::vector<MissingShard> missing;
  const int count = merged.shard_plan.count;
  for (int k = 1; k <= count; ++k) {
    const auto it = given.find(k);
    if (it == given.end()) {
      missing.push_back({shard_name(k, count), "not given to merge", shard_cells(merged.shard_plan, k, merged.targets)});
      continue;
    }
    const SuiteResult& s = *it->second;
    MissingShard m{shard_name(k, count),
                   s.exit_code == to_int(ExitCode::interrupted) ? "interrupted before these cells ran" : "these cells did not run",
                   {}};
    for (const CellName& c : shard_cells(s.shard_plan, k, s.targets))
      if (!cell_done(s, c)) m.cells.push_back(c);
    if (!m.cells.empty()) missing.push_back(std::move(m));
  }
  return missing;
}

// The merged cells in matrix order: each shard's, and a `missing` one for each cell a shard lacks.
std::vector<Cell> merged_cells(const SuiteResult& merged, std::map<std::pair<std::string, std::string>, Cell> cells) {
  for (const MissingShard& m : merged.missing_shards)
    for (const CellName& name : m.cells) {
      Cell& c = cells[{name.scenario, name.target}];
      c.scenario = name.scenario;
      c.target = name.target;
      c.status = CellStatus::missing;
      c.note = "shard " + m.shard + ": " + m.reason;
    }
  std::vector<Cell> out;
  for (const SuiteScenario& sc : merged.scenarios)
    for (const SuiteTarget& t : merged.targets)
      if (auto it = cells.find({sc.name, t.name}); it != cells.end()) out.push_back(std::move(it->second));
  return out;
}

// A shard's time, targets and scenarios into the merged result: the longest shard's wall time, the
// earliest start, a target skipped only where it was skipped on every machine.
void add_run_facts(SuiteResult& out, const SuiteResult& s) {
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
}

}  // namespace

std::optional<SuiteResult> merge_results(const std::vector<SuiteResult>& shards, std::optional<int> expected_shards,
                                         std::string* error) {
  if (shards.empty()) {
    *error = "nothing to merge";
    return std::nullopt;
  }
  SuiteResult out = shards.front();
  out.cells.clear();
  out.shard.clear();
  out.wall_s = 0;
  if (expected_shards && *expected_shards != out.shard_plan.count) {
    *error = "--shards " + std::to_string(*expected_shards) + ", but the suite was dealt to " +
             std::to_string(out.shard_plan.count) + " shards (" + shard_name(out) + ")";
    return std::nullopt;
  }
  std::map<int, const SuiteResult*> given;
  std::map<std::pair<std::string, std::string>, Cell> cells;
  for (const SuiteResult& s : shards) {
    if (!s.merged_shards.empty()) {
      *error = "a merged report (of " + std::to_string(s.merged_shards.size()) + " shards) cannot be merged again: give the shards' own";
      return std::nullopt;
    }
    if (!same_suite(out, s, error)) return std::nullopt;
    if (!given.emplace(s.shard_plan.index, &s).second) {
      *error = "shard " + shard_name(s) + " is given twice";
      return std::nullopt;
    }
    add_run_facts(out, s);
    for (const Cell& c : s.cells)
      if (!cells.emplace(std::make_pair(c.scenario, c.target), c).second) {
        *error = "the cell " + c.scenario + " × " + c.target + " is in two shards";
        return std::nullopt;
      }
  }
  out.merged_shards.clear();
  for (const auto& [index, s] : given) out.merged_shards.push_back(shard_name(*s));
  out.missing_shards = find_missing(out, given);
  out.shard_plan.index = 0;  // a merged result is no one shard
  out.cells = merged_cells(out, std::move(cells));
  judge_cells(out);
  out.exit_code = suite_exit_code(out.cells);
  return out;
}

std::string missing_cells_text(const SuiteResult& merged) {
  std::string out;
  for (const MissingShard& m : merged.missing_shards) {
    out += "  shard " + m.shard + " (" + m.reason + "):";
    for (std::size_t i = 0; i < m.cells.size(); ++i)
      out += (i ? ", " : " ") + m.cells[i].scenario + " × " + m.cells[i].target;
    out += "\n";
  }
  return out;
}

namespace {

// An incomplete set of shards, refused: why on stderr and on the CI job's page (the merge job is
// the gate; its summary must say why it is red, not stay empty).
int refuse_incomplete(const SuiteResult& merged) {
  std::size_t cells = 0;
  for (const MissingShard& m : merged.missing_shards) cells += m.cells.size();
  const std::string head = "incomplete: " + std::to_string(cells) + " cells missing, from " +
                           std::to_string(merged.missing_shards.size()) + " of the " +
                           std::to_string(merged.shard_plan.count) +
                           " shards (merge every shard, or --allow-partial for a report marked partial)";
  std::cerr << "forkcheck suite merge: " << head << ":\n" << missing_cells_text(merged);
  append_step_summary("## forkcheck suite merge `" + merged.name + "`: refused, exit 2\n\n" + head + ":\n\n```\n" +
                      missing_cells_text(merged) + "```\n");
  return to_int(ExitCode::cannot_run);
}

}  // namespace

int merge_suites(const MergeOptions& o) {
  std::string error;
  std::vector<SuiteResult> shards;
  for (const auto& d : o.dirs) {
    auto r = read_shard(d, &error);
    if (!r) {
      std::cerr << "forkcheck suite merge: " << error << "\n";
      return to_int(ExitCode::cannot_run);
    }
    shards.push_back(std::move(*r));
  }
  auto merged = merge_results(shards, o.shards, &error);
  if (merged && !merged->missing_shards.empty() && !o.allow_partial) return refuse_incomplete(*merged);
  const auto dir = merged ? prepare_report_dir(o.report_dir, "suite-" + merged->name + "-merged", &error) : std::nullopt;
  bool ok = dir.has_value();
  for (std::size_t i = 0; ok && i < shards.size(); ++i)
    for (const Cell& c : shards[i].cells) ok = ok && copy_cell_dirs(o.dirs[i], *dir, c, &error);
  if (!ok || !write_suite_outputs(*merged, *dir, &error)) {
    std::cerr << "forkcheck suite merge: " << error << "\n";
    return to_int(ExitCode::cannot_run);
  }
  SuiteConsole console(stdout, o.quiet);
  if (!o.quiet) console.line(render_suite_text(*merged));
  const std::string partial = partial_text(*merged);
  console.line("suite " + merged->name + " (merged " + std::to_string(merged->merged_shards.size()) + " of " +
               std::to_string(merged->shard_plan.count) + " shards" + (partial.empty() ? "" : "; PARTIAL: " + partial) +
               "): exit " + std::to_string(merged->exit_code) + ", report in " + *dir);
  return merged->exit_code;
}

}  // namespace forkcheck::harness
