#pragma once
// The data of `forkcheck suite`: what a suite file asks for (targets, scenarios, expectations) and
// what a suite run found (cells: one scenario × one target, each run --repeat times). Pure data;
// the engine (suite file, plan, cell runs, suite.json, merge) fills it and the renderers (index.html,
// junit.xml, summary.md, the step summary) read it. Vocabulary: docs/design.md, "forkcheck suite".
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/model/target_overrides.hpp"

namespace forkcheck::harness {

// What a target is expected to do on a scenario, with the reason (Autobahn's per-agent exclusions,
// pytest's strict xfail: a cell that passes where a failure was expected is a stale expectation).
enum class Expectation {
  pass,   // the default: every property passes (or is as the reference's)
  fail,   // every repeat fails, on listed properties only; any other outcome is unexpected
  flaky,  // either verdict is accepted (a peer's race that no scenario makes certain); reported
};

struct ExpectedOutcome {
  std::string scenario;                 // scenario name
  Expectation expectation = Expectation::fail;
  std::vector<std::string> properties;  // the properties that may fail (fail: no other may; a run need not fail all)
  std::string reason;                   // required: why (the peer's defect, a link)
  int line = 0;                         // its line in the suite file (for errors); 0: not from a file
};

struct SuiteTarget {
  std::string name;                     // e.g. "node"; "refcluster" is the reference
  std::string command;                  // template with {port} {workers}, as `run --target`
  std::vector<std::string> requires_programs;  // skipped, with a message, when one is not on PATH
  bool reference = false;               // the oracle (exactly one per suite: refcluster)
  std::string skipped_because;          // non-empty: not run on this machine (e.g. "node not on PATH")
  std::vector<ExpectedOutcome> expected;
  TargetOverrides overrides;            // its `load:` and `stop_signal:` keys (then the command line's), as run flags
  // Last, so that positional initialisers written before it (the tests' sample suite) stay right.
  std::string workers_match;            // non-empty: `run --workers-match` (workers told by command line)
};

struct SuiteScenario {
  std::string name;                     // the scenario's `name` (default: its file name without .yaml)
  std::string path;                     // the resolved file
  std::string description;              // the scenario's first line of description
  std::uint64_t seed = 1;               // the scenario's seed: repeat k of every target runs seed + k
};

// One `forkcheck run` of a cell.
struct CellRun {
  std::uint64_t seed = 0;
  int exit_code = 2;                        // forkcheck run's exit status (0/1/2/3/130)
  std::vector<std::string> failed;          // properties that failed
  std::vector<std::string> unknown;         // properties that stayed unknown
  std::string error;                        // exit 2: the one-line reason
  std::string report_dir;                   // relative to the suite's report directory
  double wall_s = 0;
  std::optional<double> recovery_median_ms; // SIGKILL → N ready again, when the run measured one
  int rerun = 0;                            // 0: one of the cell's --repeat runs; k: the k-th rerun of its seed (--rerun-failed)
  std::uint64_t requests_failed = 0;        // failed load requests (report.json load.failed), excused ones included
  std::uint64_t requests_excused = 0;       // of those, the ones a fault excused (load.excused)
};

enum class CellStatus {
  passed,               // passed as expected
  expected_failure,     // failed exactly as the suite file expects
  flaky_expected,       // mixed verdicts over the repeats, and the suite file says flaky
  conformance_failure,  // the reference passed, this target failed (unexpected)
  unexpected_pass,      // an expected failure passed: a stale expectation
  flaky,                // mixed verdicts over the repeats, not expected
  reference_failed,     // the reference failed this scenario too: the scenario or the machine is at fault
  could_not_run,        // a run exited 2
  undecided,            // no failure, but a property stayed unknown
  skipped,              // the target is not installed here (or the cell is in another shard)
  missing,              // a merge did not get this cell: its shard's report is missing or was interrupted
};

struct Cell {
  std::string scenario;
  std::string target;
  std::vector<CellRun> runs;                // one per repeat, in seed order
  CellStatus status = CellStatus::skipped;
  std::vector<std::string> failing_properties;  // union over the runs
  std::string note;                         // why this status (expectation reason, reference's verdict...)
};

// How the suite's scenarios were dealt to shards, recorded by every shard so that a merge can tell
// which shards it lacks and name their cells (docs/design.md, "Shards and merge").
struct ShardPlan {
  int index = 1;                                     // this result's shard, 1-based (1 of 1: not sharded)
  int count = 1;
  std::vector<std::vector<std::string>> scenarios;   // scenarios[i]: the scenario names of shard i + 1
};

struct CellName {
  std::string scenario;
  std::string target;
  bool operator==(const CellName&) const = default;
};

// Cells a merge did not get, by the shard that should have held them (a partial merge).
struct MissingShard {
  std::string shard;                        // "2/3"
  std::string reason;                       // "not given to merge", "interrupted before these cells ran"
  std::vector<CellName> cells;
};

struct SuiteResult {
  std::string name;                         // the suite file's name
  std::string suite_file;
  std::string forkcheck_version;
  std::vector<SuiteTarget> targets;         // reference first
  std::vector<SuiteScenario> scenarios;
  std::vector<Cell> cells;                  // scenario-major, targets in order
  int repeat = 1;
  std::string shard;                        // "I/N", empty when not sharded (or merged)
  ShardPlan shard_plan;                     // every shard's scenarios; index: this result's shard
  std::vector<std::string> merged_shards;   // a merged result: the shards it joined ("1/3", ...)
  std::vector<MissingShard> missing_shards; // not empty: a partial result (merge --allow-partial)
  int rerun_failed = 0;                     // --rerun-failed K: reruns of a failed or undecided seed, at most
  std::string started_utc;                  // ISO 8601
  double wall_s = 0;
  int exit_code = 0;                        // the suite's status (docs/design.md, "forkcheck suite")
};

}  // namespace forkcheck::harness
