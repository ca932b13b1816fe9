// The checker's rules where a verdict used to be wrong (issue 17), each on a hand-built History: N
// must hold, not touch; excuses are bounded; a terminated worker must end cleanly; the window's
// edges go by when a request was sent; every storm is judged; a worker is its pid and fork instant.
#include <gtest/gtest.h>

#include <csignal>

#include "harness/check/checker.hpp"
#include "tests/harness/support/history_builder.hpp"

namespace forkcheck::harness {
namespace {

using namespace forkcheck::harness::testing;

constexpr auto npos = std::string::npos;

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

WorkerLifetime& worker(History& h, pid_t pid) {
  for (auto& w : h.workers)
    if (w.pid == pid) return w;
  throw std::logic_error("no worker " + std::to_string(pid));
}

// The request that was in flight on the victim's own connection when correct_cluster()'s kill came.
RequestRecord& cut_request(History& h) {
  for (auto& r : h.requests.records())
    if (r.error == RequestError::eof) return r;
  throw std::logic_error("no cut request");
}

FaultRecord fault(FaultKind kind, int signal, double sent_ms, std::vector<pid_t> victims) {
  FaultRecord f;
  f.kind = kind;
  f.signal = signal;
  f.scheduled_ns = at(sent_ms - 0.05);
  f.sent_ns = at(sent_ms);
  f.victims = std::move(victims);
  return f;
}

// --- 1. N must hold, not touch ------------------------------------------------------------------

// The confirmed case: the replacement crashes half a second after it first answered, and the
// primary never replaces it. The count was back to N for an instant; it is the rest that counts.
TEST(WorkersHold, AReplacementThatDiesLaterAndIsNeverReplacedFails) {
  History h = correct_cluster();
  WorkerLifetime& replacement = worker(h, worker_pid(4));
  replacement.exit_ns = at(1050);  // 50 ms after it was ready
  replacement.exit_status = 1;
  const auto r = only(Property::workers_restored, h);
  EXPECT_EQ(r.verdict, Verdict::fail) << all_evidence(r);
  EXPECT_EQ(r.summary, "1 death(s) no fault caused left fewer than 4 ready workers for longer than 1000.0 ms");
  EXPECT_NE(all_evidence(r).find("worker 105 exited with status 1 at +1050.0 ms, no fault's doing: 3 of 4 ready from "
                                 "then to the end of the window (+2200.0 ms): never back to 4 ready workers (3 at the end)"),
            npos)
      << all_evidence(r);
  // The execution table shows the N-1 interval: row 11 continues with 3 workers, not 4.
  const auto steps = only(Property::steps_match_walkthrough, h);
  EXPECT_EQ(steps.verdict, Verdict::fail) << all_evidence(steps);
  EXPECT_NE(all_evidence(steps).find("row 11 (Continue serving): Workers Count 3 (expected 4)"), npos) << all_evidence(steps);
  EXPECT_NE(all_evidence(steps).find("only 3 live from +1050.0 ms to +2200.0 ms (lost: pid 105 at +1050.0 ms, status 1)"),
            npos)
      << all_evidence(steps);
}

TEST(WorkersHold, ADeathNoFaultCausedIsNamedAndPassesWhenReplacedInTime) {
  History h = correct_cluster();
  WorkerLifetime& replacement = worker(h, worker_pid(4));
  replacement.exit_ns = at(1500);
  replacement.exit_signal = SIGSEGV;
  h.workers.push_back({worker_pid(5), at(1500.2), at(1501), at(2205), 0, 0});
  const auto r = only(Property::workers_restored, h);
  EXPECT_EQ(r.verdict, Verdict::pass) << all_evidence(r);
  EXPECT_NE(r.summary.find("; 1 death(s) no fault caused, each followed by 4 ready workers within the deadline"), npos)
      << r.summary;
  EXPECT_NE(all_evidence(r).find("worker 105 died of SIGSEGV at +1500.0 ms, no fault's doing: 3 of 4 ready from then; "
                                 "4 ready again at +1501.0 ms, 1.0 ms later"),
            npos)
      << all_evidence(r);
}

// Without any fault a lost worker still fails (nothing else would judge it); with nothing lost and
// no fault there is nothing to judge.
TEST(WorkersHold, ALostWorkerFailsEvenWithoutAFault) {
  History h = correct_cluster({.kill = false});
  worker(h, worker_pid(2)).exit_ns = at(800);
  worker(h, worker_pid(2)).exit_signal = SIGABRT;
  const auto r = only(Property::workers_restored, h);
  EXPECT_EQ(r.verdict, Verdict::fail) << all_evidence(r);
  EXPECT_NE(all_evidence(r).find("worker 103 died of SIGABRT at +800.0 ms"), npos) << all_evidence(r);
}

TEST(WorkersHold, ADeathTooCloseToTheEndOrTheLoadsEndIsUndecided) {
  History h = correct_cluster();
  worker(h, worker_pid(4)).exit_ns = at(2000);
  const auto r = only(Property::workers_restored, h);
  EXPECT_EQ(r.verdict, Verdict::unknown) << all_evidence(r);
  EXPECT_NE(all_evidence(r).find("the service window ended 200.0 ms later, before the deadline"), npos) << all_evidence(r);
  h.stop.stop_sent_ns = at(3500);  // the window outlasts the deadline, but the load (black-box readiness) does not
  h.run_end_ns = at(3600);
  const auto late = only(Property::workers_restored, h);
  EXPECT_EQ(late.verdict, Verdict::unknown) << all_evidence(late);
  EXPECT_NE(all_evidence(late).find("but the load ended within the deadline"), npos) << all_evidence(late);
}

// A fault's victims die by the fault; a stopped worker killed by a watchdog dies by the stop.
TEST(WorkersHold, DeathsAFaultCausedAreJudgedWithTheFaultNotTwice) {
  History h = correct_cluster({.respawn_after_ms = -1});
  const auto r = only(Property::workers_restored, h);
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_EQ(r.summary, "1 fault(s) not followed by 4 ready workers within 1000.0 ms") << all_evidence(r);
  EXPECT_EQ(all_evidence(r).find("no fault's doing"), npos) << all_evidence(r);
}

// --- 2. Excuses are bounded ---------------------------------------------------------------------

TEST(Excuses, OnlyVictimsSeenDeadExcuse) {
  History h = correct_cluster();
  ASSERT_TRUE(excusing_fault(h, walkthrough_scenario(), cut_request(h)));
  h.faults[0].death_seen_ns.reset();
  h.faults[0].note = "pid 102 still alive at the deadline";
  const Excuse e = judge_excuse(h, walkthrough_scenario(), cut_request(h));
  EXPECT_FALSE(e.fault);
  EXPECT_EQ(e.why_not, "on a connection a victim of fault 1 (kill_worker SIGKILL at +1000.0 ms) held, but its victims "
                       "were not seen dead (the fault did not happen)");
  const auto r = only(Property::no_dropped_requests, h);
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(all_evidence(r).find(e.why_not), npos) << all_evidence(r);  // the message is the rule's
}

TEST(Excuses, AFailureAfterTheRecoveryDeadlineOfTheDeathIsNotExcused) {
  History h = correct_cluster();
  RequestRecord& cut = cut_request(h);
  cut.end_ns = at(2000.1);  // the death (+1000.1 ms) + the 1 s deadline: still excused
  EXPECT_TRUE(excusing_fault(h, walkthrough_scenario(), cut));
  cut.end_ns = at(2000.2);
  const Excuse e = judge_excuse(h, walkthrough_scenario(), cut);
  EXPECT_FALSE(e.fault);
  EXPECT_EQ(e.why_not, "failed after the excuse of fault 1 (kill_worker SIGKILL at +1000.0 ms) ended at +2000.1 ms "
                       "(the recovery deadline after its victims' death)");
}

// A signal the victim may handle (SIGINT): what fails between the signal and its death is its own doing.
TEST(Excuses, AFailureBeforeTheVictimsDeathIsNotExcused) {
  History h = correct_cluster();
  h.faults[0].signal = SIGINT;
  worker(h, worker_pid(1)).exit_ns = at(1300);
  worker(h, worker_pid(1)).exit_signal = SIGINT;
  h.faults[0].death_seen_ns = at(1300.1);
  RequestRecord& cut = cut_request(h);
  const Excuse e = judge_excuse(h, walkthrough_scenario(), cut);
  EXPECT_FALSE(e.fault);
  EXPECT_EQ(e.why_not, "failed before the victims of fault 1 (kill_worker SIGINT at +1000.0 ms) died (excused from +1280.0 ms)");
  cut.end_ns = at(1290);  // within kDeathStampSlack of the death: a dying process's resets come first
  EXPECT_TRUE(excusing_fault(h, walkthrough_scenario(), cut));
}

TEST(Excuses, AStoppedWorkersConnectionsAreExcusedUntilItRunsAgainNeverAfter) {
  History h = correct_cluster({.kill = false});
  FaultRecord stop = fault(FaultKind::stop_worker, SIGSTOP, 500, {worker_pid(2)});
  stop.confirmed_ns = at(500.1);
  stop.victim_client_ports = {40003};
  FaultRecord cont = fault(FaultKind::cont_worker, SIGCONT, 800, {worker_pid(2)});
  cont.confirmed_ns = at(800.1);
  h.faults = {stop, cont};
  RequestRecord hung;
  hung.id = 99999;
  hung.connection_id = 3;
  hung.local_port = 40003;
  hung.connection_opened_ns = at(100);
  hung.intended_ns = hung.start_ns = at(600);
  hung.end_ns = at(700);
  hung.error = RequestError::timeout;
  EXPECT_EQ(excusing_fault(h, walkthrough_scenario(), hung), std::optional<std::size_t>(0));
  hung.end_ns = at(900);  // after the cont_worker saw it running: it had to answer
  const Excuse e = judge_excuse(h, walkthrough_scenario(), hung);
  EXPECT_FALSE(e.fault);
  EXPECT_EQ(e.why_not, "failed after the excuse of fault 1 (stop_worker SIGSTOP at +500.0 ms) ended at +800.1 ms "
                       "(its victim 103 was seen running again)");
  // Killed while stopped (a watchdog): excused until the recovery deadline after its death.
  h.faults = {stop};
  worker(h, worker_pid(2)).exit_ns = at(850);
  worker(h, worker_pid(2)).exit_signal = SIGKILL;
  hung.end_ns = at(1850);
  EXPECT_TRUE(excusing_fault(h, walkthrough_scenario(), hung));
  hung.end_ns = at(1850.1);
  EXPECT_FALSE(excusing_fault(h, walkthrough_scenario(), hung));
}

// kill_worker with SIGTERM is a termination: the worker must drain, so nothing on its connections is
// excused, even if the record holds its ports.
TEST(Excuses, ASigtermExcusesNothing) {
  History h = correct_cluster();
  h.faults[0].signal = SIGTERM;
  const Excuse e = judge_excuse(h, walkthrough_scenario(), cut_request(h));
  EXPECT_FALSE(e.fault);
  EXPECT_EQ(e.why_not, "on a connection a victim of fault 1 (kill_worker SIGTERM at +1000.0 ms) held, but a terminated "
                       "worker must drain its connections: nothing is excused");
  EXPECT_EQ(only(Property::no_dropped_requests, h).verdict, Verdict::fail);
}

// --- 3. A terminated worker must end cleanly ----------------------------------------------------

History terminated(int exit_signal, int exit_status) {
  History h = correct_cluster();
  h.faults[0].kind = FaultKind::term_worker;
  h.faults[0].signal = SIGTERM;
  h.faults[0].victim_client_ports.clear();
  h.faults[0].death_seen_ns = at(1000.6);
  WorkerLifetime& victim = worker(h, worker_pid(1));
  victim.exit_ns = at(1000.5);
  victim.exit_signal = exit_signal;
  victim.exit_status = exit_status;
  return h;
}

TEST(GracefulWorkerStop, ExitZeroOrTheSigtermIsClean) {
  for (const auto& [signal, status] : {std::pair{0, 0}, std::pair{SIGTERM, -1}}) {
    const auto r = only(Property::graceful_worker_stop, terminated(signal, status));
    EXPECT_EQ(r.verdict, Verdict::pass) << all_evidence(r);
    EXPECT_EQ(r.summary, "each of 1 terminated worker(s) ended cleanly (exit status 0 or the SIGTERM)");
  }
}

TEST(GracefulWorkerStop, ANonZeroStatusOrAnotherSignalFailsWithTheExitStatus) {
  auto r = only(Property::graceful_worker_stop, terminated(0, 1));
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_EQ(r.summary, "1 of 1 terminated worker(s) did not end cleanly (exit status 0 or the SIGTERM); first: worker 102 "
                       "exited with status 1");
  EXPECT_NE(all_evidence(r).find("fault 1 (term_worker SIGTERM at +1000.0 ms): worker 102 exited with status 1 at "
                                 "+1000.5 ms, 0.5 ms after the SIGTERM: not exit status 0 nor the SIGTERM"),
            npos)
      << all_evidence(r);
  r = only(Property::graceful_worker_stop, terminated(SIGKILL, -1));
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(r.summary.find("worker 102 died of SIGKILL"), npos) << r.summary;
}

TEST(GracefulWorkerStop, UnknownWhenItsEndWasNotSeenOrNoWorkerWasTerminated) {
  History h = terminated(0, 0);
  worker(h, worker_pid(1)).exit_ns.reset();
  const auto r = only(Property::graceful_worker_stop, h);
  EXPECT_EQ(r.verdict, Verdict::unknown);
  EXPECT_NE(all_evidence(r).find("worker 102 had not exited when the service window ended (+2200.0 ms)"), npos);
  EXPECT_EQ(only(Property::graceful_worker_stop, correct_cluster()).summary,
            "no SIGTERM was sent to a worker (term_worker fault)");
}

// --- 5. The window's edges go by when a request was sent ----------------------------------------

TEST(ServiceWindow, ARequestScheduledBeforeTheStopButSentAfterItIsNotTheTargets) {
  History h = correct_cluster();
  RequestRecord late;
  late.id = 99999;
  late.connection_id = 2;
  late.fresh_connection = true;
  late.intended_ns = at(2199);  // the stop's SIGTERM is at +2200 ms
  late.start_ns = at(2201);
  late.end_ns = late.connection_opened_ns = at(2201.05);
  late.error = RequestError::refused;
  h.requests.push_back(late);
  EXPECT_EQ(only(Property::service_available, h).verdict, Verdict::pass);
  EXPECT_EQ(only(Property::no_dropped_requests, h).verdict, Verdict::pass);
  // Sent before the stop, it is the target's.
  h.requests.records().back().start_ns = at(2199.5);
  const auto r = only(Property::service_available, h);
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_NE(all_evidence(r).find("request #99999 (connection 2, port 0, intended +2199.0 ms, sent +2199.5 ms, ended "
                                 "+2201.1 ms): refused"),
            npos)
      << all_evidence(r);
}

// --- 6. Every storm is judged -------------------------------------------------------------------

// Two storms (hand-made: each kills one worker it found and one newcomer): after the first the
// cluster stays a worker short for longer than the deadline; the second is recovered from at once.
// Judging only the run's last storm kill hid the first.
History two_storms() {
  History h = correct_cluster({.kill = false});
  const auto storm_kill = [&h](int storm, double ms, pid_t victim) {
    FaultRecord f = fault(FaultKind::kill_new_workers, SIGKILL, ms, {victim});
    f.death_seen_ns = at(ms + 0.1);
    f.storm = storm;
    h.faults.push_back(f);
    worker(h, victim).exit_ns = at(ms + 0.05);
    worker(h, victim).exit_signal = SIGKILL;
    worker(h, victim).exit_status = -1;
  };
  h.workers.push_back({worker_pid(4), at(500.7), std::nullopt, std::nullopt, 0, -1});
  h.workers.push_back({worker_pid(5), at(1500.3), std::nullopt, std::nullopt, 0, -1});
  h.workers.push_back({worker_pid(6), at(1600), at(1601), std::nullopt, 0, -1});
  h.workers.push_back({worker_pid(7), at(1600.1), at(1601.1), std::nullopt, 0, -1});
  storm_kill(1, 500.5, worker_pid(1));
  storm_kill(1, 501, worker_pid(4));
  storm_kill(2, 1500, worker_pid(2));
  storm_kill(2, 1502, worker_pid(5));
  for (auto& w : h.workers)
    if (!w.exit_ns) w.exit_ns = at(2205), w.exit_status = 0;
  return h;
}

TEST(Storms, EachStormIsJudgedFromItsOwnLastKill) {
  const History h = two_storms();
  const auto r = only(Property::workers_restored, h);
  EXPECT_EQ(r.verdict, Verdict::fail) << all_evidence(r);
  EXPECT_NE(all_evidence(r).find("fault 2 (kill_new_workers SIGKILL at +501.0 ms): victim 105 died at +501.1 ms (the last "
                                 "kill of storm 1)"),
            npos)
      << all_evidence(r);
  EXPECT_NE(all_evidence(r).find("(the last kill of storm 2)"), npos) << all_evidence(r);
  Scenario s = walkthrough_scenario();
  s.max_forks_per_s = 50;
  const auto b = only(Property::bounded_restarts, h, s);
  EXPECT_EQ(b.verdict, Verdict::fail) << all_evidence(b);
  EXPECT_EQ(b.summary, "not back to 4 ready workers within 1000.0 ms once deaths stopped (1 of 2 times)");
  EXPECT_NE(all_evidence(b).find("deaths stopped at +501.1 ms (the last kill of storm 1"), npos) << all_evidence(b);
}

// --- 7. A worker is its pid and its fork instant ------------------------------------------------

// The watchdog kills the stopped worker; its replacement gets the same pid back from the kernel.
TEST(Identity, AWorkerThatReusesAStoppedWorkersPidIsNotStopped) {
  History h = correct_cluster({.kill = false});
  FaultRecord stop = fault(FaultKind::stop_worker, SIGSTOP, 500, {worker_pid(2)});
  stop.confirmed_ns = at(500.1);
  h.faults = {stop};
  worker(h, worker_pid(2)).exit_ns = at(800);
  worker(h, worker_pid(2)).exit_signal = SIGKILL;
  h.workers.push_back({worker_pid(2), at(800.2), at(801), at(2205), 0, 0});
  EXPECT_FALSE(stopped_at(h, h.workers.back(), at(900)));
  EXPECT_EQ(ready_workers_at(h, at(900)), 4);
  const auto r = only(Property::workers_restored, h);
  EXPECT_EQ(r.verdict, Verdict::pass) << all_evidence(r);
  EXPECT_NE(all_evidence(r).find("4 ready at +801.0 ms: recovery 300.9 ms"), npos) << all_evidence(r);
}

TEST(Identity, AReplacementWithItsVictimsPidCountsTowardsTheRecovery) {
  History h = correct_cluster();
  worker(h, worker_pid(4)).pid = worker_pid(1);  // the kernel gave the victim's pid to its replacement
  for (Property p : {Property::workers_restored, Property::steps_match_walkthrough}) {
    const auto r = only(p, h);
    EXPECT_EQ(r.verdict, Verdict::pass) << to_string(p) << ": " << all_evidence(r);
  }
  EXPECT_EQ(recovery_after(h, 0).replacements, std::vector<pid_t>{worker_pid(1)});
}

// A later worker that got a victim's pid and then crashes is not the fault's doing.
TEST(Identity, ACrashOfAWorkerThatReusedAVictimsPidIsUnexplained) {
  History h = correct_cluster();
  WorkerLifetime& replacement = worker(h, worker_pid(4));
  replacement.pid = worker_pid(1);
  replacement.exit_ns = at(1500);
  replacement.exit_signal = SIGSEGV;
  replacement.exit_status = -1;
  EXPECT_FALSE(fault_behind_death(h, replacement));
  EXPECT_EQ(fault_behind_death(h, h.workers[1]), std::optional<std::size_t>(0));
  const auto r = only(Property::no_worker_crash_on_input, h);
  EXPECT_EQ(r.verdict, Verdict::fail) << all_evidence(r);
  EXPECT_NE(r.summary.find("pid 102 died of SIGSEGV"), npos) << r.summary;
}

}  // namespace
}  // namespace forkcheck::harness
