// summary.md: the matrix as a Markdown table, then every unexpected cell with its failing
// properties and recovery figures, the expected failures with their reasons, the skipped targets.
// Plain GitHub Markdown, so it is also the CI job's summary.
#include <algorithm>
#include <sstream>

#include "harness/report/markdown_text.hpp"
#include "harness/report/report_summary.hpp"
#include "harness/suite/suite_render.hpp"
#include "harness/suite/suite_render_text.hpp"

namespace forkcheck::harness {
namespace {

std::string cell_text(const Cell* c) {
  if (c == nullptr) return std::string(status_text(CellStatus::skipped).label);
  const CellStatusText& t = status_text(c->status);
  std::string out = std::string(t.symbol) + " " + (t.unexpected ? "**" + std::string(t.label) + "**" : std::string(t.label));
  if (!c->failing_properties.empty()) out += ": " + comma_joined(c->failing_properties);
  if (const std::string repeats = repeats_text(*c); !repeats.empty()) out += "; " + repeats;
  if (const std::string requests = requests_failed_text(*c); !requests.empty()) out += "; " + requests;
  if (!c->runs.empty()) out += "; " + format_one_decimal(cell_wall_s(*c)) + " s";
  return markdown_cell(out);
}

std::string shard_text(const SuiteResult& r) {
  if (!r.merged_shards.empty())
    return "merged from shards " + comma_joined(r.merged_shards) + " of " + std::to_string(r.shard_plan.count);
  return r.shard.empty() ? "not sharded" : "shard " + r.shard;
}

void write_partial(std::ostream& o, const SuiteResult& r) {
  if (r.missing_shards.empty()) return;
  o << "**Partial result**: " << partial_text(r) << ". Their cells are marked missing; this result cannot pass.\n\n";
  for (const MissingShard& m : r.missing_shards) {
    std::vector<std::string> cells;
    for (const CellName& c : m.cells) cells.push_back(markdown_code(c.scenario) + " × " + markdown_code(c.target));
    o << "- shard " << m.shard << ": " << comma_joined(cells) << "\n";
  }
  o << "\n";
}

void write_header(std::ostream& o, const SuiteResult& r) {
  o << "## forkcheck suite " << markdown_code(r.name) << (r.missing_shards.empty() ? "" : " (partial)") << ": exit "
    << r.exit_code << " — " << suite_exit_meaning(r.exit_code) << "\n\n";
  write_partial(o, r);
  o << "forkcheck " << (r.forkcheck_version.empty() ? "(unknown version)" : r.forkcheck_version) << " · started "
    << r.started_utc << " · wall time " << format_one_decimal(r.wall_s) << " s · repeat " << r.repeat
    << (r.rerun_failed > 0 ? " · reruns of a failed seed: up to " + std::to_string(r.rerun_failed) : "") << " · "
    << shard_text(r) << " · " << r.cells.size() << " cells: " << status_counts(r.cells) << "\n\n";
}

// Where the time goes: the cells' time per target and the slowest cells, to plan --jobs and shards.
void write_time(std::ostream& o, const SuiteResult& r) {
  constexpr std::size_t kSlowest = 5;
  std::vector<const Cell*> ran;
  for (const Cell& c : r.cells)
    if (!c.runs.empty()) ran.push_back(&c);
  if (ran.empty()) return;
  o << "### Where the time goes\n\nThe cells' runs took " << format_one_decimal(total_cell_time_s(r)) << " s";
  std::vector<std::string> per_target;
  for (const SuiteTarget& t : r.targets) {
    double s = 0;
    for (const Cell* c : ran) s += c->target == t.name ? cell_wall_s(*c) : 0;
    if (s > 0) per_target.push_back(markdown_code(t.name) + " " + format_one_decimal(s) + " s");
  }
  o << " (" << comma_joined(per_target) << "). Slowest cells:\n\n";
  std::stable_sort(ran.begin(), ran.end(), [](const Cell* a, const Cell* b) { return cell_wall_s(*a) > cell_wall_s(*b); });
  for (std::size_t i = 0; i < ran.size() && i < kSlowest; ++i)
    o << "- " << markdown_code(ran[i]->scenario) << " × " << markdown_code(ran[i]->target) << ": "
      << format_one_decimal(cell_wall_s(*ran[i])) << " s (" << ran[i]->runs.size() << (ran[i]->runs.size() == 1 ? " run" : " runs")
      << ")\n";
  o << "\n";
}

void write_matrix(std::ostream& o, const SuiteResult& r) {
  o << "| Scenario |";
  for (const SuiteTarget& t : r.targets) o << " " << markdown_cell(target_label(t)) << " |";
  o << "\n|---|";
  for (std::size_t i = 0; i < r.targets.size(); ++i) o << "---|";
  o << "\n";
  for (const SuiteScenario& s : r.scenarios) {
    o << "| " << markdown_code(s.name) << " |";
    for (const SuiteTarget& t : r.targets) o << " " << cell_text(find_cell(r, s.name, t.name)) << " |";
    o << "\n";
  }
  o << "\n";
}

// "recovery median per run (ms): 1.2, —, 3.4"; empty when no run measured one.
std::string recovery_figures(const Cell& c) {
  std::string runs;
  bool any = false;
  for (const CellRun& run : c.runs) {
    runs += (runs.empty() ? "" : ", ") + (run.recovery_median_ms ? format_ms(*run.recovery_median_ms) : std::string("—"));
    any = any || run.recovery_median_ms.has_value();
  }
  if (!any) return "";
  return c.runs.size() == 1 ? "recovery median " + runs + " ms" : "recovery median per run (ms): " + runs;
}

void write_cell_line(std::ostream& o, const Cell& c) {
  const CellStatusText& t = status_text(c.status);
  o << "- " << markdown_code(c.scenario) << " × " << markdown_code(c.target) << ": **" << t.label << "**";
  if (!c.failing_properties.empty()) o << " — failing " << comma_joined(c.failing_properties);
  if (const std::string repeats = repeats_text(c); !repeats.empty()) o << "; " << repeats;
  if (const std::string recovery = recovery_figures(c); !recovery.empty()) o << "; " << recovery;
  if (const std::string requests = requests_failed_text(c); !requests.empty()) o << "; " << requests;
  if (!c.note.empty()) o << ". " << c.note;
  if (!c.runs.empty()) {
    const std::string path = run_report_path(c.runs.front());
    if (!path.empty()) o << " (report " << markdown_code(path) << ")";
  }
  o << "\n";
}

// The cells of the statuses `pick` accepts, in matrix order, under a heading; nothing when none.
template <typename Pick>
void write_cells(std::ostream& o, const SuiteResult& r, const char* heading, Pick pick) {
  bool any = false;
  for (const SuiteScenario& s : r.scenarios)
    for (const SuiteTarget& t : r.targets)
      if (const Cell* c = find_cell(r, s.name, t.name); c && pick(*c)) {
        if (!any) o << "### " << heading << "\n\n";
        any = true;
        write_cell_line(o, *c);
      }
  if (any) o << "\n";
}

}  // namespace

std::string render_suite_summary_md(const SuiteResult& result) {
  std::ostringstream o;
  write_header(o, result);
  write_matrix(o, result);
  write_cells(o, result, "Unexpected cells", [](const Cell& c) { return status_text(c.status).unexpected; });
  write_cells(o, result, "Expected failures", [](const Cell& c) {
    return c.status == CellStatus::expected_failure || c.status == CellStatus::flaky_expected;
  });
  std::string skipped;
  for (const SuiteTarget& t : result.targets)
    if (!t.skipped_because.empty())
      skipped += (skipped.empty() ? "" : "; ") + markdown_code(t.name) + " (" + t.skipped_because + ")";
  if (!skipped.empty()) o << "Skipped targets: " << skipped << "\n\n";
  write_time(o, result);
  return o.str();
}

}  // namespace forkcheck::harness
