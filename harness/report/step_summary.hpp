#pragma once
// GitHub Actions' job summary: when $GITHUB_STEP_SUMMARY names a file, the Markdown appended to it
// is shown on the workflow run's page. `forkcheck run` and `forkcheck suite` append theirs; other
// CI systems (and a shell) leave the variable unset and nothing happens.
#include <iostream>
#include <string>
#include <vector>

namespace forkcheck::harness {

enum class StepSummaryWrite {
  not_requested,  // $GITHUB_STEP_SUMMARY is unset or empty
  appended,
  failed,         // the file could not be opened or written: a warning was printed
};

// Appends `markdown` and a blank line to the file $GITHUB_STEP_SUMMARY names (created when absent,
// never truncated: every step of a job appends to the same file). A failure is a warning on
// `warnings`, never the run's failure: the summary is a convenience, the report is the result.
StepSummaryWrite append_step_summary(const std::string& markdown, std::ostream& warnings = std::cerr);

// `environment` (e.g. environ) without $GITHUB_STEP_SUMMARY, null-terminated, for the child runs
// of a suite: the suite appends its summary once, its cells' `forkcheck run`s must not each add
// theirs. The strings stay the caller's.
std::vector<char*> environment_without_step_summary(char** environment);

}  // namespace forkcheck::harness
