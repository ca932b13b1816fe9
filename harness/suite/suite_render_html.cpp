// index.html: the suite's matrix, scenarios × targets, the reference first as the oracle; each cell
// its status as a label and a colour, failing properties, repeats, and links to its runs' reports.
#include <algorithm>
#include <sstream>

#include "harness/report/html/html_text.hpp"
#include "harness/report/report_summary.hpp"
#include "harness/suite/suite_render.hpp"
#include "harness/suite/suite_render_text.hpp"

namespace forkcheck::harness {
namespace {

constexpr const char* kPageCss = R"(ul.meta{padding-left:1.2em}
table.matrix th.target{min-width:9em}table.matrix th.reference{border-top:3px solid #333}
table.matrix td.cell{min-width:9em;max-width:22em}
.status{display:inline-block;font-weight:bold;padding:0 6px;border-radius:3px;border:1px solid}
.desc{font-weight:normal;font-size:.9em;color:#444;max-width:28em}
.props,.repeats,.requests,.runs,.error,.time{font-size:.88em;margin-top:2px}.props code{background:none}.time{color:#444}
li.partial{border:2px solid #b00020;padding:4px 8px;margin:4px 0;list-style:none;background:#fff3f3}
.oracle{font-weight:normal;font-size:.85em;color:#333}
ol.notes li:target{outline:3px solid #e69f00}a.note-ref{font-size:.8em;vertical-align:super}
ul.legend{list-style:none;padding:0}ul.legend li{margin:3px 0}
)";

// One background and border per status, also used by the legend's samples.
std::string status_css() {
  std::string css;
  for (const CellStatusText& t : all_status_texts()) {
    const std::string sel = std::string(t.css_class);
    css += "td." + sel + ",.status." + sel + "{background:" + std::string(t.background) + ";border-color:" +
           std::string(t.border) + "}\n";
  }
  return css + "td.st-skipped,.status.st-skipped{border-style:dashed;color:#555}\n" +
         "td.st-missing,.status.st-missing{border-style:dotted;border-width:2px}\n";
}

// A scenario's description can run to a paragraph; the matrix row shows its first sentence (the
// whole text is the tooltip), so rows stay about one cell high.
std::string first_sentence(const std::string& text) {
  constexpr std::size_t kMaxChars = 160;
  const std::size_t stop = std::min(text.find(". "), text.find('\n'));
  if (stop != std::string::npos && stop < kMaxChars) return text.substr(0, text[stop] == '.' ? stop + 1 : stop);
  if (text.size() <= kMaxChars) return text;
  std::size_t end = kMaxChars;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;  // not inside a UTF-8 sequence
  return text.substr(0, end) + "…";
}

std::string status_badge(CellStatus s) {
  const CellStatusText& t = status_text(s);
  return "<span class=\"status " + std::string(t.css_class) + "\">" + std::string(t.label) + "</span>";
}

// A partial result (a merge that lacks shards) says so first, with the shards and their cells.
void write_partial(std::ostream& o, const SuiteResult& r) {
  if (r.missing_shards.empty()) return;
  o << "<li class=\"partial\" id=\"partial\"><b>Partial result</b>: " << escape_html(partial_text(r))
    << ". Their cells are marked missing, and the result cannot pass (exit 1 or 2).<ul>";
  for (const MissingShard& m : r.missing_shards) {
    std::vector<std::string> cells;
    for (const CellName& c : m.cells) cells.push_back(c.scenario + " × " + c.target);
    o << "<li>shard " << escape_html(m.shard) << ": " << escape_html(comma_joined(cells)) << "</li>";
  }
  o << "</ul></li>";
}

std::string shard_text(const SuiteResult& r) {
  if (!r.merged_shards.empty()) return "Merged from shards " + comma_joined(r.merged_shards) + " of " + std::to_string(r.shard_plan.count);
  return r.shard.empty() ? "Not sharded: every cell" : "Shard " + r.shard + ": the other shards' cells are skipped";
}

void write_header(std::ostream& o, const SuiteResult& r) {
  o << "<h1>forkcheck suite: " << escape_html(r.name) << (r.missing_shards.empty() ? "" : " (partial)")
    << "</h1>\n<ul class=\"meta\">";
  write_partial(o, r);
  o << "<li>Exit status <b id=\"exit-status\">" << r.exit_code << "</b>: " << escape_html(suite_exit_meaning(r.exit_code))
    << "</li><li>Cells: " << r.cells.size() << " (" << escape_html(status_counts(r.cells)) << ")</li>"
    << "<li>Suite file <code>" << escape_html(r.suite_file) << "</code>, forkcheck "
    << escape_html(r.forkcheck_version.empty() ? "(unknown version)" : r.forkcheck_version) << "</li>"
    << "<li>Started " << escape_html(r.started_utc) << ", wall time " << format_one_decimal(r.wall_s)
    << " s; the cells' runs took " << format_one_decimal(total_cell_time_s(r)) << " s (each cell's time is in its box)</li>"
    << "<li>Repeat " << r.repeat << " (each cell runs " << r.repeat << " seed" << (r.repeat == 1 ? "" : "s")
    << ", the same for every target)";
  if (r.rerun_failed > 0)
    o << "; a failed or undecided seed rerun up to " << r.rerun_failed << " time" << (r.rerun_failed == 1 ? "" : "s")
      << " (a cell that then passes is flaky)";
  o << "</li><li>" << escape_html(shard_text(r)) << "</li></ul>\n";
}

void write_column_heads(std::ostream& o, const SuiteResult& r) {
  o << "<table class=\"matrix\">\n<thead><tr><th>Scenario</th>";
  for (const SuiteTarget& t : r.targets) {
    o << "<th class=\"target" << (t.reference ? " reference" : "") << "\" data-target=\"" << escape_html(t.name)
      << "\" title=\"" << escape_html(t.command) << "\">" << escape_html(t.name);
    if (t.reference) o << "<br><span class=\"oracle\">reference: the oracle</span>";
    if (!t.skipped_because.empty()) o << "<br><span class=\"oracle\">skipped</span>";
    o << "</th>";
  }
  o << "</tr></thead>\n<tbody>\n";
}

// A run's link: "run 2" to its report, with its seed, verdict and time as the tooltip.
void write_run_links(std::ostream& o, const Cell& c) {
  if (c.runs.empty()) return;
  o << "<div class=\"runs\">";
  for (std::size_t i = 0; i < c.runs.size(); ++i) {
    const CellRun& run = c.runs[i];
    std::string tip = "seed " + std::to_string(run.seed) + (run.rerun ? ", rerun " + std::to_string(run.rerun) : "") + ": " +
                      std::string(run_verdict(run));
    if (!run.failed.empty()) tip += " (" + comma_joined(run.failed) + ")";
    if (!run.error.empty()) tip += ": " + run.error;
    tip += ", " + format_one_decimal(run.wall_s) + " s";
    if (run.recovery_median_ms) tip += ", recovery median " + format_ms(*run.recovery_median_ms) + " ms";
    if (run.requests_failed > 0) tip += ", " + requests_failed_text(run.requests_failed, run.requests_excused);
    const std::string path = run_report_path(run);
    const std::string text = run_link_text(c, i);
    o << (i ? " " : "");
    if (path.empty()) o << "<span title=\"" << escape_html(tip) << "\">" << text << "</span>";
    else o << "<a class=\"run\" href=\"" << escape_href_path(path) << "\" title=\"" << escape_html(tip) << "\">" << text << "</a>";
  }
  o << "</div>";
}

// The cell: status label, failing properties, repeats, run links and a reference to its note.
void write_cell(std::ostream& o, const Cell& c, std::size_t note_number) {
  const CellStatusText& t = status_text(c.status);
  o << "<td class=\"cell " << t.css_class << "\" data-status=\"" << t.label << "\" data-target=\""
    << escape_html(c.target) << "\" title=\"" << escape_html(std::string(t.label) + (c.note.empty() ? "" : ": " + c.note))
    << "\">" << status_badge(c.status);
  if (note_number > 0) o << " <a class=\"note-ref\" href=\"#note-" << note_number << "\">[" << note_number << "]</a>";
  if (!c.failing_properties.empty()) {
    o << "<div class=\"props\">";
    for (std::size_t i = 0; i < c.failing_properties.size(); ++i)
      o << (i ? ", " : "") << "<code>" << escape_html(c.failing_properties[i]) << "</code>";
    o << "</div>";
  }
  if (const std::string repeats = repeats_text(c); !repeats.empty()) o << "<div class=\"repeats\">" << repeats << "</div>";
  if (const std::string requests = requests_failed_text(c); !requests.empty())
    o << "<div class=\"requests\">" << requests << "</div>";
  if (!c.runs.empty()) o << "<div class=\"time\">" << format_one_decimal(cell_wall_s(c)) << " s</div>";
  write_run_links(o, c);
  o << "</td>";
}

// Cells that need a word: every status but passed, with a note, numbered in matrix order. A cell
// skipped because its target is gets none: the skipped targets list says why, once.
bool has_note(const SuiteResult& r, const Cell& c) {
  if (c.status == CellStatus::passed || c.note.empty()) return false;
  const auto target = std::find_if(r.targets.begin(), r.targets.end(), [&](const SuiteTarget& t) { return t.name == c.target; });
  return !(c.status == CellStatus::skipped && target != r.targets.end() && target->skipped_because == c.note);
}

void write_matrix(std::ostream& o, const SuiteResult& r) {
  o << "<h2 id=\"matrix\">Matrix</h2>\n";
  write_column_heads(o, r);
  std::size_t notes = 0;
  for (const SuiteScenario& s : r.scenarios) {
    o << "<tr class=\"scenario\" id=\"scenario-" << escape_href_path(s.name) << "\" data-scenario=\""
      << escape_html(s.name) << "\"><th scope=\"row\"><code>" << escape_html(s.name) << "</code>";
    if (!s.description.empty())
      o << "<div class=\"desc\" title=\"" << escape_html(s.description) << "\">" << escape_html(first_sentence(s.description))
        << "</div>";
    o << "</th>";
    for (const SuiteTarget& t : r.targets) {
      const Cell* c = find_cell(r, s.name, t.name);
      const Cell missing{s.name, t.name, {}, CellStatus::skipped, {}, "not in this result"};
      const Cell& cell = c ? *c : missing;
      write_cell(o, cell, has_note(r, cell) ? ++notes : 0);
    }
    o << "</tr>\n";
  }
  o << "</tbody></table>\n<p>Hover a cell for its note, a run link for its seed, verdict and time.</p>\n";
}

void write_notes(std::ostream& o, const SuiteResult& r) {
  o << "<h2 id=\"notes\">Notes</h2>\n<ol class=\"notes\">\n";
  std::size_t number = 0;
  for (const SuiteScenario& s : r.scenarios)
    for (const SuiteTarget& t : r.targets)
      if (const Cell* c = find_cell(r, s.name, t.name); c && has_note(r, *c))
        o << "<li id=\"note-" << ++number << "\"><code>" << escape_html(s.name) << "</code> × <b>" << escape_html(t.name)
          << "</b>: " << status_badge(c->status) << " " << escape_html(c->note) << "</li>\n";
  o << "</ol>\n";
  if (number == 0) o << "<p>None: every cell passed.</p>\n";
}

void write_legend(std::ostream& o) {
  o << "<h2 id=\"legend\">Legend</h2>\n<ul class=\"legend\">\n";
  for (const CellStatusText& t : all_status_texts())
    o << "<li>" << status_badge(t.status) << " " << t.meaning << (t.unexpected ? " — makes the suite fail" : "") << "</li>\n";
  o << "</ul>\n";
}

void write_targets(std::ostream& o, const SuiteResult& r) {
  o << "<h2 id=\"targets\">Targets</h2>\n<table><tr><th>Target</th><th>Command</th><th>Expected failures</th></tr>\n";
  for (const SuiteTarget& t : r.targets)
    o << "<tr><td>" << escape_html(target_label(t)) << "</td><td>"
      << (t.command.empty() ? "(none: each scenario's own target, else forkcheck's refcluster)" : "<code>" + escape_html(t.command) + "</code>")
      << "</td><td>" << t.expected.size() << "</td></tr>\n";
  o << "</table>\n";
  bool any = false;
  for (const SuiteTarget& t : r.targets) {
    if (t.skipped_because.empty()) continue;
    if (!any) o << "<h2 id=\"skipped\">Skipped targets</h2>\n<ul class=\"skipped\">\n";
    any = true;
    o << "<li><b>" << escape_html(t.name) << "</b>: " << escape_html(t.skipped_because) << "</li>\n";
  }
  if (any) o << "</ul>\n";
}

}  // namespace

std::string render_suite_index_html(const SuiteResult& result) {
  std::ostringstream o;
  o << html_page_start("forkcheck suite: " + result.name + " — exit " + std::to_string(result.exit_code) +
                           (result.missing_shards.empty() ? "" : " (partial)"),
                       std::string(kPageCss) + status_css());
  write_header(o, result);
  write_matrix(o, result);
  write_legend(o);
  write_notes(o, result);
  write_targets(o, result);
  o << "</body></html>\n";
  return o.str();
}

}  // namespace forkcheck::harness
