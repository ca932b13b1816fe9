#include "harness/suite/suite_rerun.hpp"

#include <map>

#include "common/exit_code.hpp"

namespace forkcheck::harness {
namespace {

// A flaky cell stays flaky whatever its reruns do, an expected outcome needs none, and a run that
// could not be made (exit 2) is the target's or the machine's state, not a verdict to retry.
bool worth_rerunning(const Cell& c) {
  return c.status == CellStatus::conformance_failure || c.status == CellStatus::undecided;
}

bool failed_or_undecided(const CellRun& r) {
  return r.exit_code == to_int(ExitCode::violated) || r.exit_code == to_int(ExitCode::undecided);
}

}  // namespace

std::vector<RerunDue> reruns_due(const SuiteResult& result, int max_reruns) {
  std::vector<RerunDue> due;
  for (std::size_t i = 0; i < result.cells.size(); ++i) {
    const Cell& c = result.cells[i];
    if (!worth_rerunning(c)) continue;
    // Each seed's latest run (its highest rerun) and the repeat it belongs to.
    std::map<std::uint64_t, const CellRun*> latest;
    std::map<std::uint64_t, int> repeat_of;
    int k = 0;
    for (const CellRun& r : c.runs) {
      if (r.rerun == 0) repeat_of.emplace(r.seed, k++);
      const CellRun*& l = latest[r.seed];
      if (l == nullptr || r.rerun > l->rerun) l = &r;
    }
    for (const auto& [seed, run] : latest)
      if (failed_or_undecided(*run) && run->rerun < max_reruns)
        due.push_back({i, seed, run->rerun + 1, repeat_of.count(seed) ? repeat_of[seed] : 0});
  }
  return due;
}

}  // namespace forkcheck::harness
