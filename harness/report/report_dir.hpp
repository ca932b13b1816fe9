#pragma once
// Where a run's report goes: the directory given with --report, or reports/runs/<time>-<scenario>
// with a `latest` link beside it (Jepsen's store layout).
#include <optional>
#include <string>

namespace forkcheck::harness {

// Creates the directory (and parents). Empty on failure, with *error set.
std::optional<std::string> prepare_report_dir(const std::optional<std::string>& requested,
                                              const std::string& scenario_name, std::string* error);

// Writes `text` to dir/name; false (and *error) on failure.
bool write_report_file(const std::string& dir, const std::string& name, const std::string& text, std::string* error);

}  // namespace forkcheck::harness
