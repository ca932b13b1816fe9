#include <gtest/gtest.h>

#include "harness/check/checker.hpp"
#include "tests/harness/support/history_builder.hpp"

namespace forkcheck::harness {
namespace {

using namespace forkcheck::harness::testing;

PropertyResult only(Property p, const History& h, Scenario s = walkthrough_scenario()) {
  s.properties = {p};
  const auto results = check(h, s);
  EXPECT_EQ(results.size(), 1u);
  return results.empty() ? PropertyResult{} : results[0];
}

std::string all_evidence(const PropertyResult& r) {
  std::string out = r.summary;
  for (const auto& e : r.evidence) out += "\n" + e;
  return out;
}

RequestRecord& request_at(History& h, double ms) {
  for (auto& r : h.requests.records())
    if (!r.probe && r.intended_ns >= at(ms)) return r;
  throw std::logic_error("no request");
}

TEST(Checker, CorrectClusterPassesEveryProperty) {
  const auto results = check(correct_cluster(), walkthrough_scenario());
  ASSERT_EQ(results.size(), properties_to_check(walkthrough_scenario()).size());
  ASSERT_EQ(results.size(), 7u);
  for (const auto& r : results) EXPECT_EQ(r.verdict, Verdict::pass) << to_string(r.property) << ": " << all_evidence(r);
  EXPECT_EQ(exit_code_for(results), ExitCode::ok);
}

TEST(Checker, StepsAreOmittedOutsideTheWalkthrough) {
  Scenario s = walkthrough_scenario();
  s.walkthrough = false;
  const auto results = check(correct_cluster(), s);
  EXPECT_EQ(results.size(), 6u);
  for (const auto& r : results) EXPECT_NE(r.property, Property::steps_match_walkthrough);
}

TEST(Checker, ExitCodeFailBeatsUnknownBeatsPass) {
  const PropertyResult pass{Property::no_orphans, Verdict::pass}, fail{Property::no_orphans, Verdict::fail},
      unknown{Property::no_orphans, Verdict::unknown};
  EXPECT_EQ(exit_code_for({pass, pass}), ExitCode::ok);
  EXPECT_EQ(exit_code_for({pass, unknown}), ExitCode::undecided);
  EXPECT_EQ(exit_code_for({unknown, fail, pass}), ExitCode::violated);
  EXPECT_EQ(exit_code_for({}), ExitCode::ok);
}

// --- workers_restored ---------------------------------------------------------------------------

TEST(WorkersRestored, ReportsTheRecoveryTimeAndTheReplacementFork) {
  const auto r = only(Property::workers_restored, correct_cluster());
  EXPECT_EQ(r.verdict, Verdict::pass);
  EXPECT_NE(all_evidence(r).find("recovery 1.0 ms"), std::string::npos) << all_evidence(r);
  EXPECT_NE(all_evidence(r).find("replacement 105 forked at +1000.3 ms"), std::string::npos) << all_evidence(r);
}

TEST(WorkersRestored, NoRespawnFails) {
  const auto r = only(Property::workers_restored, correct_cluster({.respawn_after_ms = -1}));
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(all_evidence(r).find("never back to 4 ready workers (3 at the end"), std::string::npos) << all_evidence(r);
}

TEST(WorkersRestored, SlowRespawnFailsTheDeadline) {
  const auto r = only(Property::workers_restored, correct_cluster({.respawn_after_ms = 1050}));
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(all_evidence(r).find("over the deadline of 1000.0 ms"), std::string::npos) << all_evidence(r);
}

TEST(WorkersRestored, AReplacementThatNeverServesDoesNotCount) {
  History h = correct_cluster();
  h.workers.back().ready_ns.reset();
  EXPECT_EQ(only(Property::workers_restored, h).verdict, Verdict::fail);
}

TEST(WorkersRestored, AFaultThatDidNotHappenIsReportedAsUnknown) {
  History h = correct_cluster();
  h.faults[0].death_seen_ns.reset();
  h.faults[0].note = "no live worker to pick";
  const auto r = only(Property::workers_restored, h);
  EXPECT_EQ(r.verdict, Verdict::unknown);
  EXPECT_NE(all_evidence(r).find("did not happen"), std::string::npos);
  EXPECT_NE(all_evidence(r).find("no live worker to pick"), std::string::npos);
}

TEST(WorkersRestored, ServiceWindowEndingBeforeTheDeadlineIsUnknown) {
  History h = correct_cluster({.respawn_after_ms = -1});
  h.stop.stop_sent_ns = at(1200);
  h.run_end_ns = at(1300);
  const auto r = only(Property::workers_restored, h);
  EXPECT_EQ(r.verdict, Verdict::unknown);
  EXPECT_NE(all_evidence(r).find("the service window ended 199.9 ms after the death"), std::string::npos) << all_evidence(r);
}

// Nothing to judge is not a pass (a vacuous pass would hide a run that exercised nothing).
TEST(WorkersRestored, NoFaultIsNothingToJudge) {
  const auto r = only(Property::workers_restored, correct_cluster({.kill = false}));
  EXPECT_EQ(r.verdict, Verdict::unknown);
  EXPECT_EQ(r.summary, "no fault killed or stopped a worker: nothing to judge");
}

TEST(WorkersRestored, AStopNeverSeenIsNotADeathAndNothingToJudge) {
  History h = correct_cluster({.kill = false});
  h.faults.push_back({FaultKind::stop_worker, SIGSTOP, at(999), at(1000), {worker_pid(0)}});
  const auto r = only(Property::workers_restored, h);
  EXPECT_EQ(r.verdict, Verdict::unknown);
  EXPECT_NE(all_evidence(r).find("no victim died, nothing to restore"), std::string::npos);
}

TEST(WorkersRestored, EvidenceSaysWhatReadyRestsOn) {
  History h = correct_cluster();
  EXPECT_NE(all_evidence(only(Property::workers_restored, h)).find("ready: the earliest of the worker's own ready event (white-box)"),
            std::string::npos);
  h.target.white_box = false;
  EXPECT_NE(all_evidence(only(Property::workers_restored, h)).find("ready: the earliest of the end of the first request it answered"),
            std::string::npos);
}

// A worker stopped by an earlier fault is not ready: the later kill's recovery does not count it.
TEST(WorkersRestored, AWorkerStoppedEarlierDoesNotCountTowardsALaterRecovery) {
  History h = correct_cluster();
  FaultRecord stop{FaultKind::stop_worker, SIGSTOP, at(499), at(500), {worker_pid(2)}};
  stop.confirmed_ns = at(500.1);
  h.faults.insert(h.faults.begin(), stop);
  const auto r = only(Property::workers_restored, h);
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(all_evidence(r).find("fault 2 (kill_worker SIGKILL at +1000.0 ms): victim 102 died at +1000.1 ms; "
                                 "replacement 105 forked at +1000.3 ms; never back to 4 ready workers"),
            std::string::npos)
      << all_evidence(r);
}

// --- no_overshoot -------------------------------------------------------------------------------

TEST(NoOvershoot, AReplacementForkedBeforeTheVictimExitedIsAnOvershoot) {
  History h = correct_cluster();
  h.workers.back().fork_ns = at(999);  // the "replacement" came before the death
  const auto r = only(Property::no_overshoot, h);
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(all_evidence(r).find("at +999.0 ms: 5 live workers: 101, 102, 103, 104, 105"), std::string::npos)
      << all_evidence(r);
}

TEST(NoOvershoot, StartUpBelowNIsNotAnOvershoot) {
  EXPECT_EQ(only(Property::no_overshoot, correct_cluster({.n = 1})).verdict, Verdict::pass);
  History h = correct_cluster();
  h.target.workers = 0;
  EXPECT_EQ(only(Property::no_overshoot, h).verdict, Verdict::unknown);
}

// A live count that never reached N (a single-process server) cannot show an overshoot.
TEST(NoOvershoot, ACountThatNeverReachedNIsNothingToJudge) {
  History h = correct_cluster({.kill = false});
  h.target.workers = 8;
  const auto r = only(Property::no_overshoot, h);
  EXPECT_EQ(r.verdict, Verdict::unknown);
  EXPECT_EQ(r.summary, "the live count never reached N = 8: nothing to judge");
}

// /proc sampling misses short-lived children: what it did not see cannot pass.
TEST(NoOvershoot, ProcSamplingCannotPassButCanFail) {
  History h = correct_cluster();
  h.target.observer_source = "proc";
  const auto r = only(Property::no_overshoot, h);
  EXPECT_EQ(r.verdict, Verdict::unknown);
  EXPECT_NE(r.summary.find("a worker born and reaped between two samples is invisible"), std::string::npos) << r.summary;
  h.workers.back().fork_ns = at(999);
  EXPECT_EQ(only(Property::no_overshoot, h).verdict, Verdict::fail);
}

// A file fault on a target never told of the file did not exercise a crash loop: unknown, not pass.
TEST(BoundedRestarts, AFileFaultTheTargetWasNotToldOfIsUnknown) {
  History h = correct_cluster({.kill = false});
  Scenario s = walkthrough_scenario();
  s.max_forks_per_s = 10;
  FaultRecord create{FaultKind::create_file, 0, at(500), at(500), {}};
  create.path = "/tmp/r/crash_file";
  create.confirmed_ns = at(500.1);
  create.note = "create /tmp/r/crash_file";
  FaultRecord remove = create;
  remove.kind = FaultKind::remove_file;
  remove.sent_ns = at(900);
  h.faults = {create, remove};
  const auto r = only(Property::bounded_restarts, h, s);
  EXPECT_EQ(r.verdict, Verdict::unknown);
  EXPECT_EQ(r.summary, "fault 1 (create_file) cannot act on this target: its command line does not name /tmp/r/crash_file");
  h.target.command += " --crash-file /tmp/r/crash_file";
  EXPECT_EQ(only(Property::bounded_restarts, h, s).verdict, Verdict::pass);
}

TEST(BoundedRestarts, ProcSamplingCannotPass) {
  History h = correct_cluster();
  Scenario s = walkthrough_scenario();
  s.max_forks_per_s = 10;
  EXPECT_EQ(only(Property::bounded_restarts, h, s).verdict, Verdict::pass);
  h.target.observer_source = "proc";
  EXPECT_EQ(only(Property::bounded_restarts, h, s).verdict, Verdict::unknown);
}

// --- no_dropped_requests ------------------------------------------------------------------------

TEST(NoDropped, FailureOnTheVictimsOwnConnectionIsExcused) {
  const History h = correct_cluster();
  const auto& cut = h.requests[h.requests.size() - 1 - 21];  // not needed: find it instead
  (void)cut;
  std::size_t excused = 0;
  for (const auto& r : h.requests) excused += r.error == RequestError::eof && excusing_fault(h, walkthrough_scenario(), r).has_value();
  EXPECT_EQ(excused, 1u);
  const auto r = only(Property::no_dropped_requests, h);
  EXPECT_EQ(r.verdict, Verdict::pass) << all_evidence(r);
  EXPECT_NE(r.summary.find("(1 excused)"), std::string::npos) << r.summary;
}

TEST(NoDropped, TheSamePortReusedByALaterConnectionIsNotExcused) {
  History h = correct_cluster();
  RequestRecord& later = request_at(h, 1500);
  later.local_port = h.faults[0].victim_client_ports[0];
  later.connection_opened_ns = at(1400);  // opened after the kill, on a recycled port
  later.error = RequestError::reset;
  EXPECT_FALSE(excusing_fault(h, walkthrough_scenario(), later));
  const auto r = only(Property::no_dropped_requests, h);
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(all_evidence(r).find("port reused by a connection opened after the signal of fault 1 (kill_worker SIGKILL at +1000.0 ms)"), std::string::npos)
      << all_evidence(r);
}

TEST(NoDropped, AConnectionLostFromAnAcceptQueueIsNotExcused) {
  // reuseport: a connection queued on the victim's own listening socket is reset with it, but the
  // victim never accepted it, so its port is not among victim_client_ports.
  History h = correct_cluster();
  RequestRecord& queued = request_at(h, 1000);
  queued.connection_opened_ns = at(999.9);
  queued.fresh_connection = true;
  queued.local_port = 41234;
  queued.error = RequestError::reset;
  const auto r = only(Property::no_dropped_requests, h);
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(all_evidence(r).find("not on a connection a killed or stopped worker held"), std::string::npos) << all_evidence(r);
  EXPECT_NE(all_evidence(r).find("failures by kind: reset 1"), std::string::npos) << all_evidence(r);
}

TEST(NoDropped, ATimeoutOnTheVictimsConnectionIsExcusedElsewhereNot) {
  History h = correct_cluster();
  for (auto& r : h.requests.records())
    if (r.error == RequestError::eof) r.error = RequestError::timeout, r.end_ns = at(1002);
  EXPECT_EQ(only(Property::no_dropped_requests, h).verdict, Verdict::pass);
  EXPECT_EQ(only(Property::service_available, h).verdict, Verdict::pass);
  RequestRecord& hung = request_at(h, 1500);
  hung.error = RequestError::timeout;
  EXPECT_EQ(only(Property::no_dropped_requests, h).verdict, Verdict::fail);
  EXPECT_EQ(only(Property::service_available, h).verdict, Verdict::fail);
}

TEST(NoDropped, AFailureBeforeTheKillOrACompleteWrongAnswerIsNotExcused) {
  History h = correct_cluster();
  RequestRecord& before = request_at(h, 500);
  before.local_port = h.faults[0].victim_client_ports[0];
  before.error = RequestError::eof;
  EXPECT_FALSE(excusing_fault(h, walkthrough_scenario(), before));
  History h2 = correct_cluster();
  for (auto& r : h2.requests.records())
    if (r.error == RequestError::eof) r.error = RequestError::bad_status, r.status = 500;
  EXPECT_EQ(only(Property::no_dropped_requests, h2).verdict, Verdict::fail);
}

TEST(NoDropped, ProbesAndRequestsAfterTheStopDoNotCount) {
  History h = correct_cluster();
  RequestRecord late = h.requests.front();
  late.start_ns = late.intended_ns = at(2250);
  late.end_ns = at(2251);
  late.error = RequestError::refused;
  h.requests.push_back(late);
  EXPECT_EQ(only(Property::no_dropped_requests, h).verdict, Verdict::pass);
  EXPECT_EQ(only(Property::service_available, h).verdict, Verdict::pass);
}

TEST(NoDropped, NoLoadIsUnknown) {
  History h = correct_cluster();
  std::erase_if(h.requests.records(), [](const RequestRecord& r) { return !r.probe; });
  EXPECT_EQ(only(Property::no_dropped_requests, h).verdict, Verdict::unknown);
}

// --- service_available --------------------------------------------------------------------------

TEST(ServiceAvailable, ARefusedProbeDuringTheRunFails) {
  History h = correct_cluster();
  for (auto& r : h.requests.records())
    if (r.probe && r.intended_ns > at(1000)) {
      r.error = RequestError::refused;
      break;
    }
  const auto r = only(Property::service_available, h);
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(all_evidence(r).find("by kind: refused 1"), std::string::npos) << all_evidence(r);
  // probes are not load: no_dropped_requests does not see them
  EXPECT_EQ(only(Property::no_dropped_requests, h).verdict, Verdict::pass);
}

// A request that never got a connection (start_ns = 0) belongs to its intended instant: it is
// counted, as a timeout, exactly when connections were stuck.
TEST(ServiceAvailable, ARequestThatWaitedForAConnectionTooLongIsATimeout) {
  History h = correct_cluster();
  RequestRecord unsent;
  unsent.id = 99999;
  unsent.connection_id = -1;
  unsent.intended_ns = at(1500);
  unsent.start_ns = 0;
  unsent.end_ns = at(1600);
  unsent.error = RequestError::timeout;
  h.requests.push_back(unsent);
  for (Property p : {Property::service_available, Property::no_dropped_requests}) {
    const auto r = only(p, h);
    EXPECT_EQ(r.verdict, Verdict::fail) << to_string(p);
    EXPECT_NE(all_evidence(r).find("request #99999 (connection -1, port 0, intended +1500.0 ms, ended +1600.0 ms): "
                                   "timeout (never sent: no connection was free within the timeout)"),
              std::string::npos)
        << all_evidence(r);
  }
}

TEST(ServiceAvailable, AConnectTimeoutFails) {
  History h = correct_cluster();
  request_at(h, 700).error = RequestError::connect_timeout;
  EXPECT_EQ(only(Property::service_available, h).verdict, Verdict::fail);
}

TEST(ServiceAvailable, RefusalsBeforeTheTargetListenedAreStartUp) {
  const History h = correct_cluster();
  ASSERT_EQ(h.requests.back().error, RequestError::ok);
  bool refused_at_start = false;
  for (const auto& r : h.requests) refused_at_start = refused_at_start || r.error == RequestError::refused;
  ASSERT_TRUE(refused_at_start);  // the builder's first probe, before the port listened
  EXPECT_EQ(only(Property::service_available, h).verdict, Verdict::pass);
}

// --- primary_alive, no_orphans ------------------------------------------------------------------

TEST(PrimaryAlive, ExitDuringTheRunFailsUnlessTheScenarioKilledIt) {
  History h = correct_cluster();
  h.stop.primary_exited_during_run = true;
  h.stop.primary_exit_ns = at(1500);
  h.stop.primary_exit_signal = SIGSEGV;
  const auto r = only(Property::primary_alive, h);
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(r.summary.find("at +1500.0 ms (SIGSEGV)"), std::string::npos) << r.summary;
  h.faults.push_back({FaultKind::kill_primary, SIGKILL, at(1499), at(1499.5), {kPrimary}});
  EXPECT_EQ(only(Property::primary_alive, h).verdict, Verdict::pass);
  h.target.primary_pid = 0;
  EXPECT_EQ(only(Property::primary_alive, h).verdict, Verdict::unknown);
}

// Only a primary fault sent at or before the death excuses it.
TEST(PrimaryAlive, APrimaryThatDiedBeforeItsScheduledKillFails) {
  History h = correct_cluster();
  h.stop.primary_exited_during_run = true;
  h.stop.primary_exit_ns = at(1200);
  h.stop.primary_exit_signal = SIGSEGV;
  h.faults.push_back({FaultKind::kill_primary, SIGKILL, at(1499), at(1500), {kPrimary}});
  EXPECT_EQ(only(Property::primary_alive, h).verdict, Verdict::fail);
  // Planned in the scenario but never sent (the primary was already gone): no excuse either.
  h.faults.back().sent_ns = 0;
  Scenario s = walkthrough_scenario();
  s.faults.push_back({});
  s.faults.back().kind = FaultKind::kill_primary;
  EXPECT_EQ(only(Property::primary_alive, h, s).verdict, Verdict::fail);
}

// The message quotes the grace that was applied and how long the survivors were seen to outlive the
// primary, and names each survivor's command line.
TEST(NoOrphans, MessagesQuoteTheAppliedGraceTheObservedFigureAndTheSurvivors) {
  History h = correct_cluster();
  h.stop.orphan_grace_ms = 500;
  h.stop.survivors = {103};
  h.stop.survivor_commands = {"nginx: worker process"};
  h.stop.orphan_check_ns = *h.stop.primary_exit_ns + ms_to_ns(1760);
  const auto r = only(Property::no_orphans, h);
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_EQ(r.summary, "1 process(es) outlived the primary by more than 0.50 s (orphan_grace_s): still alive 1.76 s after its exit");
  EXPECT_NE(all_evidence(r).find("pid 103: nginx: worker process"), std::string::npos) << all_evidence(r);
  h.stop.survivors.clear();
  EXPECT_EQ(only(Property::no_orphans, h).summary,
            "nothing of the target's tree outlived the primary by more than 0.50 s (orphan_grace_s)");
}

TEST(NoOrphans, SurvivorsFailAndAMissingCheckIsUnknown) {
  History h = correct_cluster();
  h.stop.survivors = {103, 104};
  const auto r = only(Property::no_orphans, h);
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(all_evidence(r).find("survivors: 103, 104"), std::string::npos);
  h.stop.orphan_check_done = false;
  EXPECT_EQ(only(Property::no_orphans, h).verdict, Verdict::unknown);
}

// --- steps_match_walkthrough --------------------------------------------------------------------

TEST(StepsMatchWalkthrough, NoRespawnFailsOnRows10And11) {
  const auto r = only(Property::steps_match_walkthrough, correct_cluster({.respawn_after_ms = -1}));
  EXPECT_EQ(r.verdict, Verdict::fail);
  ASSERT_EQ(r.evidence.size(), 2u) << all_evidence(r);
  EXPECT_EQ(r.evidence[0].rfind("row 10 (Master forks new worker): Workers Count 3 (expected 4)", 0), 0u) << r.evidence[0];
  EXPECT_EQ(r.evidence[1].rfind("row 11 (Continue serving): Workers Count 3 (expected 4)", 0), 0u) << r.evidence[1];
}

TEST(StepsMatchWalkthrough, ARunWithoutACrashIsUnknown) {
  EXPECT_EQ(only(Property::steps_match_walkthrough, correct_cluster({.kill = false})).verdict, Verdict::unknown);
}

// A kill that did not happen: rows 9-10 are what the run did not do, so the comparison is
// unknown, as workers_restored is for the same fact.
TEST(StepsMatchWalkthrough, AKillThatDidNotHappenIsUnknownAsForWorkersRestored) {
  History h = correct_cluster({.respawn_after_ms = -1});
  h.faults[0].death_seen_ns.reset();
  h.faults[0].note = "pid 102 still alive at the deadline";
  h.workers[1].exit_ns = at(2205);
  h.workers[1].exit_signal = 0;
  const auto steps = only(Property::steps_match_walkthrough, h);
  EXPECT_EQ(steps.verdict, Verdict::unknown) << all_evidence(steps);
  EXPECT_NE(all_evidence(steps).find("pid 102 still alive at the deadline"), std::string::npos);
  EXPECT_EQ(only(Property::workers_restored, h).verdict, Verdict::unknown);
}

}  // namespace
}  // namespace forkcheck::harness

