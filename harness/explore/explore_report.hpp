#pragma once
// explore's own report.md and junit.xml in its report directory: one line (one testcase) per run,
// generated case or shrink run, with its outcome and folder, and the counterexample. Pure.
#include <string>
#include <vector>

#include "harness/explore/explore.hpp"

namespace forkcheck::harness {

enum class CaseOutcome { pass, fail, unknown, cannot_run };
std::string_view to_string(CaseOutcome o);

struct CaseEntry {
  std::string label;       // "case 3/50" or "shrink 2"
  std::string folder;      // relative to the report directory: cases/case-3, cases/shrink-2
  std::string schedule;    // describe_schedule()
  CaseOutcome outcome = CaseOutcome::cannot_run;
  std::string properties;  // the failing (or unknown) properties, space-separated
  double seconds = 0;
};

struct ExploreReport {
  std::string command;     // the explore command with its seed
  std::vector<CaseEntry> runs;
  ExploreSummary summary;
};

// "fails 2/3 replays (timing-dependent)", "fails 3/3 replays"; empty when it was not replayed.
std::string replays_text(const ExploreSummary& s);

std::string render_explore_markdown(const ExploreReport& r);
std::string render_explore_junit(const ExploreReport& r);

}  // namespace forkcheck::harness
