#include <gtest/gtest.h>

#include <algorithm>

#include "harness/check/execution_table.hpp"
#include "tests/harness/support/history_builder.hpp"

namespace forkcheck::harness {
namespace {

using namespace forkcheck::harness::testing;

std::vector<int> steps(const ExecutionTable& t) {
  std::vector<int> out;
  for (const auto& r : t.rows) out.push_back(r.step);
  return out;
}

std::vector<int> workers(const ExecutionTable& t) {
  std::vector<int> out;
  for (const auto& r : t.rows) out.push_back(r.workers.value_or(-1));
  return out;
}

std::string listening(const ExecutionTable& t) {
  std::string out;
  for (const auto& r : t.rows) out += r.listening ? (*r.listening ? 'Y' : 'N') : '?';
  return out;
}

// The history as it stood at instant t, for the live table.
History as_of(const History& full, mono_ns t) {
  History h = full;
  std::erase_if(h.workers, [t](const auto& w) { return w.fork_ns > t; });
  for (auto& w : h.workers) {
    if (w.ready_ns && *w.ready_ns > t) w.ready_ns.reset();
    if (w.exit_ns && *w.exit_ns > t) w.exit_ns.reset();
  }
  std::erase_if(h.requests.records(), [t](const auto& r) { return r.end_ns > t; });
  std::erase_if(h.faults, [t](const auto& f) { return f.sent_ns > t; });
  for (auto& f : h.faults)
    if (f.death_seen_ns && *f.death_seen_ns > t) f.death_seen_ns.reset();
  if (h.load_start_ns > t) h.load_start_ns = 0;
  if (h.load_end_ns > t) h.load_end_ns = 0;
  h.stop = {};
  h.run_end_ns = 0;
  return h;
}

// Row 8 quotes the body the scenario expects, escaped: a body with a newline keeps the row on one line.
TEST(ExecutionTable, TheExpectedBodyIsQuotedEscaped) {
  Scenario s = walkthrough_scenario();
  s.load.expected_body = "OK\n";
  const ExecutionTable t = build_execution_table(correct_cluster(), s, true);
  EXPECT_NE(t.rows[7].notes.find("Responds with 'OK\\n' (pid "), std::string::npos) << t.rows[7].notes;
}

TEST(ExecutionTable, ACorrectClusterGivesTheSeedsTable) {
  const ExecutionTable t = build_execution_table(correct_cluster(), walkthrough_scenario(), true);
  EXPECT_EQ(steps(t), (std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
  EXPECT_EQ(workers(t), (std::vector<int>{0, 0, 1, 2, 4, 4, 4, 4, 3, 4, 4}));
  EXPECT_EQ(listening(t), "NNNNNYNYYNY");
  EXPECT_TRUE(t.matches());
  for (const auto& r : t.rows) EXPECT_FALSE(r.mismatch()) << r.step << " " << r.notes;
  EXPECT_EQ(t.rows[4].action, "Fork worker 4");
  EXPECT_EQ(to_string(t.rows[10].process), "Primary & Workers");
  EXPECT_EQ(*t.rows[2].t_ns, at(1));
  EXPECT_EQ(*t.rows[8].t_ns, at(1000.05));  // the victim's exit as the observer saw it
  EXPECT_EQ(*t.rows[9].t_ns, at(1000.3));   // the replacement's fork
  EXPECT_NE(t.rows[6].notes.find("pid 101 "), std::string::npos) << t.rows[6].notes;
  EXPECT_NE(t.rows[6].notes.find(" 25% of requests"), std::string::npos) << t.rows[6].notes;
  EXPECT_NE(t.rows[6].notes.find("the primary answered none"), std::string::npos);
  EXPECT_NE(t.rows[7].notes.find("Responds with a 200 (body not checked)"), std::string::npos) << t.rows[7].notes;
  EXPECT_NE(t.rows[8].notes.find("pid 102 (SIGKILL)"), std::string::npos) << t.rows[8].notes;
  EXPECT_NE(t.rows[9].notes.find("replacement pid 105 forked 0.2 ms after the death; recovery 1.0 ms"),
            std::string::npos)
      << t.rows[9].notes;
}

// Row 7 ("connections are spread over the workers") is judged on the connections answered before
// the first fault: every worker must answer on at least one. An uneven spread passes, with the
// shares in its notes: nginx's workers race for each connection on the shared socket, and one of
// two took 7 of 8 keep-alive connections (87 % of the requests) in a real run.
TEST(ExecutionTable, Row7PassesAnUnevenSpreadAndShowsTheShares) {
  History h = correct_cluster();
  const ExecutionTable fair = build_execution_table(h, walkthrough_scenario(), true);
  ASSERT_TRUE(fair.rows[6].spread);
  EXPECT_TRUE(*fair.rows[6].spread) << fair.rows[6].notes;
  // Nine load requests in ten before the kill go to worker 101; the probes' connections stay spread.
  for (auto& r : h.requests.records())
    if (!r.probe && r.error == RequestError::ok && r.intended_ns < at(1000) && r.id % 10 != 0) r.worker_pid = worker_pid(0);
  const ExecutionTable skewed = build_execution_table(h, walkthrough_scenario(), true);
  ASSERT_TRUE(skewed.rows[6].spread);
  EXPECT_TRUE(*skewed.rows[6].spread) << skewed.rows[6].notes;
  EXPECT_FALSE(skewed.rows[6].mismatch());
  EXPECT_TRUE(skewed.matches());
  EXPECT_NE(skewed.rows[6].notes.find("Incoming connections spread: pid 101 "), std::string::npos) << skewed.rows[6].notes;
  EXPECT_NE(skewed.rows[6].notes.find("95% of requests"), std::string::npos) << skewed.rows[6].notes;
  EXPECT_NE(skewed.rows[6].notes.find("each worker must answer on at least one connection"), std::string::npos);
}

// One worker answering every connection before the first fault is no spread: row 7 fails.
TEST(ExecutionTable, Row7FailsWhenOneWorkerTakesEveryConnection) {
  History h = correct_cluster();
  for (auto& r : h.requests.records())
    if (r.error == RequestError::ok && r.intended_ns < at(1000)) r.worker_pid = worker_pid(0);
  const ExecutionTable t = build_execution_table(h, walkthrough_scenario(), true);
  ASSERT_TRUE(t.rows[6].spread);
  EXPECT_FALSE(*t.rows[6].spread);
  EXPECT_TRUE(t.rows[6].mismatch());
  EXPECT_FALSE(t.matches());
  EXPECT_NE(t.rows[6].notes.find("NOT spread"), std::string::npos) << t.rows[6].notes;
  EXPECT_NE(t.rows[6].notes.find("pid 102 0 connections (0%)"), std::string::npos) << t.rows[6].notes;
}

TEST(ExecutionTable, OneWorkerLeavesOutRow4AndExpectsNoServerAfterItsCrash) {
  const ExecutionTable t = build_execution_table(correct_cluster({.n = 1}), walkthrough_scenario(), true);
  EXPECT_EQ(steps(t), (std::vector<int>{1, 2, 3, 5, 6, 7, 8, 9, 10, 11}));
  EXPECT_EQ(workers(t), (std::vector<int>{0, 0, 1, 1, 1, 1, 1, 0, 1, 1}));
  EXPECT_EQ(listening(t), "NNNNYNYNNY");
  EXPECT_TRUE(t.matches());
}

TEST(ExecutionTable, ThreeWorkersNameTheLastFork) {
  const ExecutionTable t = build_execution_table(correct_cluster({.n = 3}), walkthrough_scenario(), true);
  EXPECT_EQ(workers(t), (std::vector<int>{0, 0, 1, 2, 3, 3, 3, 3, 2, 3, 3}));
  EXPECT_EQ(t.rows[4].action, "Fork worker 3");
  EXPECT_TRUE(t.matches());
}

TEST(ExecutionTable, NoRespawnMarksRows10And11) {
  const ExecutionTable t =
      build_execution_table(correct_cluster({.respawn_after_ms = -1}), walkthrough_scenario(), true);
  EXPECT_EQ(steps(t), (std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
  EXPECT_EQ(workers(t), (std::vector<int>{0, 0, 1, 2, 4, 4, 4, 4, 3, 3, 3}));
  for (const auto& r : t.rows) EXPECT_EQ(r.mismatch(), r.step >= 10) << r.step;
  EXPECT_FALSE(t.rows[9].t_ns);
  EXPECT_NE(t.rows[9].notes.find("no replacement forked"), std::string::npos);
}

TEST(ExecutionTable, EveryKillRepeatsRows9And10) {
  History h = correct_cluster();
  // a second kill at +1500 ms: worker 103, replaced by 106
  FaultRecord f = h.faults[0];
  f.sent_ns = at(1500);
  f.victims = {worker_pid(2)};
  f.victim_client_ports = {};
  f.death_seen_ns = at(1500.1);
  h.faults.push_back(f);
  h.workers[2].exit_ns = at(1500.05);
  h.workers.push_back({worker_pid(5), at(1500.3), at(1501), std::nullopt, 0, -1});
  const ExecutionTable t = build_execution_table(h, walkthrough_scenario(), true);
  EXPECT_EQ(steps(t), (std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 9, 10, 11}));
  EXPECT_TRUE(t.matches());
  EXPECT_EQ(t.rows[10].fault_index, 1u);
}

TEST(ExecutionTable, TheLiveTableOnlyGrowsAndEndsAsTheFinalOne) {
  const History full = correct_cluster();
  const Scenario s = walkthrough_scenario();
  const ExecutionTable final_table = build_execution_table(full, s, true);
  // Fine steps where the rows change (start-up, the kill), coarse ones elsewhere.
  std::vector<double> instants;
  for (double ms = 0; ms <= 12; ms += 0.05) instants.push_back(ms);
  for (double ms = 12; ms <= 995; ms += 5) instants.push_back(ms);
  for (double ms = 995; ms <= 1005; ms += 0.05) instants.push_back(ms);
  for (double ms = 1005; ms <= 2300; ms += 5) instants.push_back(ms);
  std::size_t last = 0;
  for (double ms : instants) {
    const ExecutionTable live = build_execution_table(as_of(full, at(ms)), s, false);
    ASSERT_GE(live.rows.size(), last) << "at +" << ms << " ms";
    ASSERT_LE(live.rows.size(), final_table.rows.size());
    for (std::size_t i = 0; i < live.rows.size(); ++i) {
      ASSERT_EQ(live.rows[i].step, final_table.rows[i].step) << "at +" << ms << " ms";
      ASSERT_EQ(live.rows[i].t_ns, final_table.rows[i].t_ns) << "row " << i << " at +" << ms << " ms";
      ASSERT_EQ(live.rows[i].workers, final_table.rows[i].workers) << "row " << i << " at +" << ms << " ms";
    }
    last = live.rows.size();
    if (ms < 1) {
      EXPECT_LE(live.rows.size(), 2u);
    }
  }
  EXPECT_EQ(build_execution_table(as_of(full, at(900)), s, false).rows.size(), 8u);
  EXPECT_EQ(build_execution_table(as_of(full, at(2000)), s, false).rows.size(), 10u);  // row 11 waits for the load's end
  EXPECT_EQ(last, final_table.rows.size());
}

}  // namespace
}  // namespace forkcheck::harness