// --- a fault that came late ---------------------------------------------------------------------

namespace forkcheck::harness {
namespace {

using namespace forkcheck::harness::testing;

PropertyResult judged(Property p, const History& h) {
  Scenario s = walkthrough_scenario();
  s.properties = {p};
  return check(h, s).at(0);
}

std::string everything(const PropertyResult& r) {
  std::string out = r.summary;
  for (const auto& e : r.evidence) out += "\n" + e;
  return out;
}

// The run's length comes from the schedule; a kill sent after the load ended (the run was behind
// it) had no load to act on, so what judges the requests through it cannot pass. Before: both passed,
// and the walkthrough's rows 9 and 11 failed ("not observed").
TEST(LateFault, PropertiesOverTheRequestsAreUnknownNotPassed) {
  const History h = correct_cluster({.kill_ms = 2150});  // the load ends at +2100 ms
  for (Property p : {Property::no_dropped_requests, Property::service_available}) {
    const PropertyResult r = judged(p, h);
    EXPECT_EQ(r.verdict, Verdict::unknown) << everything(r);
    EXPECT_NE(r.summary.find("fault 1 (kill_worker at +2150.0 ms) came 50.0 ms after the load ended"), std::string::npos)
        << r.summary;
    EXPECT_NE(everything(r).find("over the requests that were made: "), std::string::npos);
  }
  const PropertyResult steps = judged(Property::steps_match_walkthrough, h);
  EXPECT_EQ(steps.verdict, Verdict::unknown) << everything(steps);
  EXPECT_NE(steps.summary.find("rows 1-8 match the walkthrough; rows 9-11 cannot be compared"), std::string::npos);
  // The replacement's own ready event was seen: its recovery is an observation, not an inference.
  EXPECT_EQ(judged(Property::workers_restored, h).verdict, Verdict::pass);
}

// Late is also "the load ended within the recovery deadline after it": its recovery was not under load.
TEST(LateFault, AKillWithinTheDeadlineOfTheLoadsEndIsLate) {
  const PropertyResult r = judged(Property::service_available, correct_cluster({.kill_ms = 1500}));
  EXPECT_EQ(r.verdict, Verdict::unknown) << everything(r);
  EXPECT_NE(r.summary.find("came 600.0 ms before the load ended, within its recovery deadline of 1000.0 ms"),
            std::string::npos)
      << r.summary;
  EXPECT_EQ(judged(Property::service_available, correct_cluster()).verdict, Verdict::pass);
}

// A replacement that cannot be seen ready because the load had ended is not a failure to restore.
TEST(LateFault, NoRecoverySeenAfterTheLoadIsUnknownNotFailed) {
  History h = correct_cluster({.kill_ms = 2150, .respawn_after_ms = -1});
  h.stop.stop_sent_ns = at(3500);  // the window outlasts the deadline: without the load's end, a failure
  h.run_end_ns = at(3600);
  const PropertyResult r = judged(Property::workers_restored, h);
  EXPECT_EQ(r.verdict, Verdict::unknown) << everything(r);
  EXPECT_NE(everything(r).find("the load ended before the death, within the deadline (the fault came late)"),
            std::string::npos)
      << everything(r);
}

// Failures stay failures: what the requests that were made show is still true.
TEST(LateFault, AFailureBeforeTheLateFaultStillFails) {
  History h = correct_cluster({.kill_ms = 2150});
  for (auto& r : h.requests.records())
    if (r.probe && r.intended_ns >= at(500)) {
      r.error = RequestError::refused, r.status = 0, r.worker_pid = 0;
      break;
    }
  EXPECT_EQ(judged(Property::service_available, h).verdict, Verdict::fail);
}

}  // namespace
}  // namespace forkcheck::harness

