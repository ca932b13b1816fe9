#pragma once
// Text into a Markdown table cell: what every Markdown renderer (report.md, the step summary,
// the suite's summary.md) puts between two '|'. Pure.
#include <string>
#include <string_view>

namespace forkcheck::harness {

// '|' escaped (it would end the cell), newlines as spaces (they would end the row).
std::string markdown_cell(std::string_view text);

// `text` as inline code, whatever backticks it holds (a fence longer than its longest run of them),
// and safe in a table cell.
std::string markdown_code(std::string_view text);

}  // namespace forkcheck::harness
