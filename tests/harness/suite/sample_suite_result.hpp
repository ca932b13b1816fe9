#pragma once
// A hand-made suite result holding every cell status, with names and notes that need escaping, for
// the renderer tests and for write_sample_suite (index.html in the browser before a real suite run).
// Four targets (the reference, two peers, one skipped) × four scenarios; one cell missing, as in a
// merge that lacked a shard (a partial result).
#include <string>
#include <vector>

#include "harness/suite/suite_model.hpp"

namespace forkcheck::harness::testing {

inline constexpr const char* kOddTarget = "peer <&\"'>";
inline constexpr const char* kOddScenario = "hang & <wait>";

inline CellRun sample_run(std::uint64_t seed, int exit_code, std::string report_dir, std::vector<std::string> failed = {}) {
  CellRun r;
  r.seed = seed;
  r.exit_code = exit_code;
  r.failed = std::move(failed);
  r.report_dir = std::move(report_dir);
  r.wall_s = 2.5;
  if (exit_code == 0 || exit_code == 1) r.recovery_median_ms = exit_code == 0 ? 1.25 : 850.0;
  if (exit_code == 2) r.error = "target did not listen on 127.0.0.1:41234 within 5 s: <cmd>";
  return r;
}

// `statuses` is the four cells of one scenario, in target order; each cell's runs follow its status.
inline std::vector<CellRun> sample_runs(CellStatus status, const std::string& dir, const std::vector<std::string>& props) {
  const auto run = [&](int k, int exit_code, std::vector<std::string> failed = {}) {
    return sample_run(1 + static_cast<std::uint64_t>(k), exit_code, dir + "/run-" + std::to_string(k), std::move(failed));
  };
  switch (status) {
    case CellStatus::passed: case CellStatus::unexpected_pass: return {run(0, 0)};
    case CellStatus::expected_failure: case CellStatus::reference_failed: return {run(0, 1, props)};
    case CellStatus::conformance_failure: return {run(0, 1, props), run(1, 1, props), run(2, 1, props)};
    case CellStatus::flaky: case CellStatus::flaky_expected: return {run(0, 1, props), run(1, 0), run(2, 1, props)};
    case CellStatus::could_not_run: return {run(0, 2)};
    case CellStatus::undecided: return {run(0, 3)};
    case CellStatus::skipped: case CellStatus::missing: return {};
  }
  return {};
}

inline SuiteResult sample_suite_result() {
  SuiteResult r;
  r.name = "sample <suite>";
  r.suite_file = "scenarios/conformance.yaml";
  r.forkcheck_version = "0.1.0";
  r.repeat = 3;
  r.started_utc = "2026-01-02T03:04:05Z";
  r.wall_s = 61.5;
  r.exit_code = 1;
  SuiteTarget expected_peer{kOddTarget, "peer --port {port} --workers {workers}", {}, false, "", {}};
  expected_peer.expected = {{"walkthrough", Expectation::fail, {"workers_restored"}, "never respawns & \"says so\""},
                            {kOddScenario, Expectation::flaky, {"service_available"}, "a race in its accept loop"},
                            {"crash_loop", Expectation::fail, {"bounded_restarts"}, "an old bug, since fixed"}};
  r.targets = {{"refcluster", "refcluster --port {port} --workers {workers}", {}, true, "", {}},
               {"node", "node scenarios/targets/node-cluster.mjs {port} {workers}", {"node"}, false, "", {}},
               expected_peer,
               {"gunicorn", "gunicorn -w {workers} -b 127.0.0.1:{port} app:app", {"gunicorn"}, false,
                "gunicorn not on PATH", {}}};
  r.scenarios = {{"walkthrough", "scenarios/walkthrough.yaml", "The walkthrough: one SIGKILL, one replacement"},
                 {"kill_all", "scenarios/kill-all.yaml", "Every worker killed at once"},
                 {kOddScenario, "scenarios/hang.yaml", "A hung worker <b>not</b> killed"},
                 {"crash_loop", "scenarios/crash-loop.yaml", ""}};
  using S = CellStatus;
  const std::vector<std::vector<S>> statuses = {
      {S::passed, S::passed, S::expected_failure, S::skipped},
      {S::passed, S::conformance_failure, S::flaky, S::skipped},
      {S::reference_failed, S::reference_failed, S::flaky_expected, S::skipped},
      {S::undecided, S::could_not_run, S::unexpected_pass, S::missing}};
  const std::vector<std::vector<std::string>> props = {
      {"workers_restored"}, {"service_available", "no_dropped_requests"}, {"service_available"}, {}};
  for (std::size_t s = 0; s < r.scenarios.size(); ++s)
    for (std::size_t t = 0; t < r.targets.size(); ++t) {
      Cell c{r.scenarios[s].name, r.targets[t].name, {}, statuses[s][t], {}, ""};
      c.runs = sample_runs(c.status, "cells/" + c.scenario + "/" + c.target, props[s]);
      for (const CellRun& run : c.runs)
        if (!run.failed.empty()) c.failing_properties = run.failed;
      c.note = c.status == S::passed ? "" : "note of " + c.scenario + " × " + c.target;
      if (c.status == S::skipped) c.note = "gunicorn not on PATH";
      if (c.status == S::expected_failure) c.note = r.targets[t].expected[0].reason;
      if (c.status == S::missing) c.note = "shard 2/2: not given to merge";
      r.cells.push_back(c);
    }
  r.shard_plan = {0, 2, {{"walkthrough", "kill_all", kOddScenario}, {"crash_loop"}}};
  r.merged_shards = {"1/2"};
  r.missing_shards = {{"2/2", "not given to merge", {{"crash_loop", "gunicorn"}}}};
  return r;
}

}  // namespace forkcheck::harness::testing
