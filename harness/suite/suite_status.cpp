// A cell's status: the reference's verdict on the same scenario and seeds is the oracle, the suite
// file's expectation says what the target is known to fail. docs/design.md, "forkcheck suite".
#include "harness/suite/suite_status.hpp"

#include <algorithm>
#include <set>
#include <string>

#include "common/exit_code.hpp"
#include "common/name_table.hpp"

namespace forkcheck::harness {
namespace {

constexpr NameTable<CellStatus, 11> kStatusNames{{
    {CellStatus::passed, "passed"},
    {CellStatus::expected_failure, "expected_failure"},
    {CellStatus::flaky_expected, "flaky_expected"},
    {CellStatus::conformance_failure, "conformance_failure"},
    {CellStatus::unexpected_pass, "unexpected_pass"},
    {CellStatus::flaky, "flaky"},
    {CellStatus::reference_failed, "reference_failed"},
    {CellStatus::could_not_run, "could_not_run"},
    {CellStatus::undecided, "undecided"},
    {CellStatus::skipped, "skipped"},
    {CellStatus::missing, "missing"},
}};

struct RunCounts {
  int passed = 0, failed = 0, undecided = 0, could_not_run = 0;
  int total() const { return passed + failed + undecided + could_not_run; }
};

RunCounts count_runs(const Cell& c) {
  RunCounts n;
  for (const CellRun& r : c.runs) {
    if (r.exit_code == to_int(ExitCode::ok)) ++n.passed;
    else if (r.exit_code == to_int(ExitCode::violated)) ++n.failed;
    else if (r.exit_code == to_int(ExitCode::undecided)) ++n.undecided;
    else ++n.could_not_run;
  }
  return n;
}

// The properties named in `names` (CellRun::failed or CellRun::unknown) of any run, sorted, once each.
std::vector<std::string> union_over_runs(const Cell& c, std::vector<std::string> CellRun::*names) {
  std::set<std::string> all;
  for (const CellRun& r : c.runs) all.insert((r.*names).begin(), (r.*names).end());
  return {all.begin(), all.end()};
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}

std::string ratio(int part, int total) { return std::to_string(part) + "/" + std::to_string(total); }

std::string first_error(const Cell& c) {
  for (const CellRun& r : c.runs)
    if (!r.error.empty()) return r.error;
  return "exit " + std::to_string(c.runs.empty() ? 2 : c.runs.back().exit_code);
}

// --rerun-failed: a run of the cell's seeds run again passed.
bool passed_on_rerun(const Cell& c) {
  return std::any_of(c.runs.begin(), c.runs.end(),
                     [](const CellRun& r) { return r.rerun > 0 && r.exit_code == to_int(ExitCode::ok); });
}

// "; reruns: 1/2 pass" when the cell has reruns, else "".
std::string reruns_note(const Cell& c) {
  int reruns = 0, passed = 0;
  for (const CellRun& r : c.runs)
    if (r.rerun > 0) ++reruns, passed += r.exit_code == to_int(ExitCode::ok) ? 1 : 0;
  return reruns == 0 ? "" : "; reruns: " + ratio(passed, reruns) + " pass";
}

// `expect: flaky` accepts a run left undecided too (a peer's race may leave a property unknown,
// e.g. a stop that outlasts the grace), when the unknown properties are among the listed ones.
bool accepts_undecided(const Cell& c, const ExpectedOutcome* e) {
  if (e == nullptr || e->expectation != Expectation::flaky) return false;
  const auto unknown = union_over_runs(c, &CellRun::unknown);
  return e->properties.empty() || std::all_of(unknown.begin(), unknown.end(), [&](const std::string& p) {
           return std::find(e->properties.begin(), e->properties.end(), p) != e->properties.end();
         });
}

// Judges a cell whose oracle passed (or the reference's own cell), from its runs and expectation.
void judge_against_expectation(Cell& c, const RunCounts& n, const ExpectedOutcome* e) {
  const std::string failed_runs = "failed " + ratio(n.failed, n.total()) + " runs";
  if (n.failed == 0 && n.undecided > 0 && accepts_undecided(c, e)) {
    c.status = CellStatus::flaky_expected;
    c.note = "undecided in " + ratio(n.undecided, n.total()) + " runs (unknown: " + joined(union_over_runs(c, &CellRun::unknown)) +
             "), expected flaky: " + e->reason;
    return;
  }
  if (n.failed == 0 && n.undecided > 0 && passed_on_rerun(c)) {
    // Unknown, then known good: the verdict depends on the run, which is what flaky means.
    c.status = CellStatus::flaky;
    c.note = "undecided in " + ratio(n.undecided, n.total()) + " runs (unknown: " + joined(union_over_runs(c, &CellRun::unknown)) +
             "), passed on rerun";
    return;
  }
  if (n.failed == 0 && n.undecided > 0) {
    c.status = CellStatus::undecided;
    c.note = "no property failed, one stayed unknown in " + ratio(n.undecided, n.total()) + " runs";
    return;
  }
  if (e == nullptr) {
    if (n.failed == 0) c.status = CellStatus::passed;
    else if (n.passed > 0) c.status = CellStatus::flaky, c.note = failed_runs;
    else c.status = CellStatus::conformance_failure, c.note = "the reference passed it";
    return;
  }
  const std::set<std::string> listed(e->properties.begin(), e->properties.end());
  const bool within = std::all_of(c.failing_properties.begin(), c.failing_properties.end(),
                                  [&](const std::string& p) { return listed.count(p) > 0; });
  if (e->expectation == Expectation::flaky) {
    if (!within && !listed.empty()) {
      c.status = CellStatus::conformance_failure;
      c.note = "expected flaky on " + joined(e->properties) + " only";
    } else {
      c.status = n.failed == 0 ? CellStatus::passed : CellStatus::flaky_expected;
      c.note = failed_runs + ", expected flaky: " + e->reason;
    }
    return;
  }
  if (n.failed == 0) {
    c.status = CellStatus::unexpected_pass;
    c.note = "expected to fail " + joined(e->properties) + " (" + e->reason + "), passed " + ratio(n.passed, n.total());
  } else if (n.passed > 0) {
    c.status = CellStatus::flaky;
    c.note = failed_runs + ", expected to fail every run: " + e->reason;
  } else if (!within) {
    c.status = CellStatus::conformance_failure;
    c.note = "expected to fail on " + joined(e->properties) + " only";
  } else {
    c.status = CellStatus::expected_failure;
    c.note = e->reason;
  }
}

const SuiteTarget* find_target(const SuiteResult& r, const std::string& name) {
  for (const auto& t : r.targets)
    if (t.name == name) return &t;
  return nullptr;
}

}  // namespace

std::string_view to_string(CellStatus s) { return name_in(kStatusNames, s).value_or("skipped"); }

std::optional<CellStatus> cell_status_from_string(std::string_view name) { return value_named(kStatusNames, name); }

bool as_expected(CellStatus s) {
  return s == CellStatus::passed || s == CellStatus::expected_failure || s == CellStatus::flaky_expected ||
         s == CellStatus::skipped;
}

const ExpectedOutcome* expectation_for(const SuiteTarget& target, const std::string& scenario) {
  for (const auto& e : target.expected)
    if (e.scenario == scenario) return &e;
  return nullptr;
}

void judge_cells(SuiteResult& result) {
  const SuiteTarget* reference = nullptr;
  for (const auto& t : result.targets)
    if (t.reference) reference = &t;
  // The reference's cells first: they are the oracle of the others.
  std::vector<Cell*> order;
  for (Cell& c : result.cells) if (reference && c.target == reference->name) order.insert(order.begin(), &c);
  for (Cell& c : result.cells) if (!reference || c.target != reference->name) order.push_back(&c);
  for (Cell* c : order) {
    if (c->status == CellStatus::missing) continue;  // set by a merge for a shard it lacks, not judged from runs
    const SuiteTarget* target = find_target(result, c->target);
    c->failing_properties = union_over_runs(*c, &CellRun::failed);
    c->note.clear();
    const RunCounts n = count_runs(*c);
    if (c->runs.empty()) {
      c->status = CellStatus::skipped;
      c->note = target && !target->skipped_because.empty() ? target->skipped_because : "not run";
      continue;
    }
    if (n.could_not_run > 0) {
      c->status = CellStatus::could_not_run;
      c->note = first_error(*c);
      continue;
    }
    const ExpectedOutcome* e = target ? expectation_for(*target, c->scenario) : nullptr;
    const bool is_reference = target && target->reference;
    if (is_reference && n.failed > 0 && e == nullptr) {
      c->status = CellStatus::reference_failed;
      c->note = "the reference failed in " + ratio(n.failed, n.total()) + " runs: the scenario or the machine is at fault";
      continue;
    }
    if (!is_reference && n.failed > 0 && reference) {
      const auto oracle = std::find_if(result.cells.begin(), result.cells.end(), [&](const Cell& o) {
        return o.scenario == c->scenario && o.target == reference->name;
      });
      if (oracle == result.cells.end() || !as_expected(oracle->status) || oracle->status == CellStatus::skipped) {
        c->status = CellStatus::reference_failed;
        c->note = "the reference did not pass this scenario (" +
                  (oracle == result.cells.end() ? std::string("not run") : std::string(to_string(oracle->status))) +
                  "): not the target's fault";
        continue;
      }
    }
    judge_against_expectation(*c, n, e);
    c->note += reruns_note(*c);
  }
}

int suite_exit_code(const std::vector<Cell>& cells) {
  auto any = [&](std::initializer_list<CellStatus> statuses) {
    return std::any_of(cells.begin(), cells.end(), [&](const Cell& c) {
      return std::find(statuses.begin(), statuses.end(), c.status) != statuses.end();
    });
  };
  if (any({CellStatus::conformance_failure, CellStatus::unexpected_pass, CellStatus::flaky})) return to_int(ExitCode::violated);
  if (any({CellStatus::could_not_run, CellStatus::reference_failed, CellStatus::missing})) return to_int(ExitCode::cannot_run);
  if (any({CellStatus::undecided})) return to_int(ExitCode::undecided);
  return to_int(ExitCode::ok);
}

}  // namespace forkcheck::harness
