#include "harness/suite/suite_plan.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace forkcheck::harness {
namespace {

std::optional<int> positive_int(std::string_view text) {
  int v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 1) return std::nullopt;
  return v;
}

bool is_target_name(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '_' || c == '-';
  });
}

}  // namespace

std::optional<Shard> parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto index = positive_int(text.substr(0, slash));
  const auto count = positive_int(text.substr(slash + 1));
  if (!index || !count || *index > *count) return std::nullopt;
  return Shard{*index, *count};
}

SuiteTarget target_from_flag(const std::string& flag, int position) {
  SuiteTarget t;
  const auto eq = flag.find('=');
  if (eq != std::string::npos && is_target_name(std::string_view(flag).substr(0, eq))) {
    t.name = flag.substr(0, eq);
    t.command = flag.substr(eq + 1);
  } else {
    t.name = "target-" + std::to_string(position);
    t.command = flag;
  }
  return t;
}

std::vector<SuiteTarget> plan_targets(std::vector<SuiteTarget> from_file, const std::vector<SuiteTarget>& from_flags) {
  if (!from_flags.empty()) {
    std::erase_if(from_file, [](const SuiteTarget& t) { return !t.reference; });
    from_file.insert(from_file.end(), from_flags.begin(), from_flags.end());
  }
  const auto reference = std::find_if(from_file.begin(), from_file.end(), [](const SuiteTarget& t) { return t.reference; });
  std::vector<SuiteTarget> out;
  if (reference == from_file.end()) {
    SuiteTarget ref;
    ref.name = kReferenceName;
    ref.reference = true;  // empty command: the scenario's own target, else refcluster
    out.push_back(ref);
  } else {
    out.push_back(*reference);
  }
  for (const auto& t : from_file)
    if (!t.reference) out.push_back(t);
  return out;
}

bool in_shard(std::size_t scenario_index, Shard shard) {
  return static_cast<int>(scenario_index % static_cast<std::size_t>(shard.count)) == shard.index - 1;
}

ShardPlan plan_shards(const std::vector<SuiteScenario>& scenarios, Shard shard) {
  ShardPlan plan{shard.index, shard.count, std::vector<std::vector<std::string>>(static_cast<std::size_t>(shard.count))};
  for (std::size_t i = 0; i < scenarios.size(); ++i)
    for (int k = 1; k <= shard.count; ++k)
      if (in_shard(i, Shard{k, shard.count})) plan.scenarios[static_cast<std::size_t>(k - 1)].push_back(scenarios[i].name);
  return plan;
}

std::vector<CellName> shard_cells(const ShardPlan& plan, int index, const std::vector<SuiteTarget>& targets) {
  std::vector<CellName> cells;
  if (index < 1 || index > static_cast<int>(plan.scenarios.size())) return cells;
  for (const auto& scenario : plan.scenarios[static_cast<std::size_t>(index - 1)])
    for (const auto& t : targets) cells.push_back({scenario, t.name});
  return cells;
}

std::vector<Cell> plan_cells(const std::vector<SuiteScenario>& scenarios, const std::vector<SuiteTarget>& targets,
                             Shard shard) {
  std::vector<Cell> cells;
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    if (!in_shard(i, shard)) continue;
    for (const auto& t : targets) {
      Cell c;
      c.scenario = scenarios[i].name;
      c.target = t.name;
      cells.push_back(std::move(c));
    }
  }
  return cells;
}

}  // namespace forkcheck::harness
