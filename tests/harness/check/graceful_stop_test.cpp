// graceful_stop: the stop signal (the scenario's stop_signal) to the primary, then either exit 0, or
// a death by that very signal re-raised once every worker has exited and no request was dropped
// (systemd's clean stop); anything else fails, in words that say what the primary did.
#include <gtest/gtest.h>

#include <csignal>
#include <string>

#include "harness/check/checker.hpp"
#include "tests/harness/support/history_builder.hpp"

namespace forkcheck::harness {
namespace {

using namespace forkcheck::harness::testing;

constexpr double kStopMs = 1500;

Scenario stopping_scenario(int stop_signal = SIGTERM) {
  Scenario s;
  s.name = "graceful_stop";
  s.duration_s = 2.0;
  s.stop_grace_s = 3.0;
  FaultSpec term;
  term.kind = FaultKind::term_primary;
  term.at_s = 1.4;
  s.faults.push_back(term);
  set_stop_signal(s, stop_signal);
  return s;
}

// A correct cluster stopped at +1500 ms: its workers exit by +1550 ms, the primary at +1600 ms,
// by `exit_signal` (0: it exited with exit_status).
History stopped(int exit_signal, int exit_status = -1, int sent = SIGTERM) {
  History h = correct_cluster(ClusterShape{.n = 3, .kill = false});
  FaultRecord term;
  term.kind = FaultKind::term_primary;
  term.signal = sent;
  term.scheduled_ns = term.sent_ns = at(kStopMs);
  term.victims = {kPrimary};
  term.death_seen_ns = at(1600.2);
  h.faults.push_back(term);
  for (auto& w : h.workers) w.exit_ns = at(1550), w.exit_status = 0, w.exit_signal = 0;
  h.stop = StopRecord{};
  h.stop.primary_exited_during_run = true;
  h.stop.primary_exit_ns = at(1600);
  h.stop.primary_exit_signal = exit_signal;
  h.stop.primary_exit_status = exit_status;
  h.stop.orphan_check_done = true;
  return h;
}

std::string text(const PropertyResult& r) {
  std::string out = r.summary;
  for (const auto& e : r.evidence) out += "\n" + e;
  return out;
}

TEST(GracefulStop, ExitZeroPasses) {
  const PropertyResult r = check_property(Property::graceful_stop, stopped(0, 0), stopping_scenario());
  EXPECT_EQ(r.verdict, Verdict::pass) << text(r);
  EXPECT_EQ(r.summary, "the primary exited 0, 100.0 ms after SIGTERM");
}

TEST(GracefulStop, TheStopSignalReRaisedAfterACompleteDrainPasses) {
  const PropertyResult r = check_property(Property::graceful_stop, stopped(SIGTERM), stopping_scenario());
  EXPECT_EQ(r.verdict, Verdict::pass) << text(r);
  EXPECT_EQ(r.summary, "the primary drained its workers and was killed by SIGTERM (re-raised), 100.0 ms after SIGTERM");
  EXPECT_NE(text(r).find("every worker had exited by +1550.0 ms; no request dropped of"), std::string::npos) << text(r);
}

TEST(GracefulStop, DyingOfTheSignalWhileWorkersLiveFails) {
  History h = stopped(SIGTERM);
  h.workers[1].exit_ns = at(1650);  // outlived the primary: it was not drained
  const PropertyResult r = check_property(Property::graceful_stop, h, stopping_scenario());
  EXPECT_EQ(r.verdict, Verdict::fail) << text(r);
  EXPECT_EQ(r.summary, "the primary was killed by SIGTERM with 1 worker(s) still alive at its death (" +
                           std::to_string(worker_pid(1)) + "): it did not drain them first");
}

TEST(GracefulStop, DyingOfTheSignalAfterDroppingARequestFails) {
  History h = stopped(SIGTERM);
  for (auto& r : h.requests.records())
    if (!r.probe && r.intended_ns < at(kStopMs) && r.intended_ns > at(1400)) {
      r.error = RequestError::reset;  // on no killed worker's connection: not excused
      r.local_port = 1;
      break;
    }
  const PropertyResult r = check_property(Property::graceful_stop, h, stopping_scenario());
  EXPECT_EQ(r.verdict, Verdict::fail) << text(r);
  EXPECT_NE(r.summary.find("the primary was killed by SIGTERM with 1 of "), std::string::npos) << r.summary;
  EXPECT_NE(r.summary.find("requests dropped (no_dropped_requests has them): not a clean drain"), std::string::npos);
}

TEST(GracefulStop, AnotherSignalOrStatusFailsInPlainWords) {
  const PropertyResult killed = check_property(Property::graceful_stop, stopped(SIGKILL), stopping_scenario());
  EXPECT_EQ(killed.verdict, Verdict::fail);
  EXPECT_EQ(killed.summary, "the primary was killed by SIGKILL, not by exiting 0 or by its stop signal SIGTERM re-raised");
  const PropertyResult status = check_property(Property::graceful_stop, stopped(0, 1), stopping_scenario());
  EXPECT_EQ(status.verdict, Verdict::fail);
  EXPECT_EQ(status.summary, "the primary exited with status 1, not 0");
  EXPECT_EQ(status.evidence.at(0), "SIGTERM at +1500.0 ms; the primary exited with status 1 at +1600.0 ms");
}

TEST(GracefulStop, TheScenariosStopSignalIsTheOneThatCounts) {
  const Scenario quit = stopping_scenario(SIGQUIT);
  const PropertyResult drained = check_property(Property::graceful_stop, stopped(SIGQUIT, -1, SIGQUIT), quit);
  EXPECT_EQ(drained.verdict, Verdict::pass) << text(drained);
  EXPECT_NE(drained.summary.find("after SIGQUIT"), std::string::npos) << drained.summary;
  const PropertyResult term = check_property(Property::graceful_stop, stopped(SIGTERM, -1, SIGQUIT), quit);
  EXPECT_EQ(term.verdict, Verdict::fail);
  EXPECT_EQ(term.summary, "the primary was killed by SIGTERM, not by exiting 0 or by its stop signal SIGQUIT re-raised");
}

TEST(GracefulStop, TooLateFailsEvenWhenClean) {
  Scenario s = stopping_scenario();
  s.stop_grace_s = 0.05;
  const PropertyResult r = check_property(Property::graceful_stop, stopped(SIGTERM), s);
  EXPECT_EQ(r.verdict, Verdict::fail);
  EXPECT_EQ(r.summary, "the primary was killed by SIGTERM 100.0 ms after SIGTERM, over 50.0 ms");
}

}  // namespace
}  // namespace forkcheck::harness
