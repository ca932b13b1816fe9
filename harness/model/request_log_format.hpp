#pragma once
// The request log's on-disk format: one tab-separated text line per RequestRecord, so a crashed
// run leaves every whole line readable and awk, pandas or a shell loop read it without forkcheck.
//
//   # forkcheck request log v1
//   id<TAB>connection_id<TAB>...            the column names, in the order of the values below
//   0<TAB>3<TAB>...                         one line per record, '\n'-terminated
//
// Columns are named: a reader maps them by name, ignores names it does not know and leaves fields
// whose column is missing at their defaults, so adding a field to RequestRecord is one row in the
// field table (request_log_format.cpp) and old files stay readable. `version` changes only when a
// column's meaning changes. Full description: reports/README.md ("requests.tsv").
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/model/history.hpp"

namespace forkcheck::harness {

inline constexpr int kRequestLogVersion = 1;
inline constexpr std::string_view kRequestLogMagic = "# forkcheck request log v";

// The two header lines (magic + version, column names), each ending in '\n'.
std::string request_log_header();
// Appends one record's line, '\n' included.
void append_request_line(const RequestRecord& r, std::string& out);

// How a file's columns map onto RequestRecord's fields (parsed from its header).
class RequestColumns {
 public:
  // nullopt (and *error) when `magic_line` is not a request log header of a version this reader knows.
  static std::optional<RequestColumns> parse(std::string_view magic_line, std::string_view names_line, std::string* error);
  // One record line without its '\n'. nullopt when a value does not parse.
  std::optional<RequestRecord> parse_line(std::string_view line) const;

 private:
  std::vector<int> field_of_column_;  // index into the field table, -1: a column this reader does not know
};

}  // namespace forkcheck::harness
