#pragma once
// What the report shows beside the execution table: the variable tracker, the walkthrough's key
// moments, and the table's plain-text rendering for live stdout. Pure: built from the table (and the
// History) that check/execution_table.hpp builds.
#include <string>
#include <string_view>
#include <vector>

#include "harness/check/execution_table.hpp"
#include "harness/model/history.hpp"

namespace forkcheck::harness {

// The variable tracker: is-primary, workers count, server listening at each of the walkthrough's stages.
struct TrackerCell {
  std::string observed;
  std::string expected;
  bool mismatch = false;
};
struct TrackerRow {
  std::string variable;
  std::vector<TrackerCell> cells;  // one per VariableTracker::columns
};
struct VariableTracker {
  std::vector<std::string> columns;  // Start, After Fork 1, After Fork 2, After All Forks, ...
  std::vector<TrackerRow> rows;
};
VariableTracker build_variable_tracker(const ExecutionTable& table);

// The walkthrough's three key moments, each confirmed or refuted by what was observed.
enum class MomentStatus { confirmed, refuted, not_observed };
std::string_view to_string(MomentStatus m);

struct KeyMoment {
  std::string question;  // the walkthrough's question
  std::string rows;      // the table rows it rests on, e.g. "rows 6 and 7"
  MomentStatus status = MomentStatus::not_observed;
  std::string evidence;
};
std::vector<KeyMoment> key_moments(const History& h, const ExecutionTable& table);

// A row is judged (marked ✓ or ✗) only when the scenario is the walkthrough, whose table is the
// expectation, and only once the run is over; otherwise the mark is empty.
std::string_view match_mark(const TableRow& row, bool judged);

// Plain-text rendering for live stdout, aligned columns. The header once, then one line per row;
// each string ends with a newline. `judged`: a mismatching row carries ✗ (see match_mark).
std::string render_table_header_text();
std::string render_row_text(const TableRow& row, mono_ns launch_ns, bool judged);

}  // namespace forkcheck::harness