namespace forkcheck::harness {
namespace {

using namespace forkcheck::harness::testing;

// Warm-up is not service: a request that timed out while the workers were still starting (before the
// window the run opened at N ready workers) is not judged; one after it is.
TEST(ServiceWindow, StartsWhereTheRunOpenedItAtNReadyWorkers) {
  History h = correct_cluster();
  h.target.ready_ns = at(300);
  h.target.service_start_ns = at(400);
  RequestRecord& early = request_at(h, 200);
  early.error = RequestError::timeout;
  early.start_ns = 0;
  EXPECT_EQ(only(Property::service_available, h).verdict, Verdict::pass);
  EXPECT_EQ(only(Property::no_dropped_requests, h).verdict, Verdict::pass);
  RequestRecord& later = request_at(h, 450);
  later.error = RequestError::timeout;
  EXPECT_EQ(only(Property::service_available, h).verdict, Verdict::fail);
}

// Without refcluster's events, the kernel's tables or any X-Worker-Pid, readiness cannot be seen:
// workers_restored says unknown, never fail.
TEST(WorkersRestored, UnknownWhenReadinessCannotBeObserved) {
  History h = correct_cluster();
  h.target.white_box = false;
  h.target.kernel_attribution = false;
  for (auto& r : h.requests.records()) r.worker_pid = 0;
  for (auto& w : h.workers) w.ready_ns.reset();
  const auto r = only(Property::workers_restored, h);
  EXPECT_EQ(r.verdict, Verdict::unknown);
  EXPECT_NE(r.summary.find("readiness could not be observed"), std::string::npos) << r.summary;
}

// Row 7 with connections whose serving process is unknown (closed before the kernel was asked, no
// header): when the known ones do not cover the N workers, the spread is not judged, and
// steps_match_walkthrough says unknown instead of fail.
TEST(StepsMatch, Row7NotJudgedWhenUnattributedConnectionsMayHideAWorker) {
  History h = correct_cluster();
  const pid_t second = worker_pid(1);
  for (auto& r : h.requests.records())
    if (r.worker_pid == second) r.worker_pid = 0;
  const auto r = only(Property::steps_match_walkthrough, h);
  EXPECT_EQ(r.verdict, Verdict::unknown) << all_evidence(r);
  EXPECT_NE(r.summary.find("row 7"), std::string::npos) << r.summary;
}

}  // namespace
}  // namespace forkcheck::harness
