// explore's report.md and junit.xml say how often the counterexample reproduced, and call it
// timing-dependent when some replay did not fail.
#include <gtest/gtest.h>

#include "harness/explore/explore_report.hpp"

namespace forkcheck::harness {
namespace {

ExploreReport with_replays(int failed, int replays) {
  ExploreReport r;
  r.command = "forkcheck explore --seed 7";
  r.summary.code = ExitCode::violated;
  r.summary.counterexample = "DIR/counterexample.yaml";
  r.summary.schedule = "2 faults: +0 ms SIGKILL 1 random; +0 ms SIGKILL 1 random";
  r.summary.replays = replays;
  r.summary.replays_failed = failed;
  r.runs.push_back({"case 1/5", "cases/case-1", r.summary.schedule, CaseOutcome::fail, "workers_restored", 2.0});
  for (int k = 1; k <= replays; ++k)
    r.runs.push_back({"replay " + std::to_string(k) + "/" + std::to_string(replays), "cases/replay-" + std::to_string(k),
                      r.summary.schedule, k <= failed ? CaseOutcome::fail : CaseOutcome::pass,
                      k <= failed ? "workers_restored" : "", 2.0});
  return r;
}

bool has(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

TEST(ExploreReport, ACounterexampleFailingInSomeReplaysOnlyIsTimingDependent) {
  const ExploreReport r = with_replays(1, 3);
  EXPECT_TRUE(r.summary.timing_dependent());
  EXPECT_EQ(replays_text(r.summary), "fails 1/3 replays (timing-dependent)");
  const std::string md = render_explore_markdown(r);
  EXPECT_TRUE(has(md, "a counterexample was found and shrunk; it fails 1/3 replays (timing-dependent)")) << md;
  EXPECT_TRUE(has(md, "Replayed 3 times from scratch: it fails 1/3 replays (timing-dependent)")) << md;
  EXPECT_TRUE(has(md, "| replay 2/3 | `cases/replay-2` |")) << md;
  const std::string junit = render_explore_junit(r);
  EXPECT_TRUE(has(junit, "<property name=\"counterexample\" value=\"2 faults: +0 ms SIGKILL 1 random; +0 ms SIGKILL 1 "
                         "random; fails 1/3 replays (timing-dependent)\"/>"))
      << junit;
  EXPECT_TRUE(has(junit, "(counterexample fails 1/3 replays (timing-dependent))</failure>")) << junit;
}

TEST(ExploreReport, ACounterexampleFailingInEveryReplayIsNotTimingDependent) {
  const ExploreReport r = with_replays(3, 3);
  EXPECT_FALSE(r.summary.timing_dependent());
  EXPECT_EQ(replays_text(r.summary), "fails 3/3 replays");
  const std::string md = render_explore_markdown(r);
  EXPECT_TRUE(has(md, "it fails 3/3 replays: it failed every time")) << md;
  EXPECT_FALSE(has(md, "timing-dependent"));
  EXPECT_FALSE(has(render_explore_junit(r), "timing-dependent"));
}

TEST(ExploreReport, NoReplayNoClaim) {
  const ExploreReport r = with_replays(0, 0);
  EXPECT_FALSE(r.summary.timing_dependent());
  EXPECT_EQ(replays_text(r.summary), "");
  EXPECT_FALSE(has(render_explore_markdown(r), "replays"));
}

}  // namespace
}  // namespace forkcheck::harness
