#pragma once
// Where a run's report goes: the directory given with --report, or reports/runs/<time>-<scenario>
// with a `latest` link beside it (Jepsen's store layout).
//
// A directory forkcheck made holds a marker file (kReportMarker). An existing, non-empty directory
// without it is refused (it may be anything of the user's); one with it is emptied first, so no
// file of an earlier run (an events.jsonl of another target, a case folder) sits beside the new one.
#include <optional>
#include <string>

namespace forkcheck::harness {

inline constexpr const char* kReportMarker = ".forkcheck-report";

// Creates the directory (and parents) with its marker. Empty on failure, with *error set.
std::optional<std::string> prepare_report_dir(const std::optional<std::string>& requested,
                                              const std::string& scenario_name, std::string* error);

// Writes `text` to dir/name; false (and *error) on failure.
bool write_report_file(const std::string& dir, const std::string& name, const std::string& text, std::string* error);

}  // namespace forkcheck::harness
