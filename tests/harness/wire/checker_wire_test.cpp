// no_worker_crash_on_input and the attribution of a death to the inputs in flight, on hand-made
// histories (the correct cluster of tests/harness/core, plus wire-fuzz inputs and deaths).
#include <gtest/gtest.h>

#include "tests/harness/support/history_builder.hpp"
#include "harness/check/checker.hpp"
#include "harness/report/report_json.hpp"
#include "harness/report/report_markdown.hpp"
#include "harness/wire/wire_fuzz_attribution.hpp"

namespace forkcheck::harness {
namespace {

using namespace forkcheck::harness::testing;

Scenario fuzz_scenario() {
  Scenario s = walkthrough_scenario();
  FaultSpec f;
  f.kind = FaultKind::wire_fuzz;
  f.signal = 0;
  f.at_s = 0.5;
  s.faults.push_back(f);
  s.properties = {Property::no_worker_crash_on_input};
  return s;
}

// One input every 2 ms from +400 ms, each answered 400 by worker 101 after 0.3 ms.
History fuzzed_cluster(int inputs = 300) {
  History h = correct_cluster();
  for (int i = 0; i < inputs; ++i) {
    WireInputRecord r;
    r.sequence = static_cast<std::size_t>(i);
    r.index = static_cast<std::uint64_t>(i);
    r.local_port = static_cast<std::uint16_t>(30000 + i);
    r.connect_ns = at(400 + 2.0 * i);
    r.sent_ns = r.connect_ns + 50'000;
    r.end_ns = r.connect_ns + 300'000;
    r.size = 40;
    r.outcome = WireOutcome::answered;
    r.status = 400;
    r.worker_pid = worker_pid(0);
    h.wire_inputs.push_back(r);
  }
  return h;
}

// Worker 103 aborts at +801.0 ms on input 200 (connected +800 ms), which got no answer.
History crashing_cluster() {
  History h = fuzzed_cluster();
  WireInputRecord& trigger = h.wire_inputs[200];
  trigger.outcome = WireOutcome::closed;
  trigger.status = 0;
  trigger.worker_pid = 0;
  trigger.end_ns = at(801.2);
  WorkerLifetime& w = h.workers[2];
  w.exit_ns = at(801.0);
  w.exit_signal = SIGABRT;
  w.exit_status = -1;
  h.workers.push_back({worker_pid(9), at(801.3), at(802), std::nullopt, 0, -1});
  return h;
}

PropertyResult verdict(const History& h, const Scenario& s = fuzz_scenario()) {
  return check_property(Property::no_worker_crash_on_input, h, s);
}

std::string text(const PropertyResult& r) {
  std::string out = r.summary;
  for (const auto& e : r.evidence) out += "\n" + e;
  return out;
}

TEST(NoWorkerCrashOnInput, PassesWhenOnlyFaultsKill) {
  const PropertyResult r = verdict(fuzzed_cluster());
  EXPECT_EQ(r.verdict, Verdict::pass) << text(r);
  EXPECT_NE(text(r).find("300 wire-fuzz input(s) sent (answered 300)"), std::string::npos) << text(r);
  EXPECT_TRUE(crash_inputs_to_save(fuzzed_cluster()).empty());
}

TEST(NoWorkerCrashOnInput, FailsAndNamesTheInputInFlight) {
  const History h = crashing_cluster();
  const PropertyResult r = verdict(h);
  EXPECT_EQ(r.verdict, Verdict::fail) << text(r);
  EXPECT_NE(r.summary.find("pid 103 died of SIGABRT"), std::string::npos) << r.summary;
  EXPECT_NE(r.summary.find("crash-input-200.bin"), std::string::npos) << r.summary;
  const auto saved = crash_inputs_to_save(h);
  ASSERT_FALSE(saved.empty());
  EXPECT_EQ(saved.front(), 200u);
}

TEST(Attribution, WindowAndRanking) {
  History h = crashing_cluster();
  // Answered by the dying worker just before: in flight, ranked after the unanswered one.
  h.wire_inputs[199].worker_pid = worker_pid(2);
  h.wire_inputs[199].end_ns = at(800.9);
  // Ended long before the death, or connected after it: not in flight.
  h.wire_inputs[150].worker_pid = 0;
  const auto suspects = inputs_in_flight(h, worker_pid(2), at(801.0));
  ASSERT_EQ(suspects.size(), 2u);
  EXPECT_EQ(suspects[0], 200u);
  EXPECT_EQ(suspects[1], 199u);
}

TEST(Attribution, AnInputAnsweredByAnotherWorkerIsNotASuspect) {
  History h = crashing_cluster();
  h.wire_inputs[200].worker_pid = worker_pid(0);
  h.wire_inputs[200].outcome = WireOutcome::answered;
  EXPECT_TRUE(inputs_in_flight(h, worker_pid(2), at(801.0)).empty());
}

TEST(Attribution, AHalfClosedInputRanksBelowOneTheServerCut) {
  History h = crashing_cluster();
  WireInputRecord& slow = h.wire_inputs[199];  // truncated: ended 20 ms after its half-close
  slow.outcome = WireOutcome::closed;
  slow.status = 0;
  slow.worker_pid = 0;
  slow.half_closed_ns = at(800.95);
  slow.end_ns = at(801.0);  // closer to the death than the trigger
  const auto suspects = inputs_in_flight(h, worker_pid(2), at(801.0));
  ASSERT_EQ(suspects.size(), 2u);
  EXPECT_EQ(suspects[0], 200u);
}

TEST(Attribution, SuspectsAreCapped) {
  History h = crashing_cluster();
  for (int i = 180; i < 200; ++i) {
    h.wire_inputs[static_cast<std::size_t>(i)].worker_pid = 0;
    h.wire_inputs[static_cast<std::size_t>(i)].outcome = WireOutcome::closed;
  }
  const auto deaths = unexplained_deaths(h);
  ASSERT_EQ(deaths.size(), 1u);
  EXPECT_EQ(deaths[0].suspects.size(), kMaxSuspectsPerDeath);
  EXPECT_GT(deaths[0].in_flight, kMaxSuspectsPerDeath);
  EXPECT_NE(text(verdict(h)).find("more"), std::string::npos);
}

TEST(NoWorkerCrashOnInput, ExcusedDeaths) {
  History h = fuzzed_cluster();
  EXPECT_EQ(unexplained_deaths(h).size(), 0u);  // worker 102: the kill fault's victim; all: after the stop
  WorkerLifetime& w = h.workers[2];
  w.exit_ns = at(700);
  w.exit_signal = 0;
  w.exit_status = 0;  // a clean exit
  EXPECT_EQ(verdict(h).verdict, Verdict::pass);
  h.stop.stop_sent_ns = at(650);  // the stop came first
  w.exit_status = 1;
  EXPECT_EQ(verdict(h).verdict, Verdict::pass);
}

TEST(NoWorkerCrashOnInput, ANonZeroExitWithoutInputsIsStillACrash) {
  History h = fuzzed_cluster(0);
  h.workers[2].exit_ns = at(700);
  h.workers[2].exit_status = 3;
  Scenario s = fuzz_scenario();
  const PropertyResult r = verdict(h, s);
  EXPECT_EQ(r.verdict, Verdict::fail) << text(r);
  EXPECT_NE(text(r).find("exited with status 3"), std::string::npos);
  EXPECT_NE(text(r).find("no wire-fuzz input was in flight"), std::string::npos);
}

TEST(NoWorkerCrashOnInput, UnknownWhenItCannotDecide) {
  History h = fuzzed_cluster(0);
  EXPECT_EQ(verdict(h).verdict, Verdict::unknown);  // fuzzing planned, nothing sent
  h = fuzzed_cluster();
  h.workers[2].exit_ns = at(700);  // exit status not known (a /proc scan that missed the zombie)
  h.workers[2].exit_status = -1;
  const PropertyResult r = verdict(h);
  EXPECT_EQ(r.verdict, Verdict::unknown) << text(r);
}

TEST(NoWorkerCrashOnInput, OnlyCheckedByDefaultWhenFuzzing) {
  Scenario s = fuzz_scenario();
  s.properties.clear();
  const auto results = check(fuzzed_cluster(), s);
  EXPECT_TRUE(std::any_of(results.begin(), results.end(),
                          [](const auto& r) { return r.property == Property::no_worker_crash_on_input; }));
  const auto plain = check(correct_cluster(), walkthrough_scenario());
  EXPECT_FALSE(std::any_of(plain.begin(), plain.end(),
                           [](const auto& r) { return r.property == Property::no_worker_crash_on_input; }));
}

TEST(WireFuzzReport, NamesTheSavedInputs) {
  const History h = crashing_cluster();
  const Scenario s = fuzz_scenario();
  const auto results = check(h, s);
  const ReportMeta meta{"forkcheck run x.yaml", "/tmp/r", "0"};
  const std::string md = render_markdown_report(h, s, results, meta);
  EXPECT_NE(md.find("## Wire fuzz"), std::string::npos);
  EXPECT_NE(md.find("| `crash-input-200.bin` | 1 | 200 | 40 |"), std::string::npos) << md;
  const auto json = report_to_json(h, s, results, meta);
  EXPECT_EQ(json["wire_fuzz"]["inputs"], 300);
  EXPECT_EQ(json["wire_fuzz"]["crash_inputs"][0]["file"], "crash-input-200.bin");
  EXPECT_EQ(json["scenario"]["faults"][1]["wire_fuzz"]["inputs"], 8);
  EXPECT_FALSE(report_to_json(correct_cluster(), walkthrough_scenario(), {}, meta).contains("wire_fuzz"));
}

}  // namespace
}  // namespace forkcheck::harness
