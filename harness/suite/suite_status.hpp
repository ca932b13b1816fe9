#pragma once
// The status of each cell and the suite's exit status, from the cells' runs and the expectations
// (pure; the rule is docs/design.md, "forkcheck suite").
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/suite/suite_model.hpp"

namespace forkcheck::harness {

std::string_view to_string(CellStatus s);
std::optional<CellStatus> cell_status_from_string(std::string_view name);

// True for the statuses that are as the suite file expects (passed, expected_failure,
// flaky_expected, skipped).
bool as_expected(CellStatus s);

// The expectation of target on scenario; nullptr when there is none (expected to pass).
const ExpectedOutcome* expectation_for(const SuiteTarget& target, const std::string& scenario);

// Sets status, failing_properties and note of every cell of result, the reference's cell of each
// scenario being the oracle of that scenario's other cells.
void judge_cells(SuiteResult& result);

// 1 an unexpected failure, pass or flaky; else 2 a cell could not run or the reference failed;
// else 3 a cell undecided; else 0. (130, interrupted, is the runner's to set.)
int suite_exit_code(const std::vector<Cell>& cells);

}  // namespace forkcheck::harness
