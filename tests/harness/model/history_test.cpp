#include <gtest/gtest.h>

#include <set>
#include <string_view>

#include "harness/model/history_json.hpp"
#include "harness/model/property.hpp"
#include "tests/harness/support/history_builder.hpp"

namespace forkcheck::harness {
namespace {

using namespace forkcheck::harness::testing;

TEST(HistoryNames, EveryEnumHasOneStringFormThatParsesBack) {
  for (RequestError e : all_request_errors()) EXPECT_EQ(request_error_from_string(to_string(e)), e);
  for (auto k : {FaultKind::kill_worker, FaultKind::stop_worker, FaultKind::cont_worker, FaultKind::term_worker,
                 FaultKind::kill_all, FaultKind::kill_primary, FaultKind::term_primary, FaultKind::kill_new_workers,
                 FaultKind::create_file, FaultKind::remove_file})
    EXPECT_EQ(fault_kind_from_string(to_string(k)), k);
  for (Property p : all_properties()) EXPECT_EQ(property_from_string(to_string(p)), p);
  for (auto v : {Verdict::pass, Verdict::fail, Verdict::unknown}) EXPECT_EQ(verdict_from_string(to_string(v)), v);
  std::set<std::string_view> names;
  for (Property p : all_properties()) EXPECT_TRUE(names.insert(to_string(p)).second) << to_string(p);
  EXPECT_GE(all_properties().size(), 9u);  // the seven defaults (docs/design.md), bounded_restarts, graceful_stop, ...
  EXPECT_FALSE(property_from_string("no_such_property"));
}

TEST(HistoryQueries, LiveCountIsForkedAndNotYetExited) {
  const History h = correct_cluster();
  EXPECT_EQ(live_workers_at(h, at(0.5)), 0);
  EXPECT_EQ(live_workers_at(h, at(1.0)), 1);   // fork instant counts
  EXPECT_EQ(live_workers_at(h, at(2)), 4);
  EXPECT_EQ(live_workers_at(h, at(1000.05)), 3);  // exit instant does not
  EXPECT_EQ(live_workers_at(h, at(1000.5)), 4);
  EXPECT_EQ(ready_workers_at(h, at(1000.5)), 3);  // the replacement is not ready yet
  EXPECT_EQ(ready_workers_at(h, at(1002)), 4);
}

TEST(HistoryQueries, RecoveryAfterAKill) {
  const History h = correct_cluster();
  const FaultRecovery r = recovery_after(h, 0);
  ASSERT_TRUE(r.death_ns);
  EXPECT_EQ(*r.victim_exit_ns, at(1000.05));
  ASSERT_EQ(r.replacements, std::vector<pid_t>{worker_pid(4)});
  EXPECT_EQ(*r.replacement_fork_ns, at(1000.3));
  EXPECT_EQ(*r.restored_ns, at(1001.1));
  EXPECT_EQ(*r.recovery_ns(), at(1001.1) - at(1000.1));
}

TEST(HistoryQueries, NoRespawnMeansNoRecovery) {
  const History h = correct_cluster({.respawn_after_ms = -1});
  const FaultRecovery r = recovery_after(h, 0);
  EXPECT_TRUE(r.replacements.empty());
  EXPECT_FALSE(r.restored_ns);
  EXPECT_FALSE(r.recovery_ns());
}

// A worker seen stopped is not ready until it is seen running again: readiness is not sticky.
TEST(HistoryQueries, AStoppedWorkerIsNotReadyUntilContinued) {
  History h = correct_cluster();
  FaultRecord stop;
  stop.kind = FaultKind::stop_worker;
  stop.signal = SIGSTOP;
  stop.sent_ns = at(500);
  stop.confirmed_ns = at(500.1);
  stop.victims = {worker_pid(2)};
  h.faults.insert(h.faults.begin(), stop);
  EXPECT_EQ(ready_workers_at(h, at(400)), 4);
  EXPECT_EQ(ready_workers_at(h, at(600)), 3);
  EXPECT_TRUE(stopped_at(h, h.workers[2], at(600)));
  // The later kill's recovery: three ready workers besides the victim are not N = 4.
  EXPECT_FALSE(recovery_after(h, 1).restored_ns);
  FaultRecord cont = stop;
  cont.kind = FaultKind::cont_worker;
  cont.signal = SIGCONT;
  cont.sent_ns = at(1100);
  cont.confirmed_ns = at(1100.1);
  h.faults.push_back(cont);
  EXPECT_EQ(ready_workers_at(h, at(1200)), 4);
  const FaultRecovery r = recovery_after(h, 1);
  ASSERT_TRUE(r.restored_ns);
  EXPECT_EQ(*r.restored_ns, at(1100.1));
}

TEST(HistoryQueries, AStopSignalFromATermPrimaryFaultDefersTheHarnessStopByTheGrace) {
  History h = correct_cluster();
  EXPECT_FALSE(harness_stop_not_before_ns(h, 3.0));  // a kill_worker only: the stop comes at the load's end
  FaultRecord term;
  term.kind = FaultKind::term_primary;
  term.signal = SIGTERM;
  term.scheduled_ns = at(1500);
  h.faults.push_back(term);
  EXPECT_FALSE(harness_stop_not_before_ns(h, 3.0));  // scheduled, never sent
  h.faults.back().sent_ns = at(1500.5);
  EXPECT_EQ(harness_stop_not_before_ns(h, 3.0), at(4500.5));
}

TEST(HistoryJson, RoundTripsEveryField) {
  History h = correct_cluster();
  Event e;
  e.kind = EventKind::fork;
  e.t_ns = at(1);
  e.slot = 0;
  e.pid = worker_pid(0);
  h.events.push_back(e);
  h.faults[0].note = "a note";
  h.stop.survivors = {7, 8};
  const nlohmann::json j = history_to_json(h);
  const History back = history_from_json(nlohmann::json::parse(j.dump()));
  EXPECT_EQ(history_to_json(back), j);
  EXPECT_EQ(back.events, h.events);
  EXPECT_EQ(back.requests.size(), h.requests.size());
}

TEST(HistoryJson, UnknownEnumNameIsAnError) {
  nlohmann::json j = history_to_json(correct_cluster());
  j["requests"][0]["error"] = "exploded";
  EXPECT_THROW(history_from_json(j), std::invalid_argument);
}

}  // namespace
}  // namespace forkcheck::harness
