// The harness-lateness rule (check/checker_harness_late): a timing fail during a stall of the harness
// longer than 25 % of its bound is unknown; everything else stands.
#include <gtest/gtest.h>

#include "harness/check/checker.hpp"
#include "harness/check/checker_harness_late.hpp"
#include "tests/harness/support/history_builder.hpp"

namespace forkcheck::harness {
namespace {

using namespace forkcheck::harness::testing;

// The harness's probe stalled from +from_ms to +to_ms (and nothing else was late).
void stall(History& h, double from_ms, double to_ms, const std::string& source = "probe") {
  auto& sources = h.harness_health.sources;
  auto it = std::find_if(sources.begin(), sources.end(), [&](const LatenessSource& s) { return s.name == source; });
  if (it == sources.end()) it = sources.insert(sources.end(), LatenessSource{.name = source, .samples = 1000});
  it->max_ns = std::max(it->max_ns, at(to_ms) - at(from_ms));
  it->worst.push_back({at(from_ms), at(to_ms)});
}

PropertyResult judged(Property p, const History& h, Scenario s = walkthrough_scenario()) {
  s.properties = {p};
  const auto results = with_harness_lateness(check(h, s), h, s);
  EXPECT_EQ(results.size(), 1u);
  return results.empty() ? PropertyResult{} : results[0];
}

std::string all_text(const PropertyResult& r) {
  std::string out = r.summary;
  for (const auto& e : r.evidence) out += "\n" + e;
  return out;
}

// The walkthrough's kill at +1000 ms, its replacement forked 1050 ms later: over the 1 s deadline.
History slow_respawn() { return correct_cluster({.respawn_after_ms = 1050}); }

TEST(HarnessLate, AStallInTheRecoveryWindowMakesWorkersRestoredUnknown) {
  History h = slow_respawn();
  ASSERT_EQ(judged(Property::workers_restored, h).verdict, Verdict::fail);
  stall(h, 1100, 1440);  // 340 ms of the 1000 ms window [+1000.1, +2000.1)
  const PropertyResult r = judged(Property::workers_restored, h);
  EXPECT_EQ(r.verdict, Verdict::unknown) << all_text(r);
  EXPECT_NE(r.summary.find("the machine was overloaded"), std::string::npos) << r.summary;
  EXPECT_NE(r.summary.find("probe was 340.0 ms late"), std::string::npos) << r.summary;
  EXPECT_NE(r.summary.find("fault 1's recovery window"), std::string::npos) << r.summary;
  ASSERT_FALSE(r.evidence.empty());
  EXPECT_NE(r.evidence[0].find("as checked, without the rule: 1 fault(s) not followed by 4 ready workers"), std::string::npos)
      << r.evidence[0];
}

TEST(HarnessLate, TheRunLoopsTickMakesAStallToo) {
  History h = slow_respawn();
  stall(h, 1100, 1440, "tick");
  EXPECT_EQ(judged(Property::workers_restored, h).verdict, Verdict::unknown);
}

TEST(HarnessLate, AStallShorterThanTheFractionLeavesTheFail) {
  History h = slow_respawn();
  stall(h, 1100, 1340);  // 240 ms: not more than 25 % of 1000 ms
  EXPECT_EQ(judged(Property::workers_restored, h).verdict, Verdict::fail);
}

TEST(HarnessLate, OnlyTheStallsPartInsideTheWindowCounts) {
  History h = slow_respawn();
  stall(h, 600, 1200);  // 600 ms long, but only 200 ms of it after the death at +1000.1 ms
  EXPECT_EQ(judged(Property::workers_restored, h).verdict, Verdict::fail);
  History later = slow_respawn();
  stall(later, 2100, 2500);  // after the deadline passed: not while it was judged
  EXPECT_EQ(judged(Property::workers_restored, later).verdict, Verdict::fail);
}

// A bound far below the recovery (recovery_ms_max 0.001: a recovery of milliseconds) is not explained by
// a stall that covered the death: the stall would have to account for the whole excess over the bound.
TEST(HarnessLate, AStallShorterThanTheExcessOverTheBoundLeavesTheFail) {
  History h = correct_cluster({.respawn_after_ms = 10});
  Scenario s = walkthrough_scenario();
  s.thresholds.recovery_ms_max = 0.001;
  ASSERT_EQ(judged(Property::recovery_time, h, s).verdict, Verdict::fail);
  const FaultRecovery r = recovery_after(h, 0);
  ASSERT_TRUE(r.death_ns && r.recovery_ns() && *r.recovery_ns() > ms_to_ns(2));
  const double death_ms = static_cast<double>(*r.death_ns - at(0)) / 1e6;
  stall(h, death_ms - 0.5, death_ms + 1.0);  // 1 ms of the recovery, all of the 1 us window
  EXPECT_EQ(judged(Property::recovery_time, h, s).verdict, Verdict::fail) << all_text(judged(Property::recovery_time, h, s));
  stall(h, death_ms, death_ms + static_cast<double>(*r.recovery_ns()) / 1e6);  // the whole recovery: it may be the harness's
  EXPECT_EQ(judged(Property::recovery_time, h, s).verdict, Verdict::unknown);
}

TEST(HarnessLate, FaultsAndRequestsLatenessAreNoStall) {
  History h = slow_respawn();
  stall(h, 1100, 1800, "request");  // a send that waited for a connection: the target's slowness too
  stall(h, 1100, 1800, "fault");
  EXPECT_EQ(judged(Property::workers_restored, h).verdict, Verdict::fail);
}

TEST(HarnessLate, APassStaysAPass) {
  History h = correct_cluster();
  stall(h, 1000, 1900);
  for (Property p : {Property::workers_restored, Property::no_dropped_requests, Property::service_available})
    EXPECT_EQ(judged(p, h).verdict, Verdict::pass) << to_string(p);
}

// Load requests intended from +from_ms to +to_ms never got a connection within the 2000 ms timeout.
void never_sent(History& h, double from_ms, double to_ms) {
  for (auto& r : h.requests.records())
    if (!r.probe && r.intended_ns >= at(from_ms) && r.intended_ns < at(to_ms)) {
      r.connection_id = -1;
      r.local_port = 0;
      r.start_ns = 0;
      r.end_ns = r.intended_ns + ms_to_ns(2000);
      r.status = 0;
      r.worker_pid = 0;
      r.error = RequestError::timeout;
    }
}

TEST(HarnessLate, TimeoutsDuringAStallMakeTheRequestPropertiesUnknown) {
  History h = correct_cluster();
  never_sent(h, 400, 500);
  ASSERT_EQ(judged(Property::no_dropped_requests, h).verdict, Verdict::fail);
  ASSERT_EQ(judged(Property::service_available, h).verdict, Verdict::fail);
  stall(h, 390, 2510);  // the harness was stopped ~2.1 s: each timeout window lies in it
  for (Property p : {Property::no_dropped_requests, Property::service_available}) {
    const PropertyResult r = judged(p, h);
    EXPECT_EQ(r.verdict, Verdict::unknown) << to_string(p) << ": " << all_text(r);
    EXPECT_NE(r.summary.find("request timeout during a stall of the harness (timeout_ms 2000.0 ms"), std::string::npos)
        << r.summary;
    EXPECT_NE(r.summary.find("each of the 20"), std::string::npos) << r.summary;
  }
}

TEST(HarnessLate, ATimeoutTheStallDoesNotCoverKeepsTheFail) {
  History h = correct_cluster();
  never_sent(h, 400, 500);
  never_sent(h, 1500, 1505);  // one more, long after the stall
  stall(h, 390, 2510 - 1100);  // covers the first 20 timeouts' windows by more than 500 ms each
  EXPECT_EQ(judged(Property::no_dropped_requests, h).verdict, Verdict::fail);
  EXPECT_EQ(judged(Property::service_available, h).verdict, Verdict::fail);
}

TEST(HarnessLate, ARefusedConnectionIsNotAMatterOfTime) {
  History h = correct_cluster();
  never_sent(h, 400, 500);
  stall(h, 390, 2510);
  RequestRecord& r = h.requests.records()[200];  // intended at +1100 ms, inside the stall
  ASSERT_FALSE(r.probe);
  r.error = RequestError::refused;
  r.status = 0;
  r.worker_pid = 0;
  EXPECT_EQ(judged(Property::service_available, h).verdict, Verdict::fail);
  EXPECT_EQ(judged(Property::no_dropped_requests, h).verdict, Verdict::fail);
}

TEST(HarnessLate, ABadStatusIsNotAMatterOfTime) {
  History h = correct_cluster();
  stall(h, 390, 2510);
  RequestRecord& r = h.requests.records()[200];
  r.status = 500;
  r.error = RequestError::bad_status;
  EXPECT_EQ(judged(Property::no_dropped_requests, h).verdict, Verdict::fail);
}

TEST(HarnessLate, NotMeasuredChangesNothing) {
  History h = slow_respawn();
  Scenario s = walkthrough_scenario();
  const auto checked = check(h, s);
  const auto passed = with_harness_lateness(checked, h, s);
  ASSERT_EQ(checked.size(), passed.size());
  for (std::size_t i = 0; i < checked.size(); ++i) {
    EXPECT_EQ(checked[i].verdict, passed[i].verdict);
    EXPECT_EQ(checked[i].summary, passed[i].summary);
  }
  EXPECT_FALSE(harness_was_late(h, s));
}

TEST(HarnessLate, AnOvershootStaysDecided) {
  History h = correct_cluster();
  h.workers.push_back({worker_pid(9), at(1500), at(1501), at(1600), 0, 0});  // a fifth worker while four live
  stall(h, 1400, 1900);
  EXPECT_EQ(judged(Property::no_overshoot, h).verdict, Verdict::fail);
}

// A term_primary whose primary exited 0, but after stop_grace_s.
History slow_graceful_stop(Scenario& s) {
  History h = correct_cluster();
  FaultRecord term;
  term.kind = FaultKind::term_primary;
  term.signal = SIGTERM;
  term.scheduled_ns = term.sent_ns = at(1500);
  h.faults.push_back(term);
  h.stop.primary_exited_during_run = true;
  h.stop.primary_exit_ns = at(1500 + 1200);
  h.stop.primary_exit_status = 0;
  s.stop_grace_s = 1.0;
  FaultSpec f;
  f.kind = FaultKind::term_primary;
  f.at_s = 1.4;
  s.faults.push_back(f);
  return h;
}

TEST(HarnessLate, ALateExitAfterSigtermDuringAStallIsUnknown) {
  Scenario s = walkthrough_scenario();
  History h = slow_graceful_stop(s);
  ASSERT_EQ(judged(Property::graceful_stop, h, s).verdict, Verdict::fail);
  stall(h, 1600, 2000);
  const PropertyResult r = judged(Property::graceful_stop, h, s);
  EXPECT_EQ(r.verdict, Verdict::unknown) << all_text(r);
  EXPECT_NE(r.summary.find("grace after its SIGTERM"), std::string::npos) << r.summary;
  h.stop.primary_exit_status = 3;  // a bad exit status is not a matter of time
  EXPECT_EQ(judged(Property::graceful_stop, h, s).verdict, Verdict::fail);
}

// A crash file that killed worker 1 at +800 ms, removed at +900 ms; N ready never came back.
History not_back_after_crash_loop(Scenario& s) {
  History h = correct_cluster({.kill = false});
  s.max_forks_per_s = 10;
  FaultRecord create;
  create.kind = FaultKind::create_file;
  create.scheduled_ns = create.sent_ns = at(500);
  create.path = "/tmp/r/crash_file";
  FaultRecord remove = create;
  remove.kind = FaultKind::remove_file;
  remove.scheduled_ns = remove.sent_ns = at(900);
  h.faults = {create, remove};
  h.target.command += " --crash-file /tmp/r/crash_file";
  h.workers[0].exit_ns = at(800), h.workers[0].exit_status = 1;
  return h;
}

TEST(HarnessLate, BoundedRestartsRecoveryDuringAStallIsUnknownButABurstIsNot) {
  Scenario s = walkthrough_scenario();
  History h = not_back_after_crash_loop(s);
  ASSERT_EQ(judged(Property::bounded_restarts, h, s).verdict, Verdict::fail);
  stall(h, 1000, 1400);
  const PropertyResult r = judged(Property::bounded_restarts, h, s);
  EXPECT_EQ(r.verdict, Verdict::unknown) << all_text(r);
  EXPECT_NE(r.summary.find("after the deaths stopped"), std::string::npos) << r.summary;
  for (int i = 0; i < 12; ++i)  // 12 forks within a second, over max_forks_per_s 10
    h.workers.push_back({worker_pid(20 + i), at(1000 + i), std::nullopt, at(1000.5 + i), 0, 1});
  EXPECT_EQ(judged(Property::bounded_restarts, h, s).verdict, Verdict::fail);
}

TEST(HarnessLate, WasLateComparesTheWorstStallWithTheSmallestBound) {
  History h = correct_cluster();
  Scenario s = walkthrough_scenario();  // timeout 2000 ms, recovery_deadline_s 1 s: smallest 1000 ms
  stall(h, 100, 340);
  EXPECT_FALSE(harness_was_late(h, s));
  stall(h, 500, 760);
  const auto late = harness_was_late(h, s);
  ASSERT_TRUE(late);
  EXPECT_EQ(late->window.lateness_ns(), ms_to_ns(260));
  EXPECT_EQ(describe_stall(h, *late), "the harness's own probe was 260.0 ms late (+500.0 ms to +760.0 ms)");
}

}  // namespace
}  // namespace forkcheck::harness
