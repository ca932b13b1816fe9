#pragma once
// --rerun-failed K (pure): which runs a suite runs again once every cell has run. A cell whose
// status is conformance_failure or undecided (a failure or an unknown verdict the suite file does
// not expect) reruns each seed whose latest run failed or was undecided, with the same seed (the
// same fault schedule), up to K times per seed. The reruns join the cell's runs and the status
// rules judge them all: a cell that passes on rerun is flaky, never passed (docs/design.md,
// "forkcheck suite").
#include <cstddef>
#include <cstdint>
#include <vector>

#include "harness/suite/suite_model.hpp"

namespace forkcheck::harness {

struct RerunDue {
  std::size_t cell_index = 0;   // into SuiteResult::cells
  std::uint64_t seed = 0;
  int rerun = 1;                // the rerun's number for this seed: 1..K
  int repeat_index = 0;         // k of the run it repeats (its seed is the scenario's seed + k)
};

// The reruns of the next round for result's judged cells, at most max_reruns per seed; empty when
// none is due (every cell as expected, flaky already, or its seeds' reruns used up).
std::vector<RerunDue> reruns_due(const SuiteResult& result, int max_reruns);

}  // namespace forkcheck::harness
