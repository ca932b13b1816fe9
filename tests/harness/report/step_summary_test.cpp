// The CI job summary: append_step_summary appends to $GITHUB_STEP_SUMMARY (never truncates, a
// failure is a warning), and what `forkcheck run` appends says verdicts, failures, recovery, report.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/check/checker.hpp"
#include "harness/report/markdown_text.hpp"
#include "harness/report/report_step_summary.hpp"
#include "harness/report/step_summary.hpp"
#include "tests/harness/support/fixture_path.hpp"
#include "tests/harness/support/history_builder.hpp"

namespace forkcheck::harness {
namespace {

namespace fs = std::filesystem;
using namespace forkcheck::harness::testing;

// Sets $GITHUB_STEP_SUMMARY for one test and restores the environment after it.
class StepSummaryEnv : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* was = std::getenv("GITHUB_STEP_SUMMARY")) saved_ = was;
    dir_ = fs::path(::testing::TempDir()) / ("forkcheck_step_summary_" + std::to_string(::getpid()) + "_" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (saved_) ::setenv("GITHUB_STEP_SUMMARY", saved_->c_str(), 1);
    else ::unsetenv("GITHUB_STEP_SUMMARY");
    fs::remove_all(dir_);
  }
  fs::path dir_;

 private:
  std::optional<std::string> saved_;
};

TEST_F(StepSummaryEnv, AppendsAfterWhatTheFileHeldAndNeverTruncates) {
  const fs::path file = dir_ / "summary.md";
  std::ofstream(file) << "an earlier step's summary\n";
  ::setenv("GITHUB_STEP_SUMMARY", file.c_str(), 1);
  std::ostringstream warnings;
  EXPECT_EQ(append_step_summary("### first", warnings), StepSummaryWrite::appended);
  EXPECT_EQ(append_step_summary("### second\n", warnings), StepSummaryWrite::appended);
  EXPECT_EQ(read_text(file.string()), "an earlier step's summary\n### first\n\n### second\n\n");
  EXPECT_EQ(warnings.str(), "");
}

TEST_F(StepSummaryEnv, UnsetOrEmptyWritesNothing) {
  std::ostringstream warnings;
  ::unsetenv("GITHUB_STEP_SUMMARY");
  EXPECT_EQ(append_step_summary("x", warnings), StepSummaryWrite::not_requested);
  ::setenv("GITHUB_STEP_SUMMARY", "", 1);
  EXPECT_EQ(append_step_summary("x", warnings), StepSummaryWrite::not_requested);
  EXPECT_EQ(warnings.str(), "");
}

TEST_F(StepSummaryEnv, AFileThatCannotBeWrittenIsAWarning) {
  const fs::path file = dir_ / "no-such-folder" / "summary.md";
  ::setenv("GITHUB_STEP_SUMMARY", file.c_str(), 1);
  std::ostringstream warnings;
  EXPECT_EQ(append_step_summary("x", warnings), StepSummaryWrite::failed);
  EXPECT_NE(warnings.str().find("warning: could not append the summary to $GITHUB_STEP_SUMMARY"), std::string::npos)
      << warnings.str();
  EXPECT_NE(warnings.str().find(file.string()), std::string::npos);
  EXPECT_FALSE(fs::exists(file));
}

TEST(StepSummary, ChildEnvironmentLosesOnlyTheSummaryVariable) {
  std::string a = "PATH=/bin", b = "GITHUB_STEP_SUMMARY=/tmp/s.md", c = "GITHUB_STEP_SUMMARY_X=kept", d = "HOME=/root";
  std::vector<char*> env = {a.data(), b.data(), c.data(), d.data(), nullptr};
  const std::vector<char*> child = environment_without_step_summary(env.data());
  ASSERT_EQ(child.size(), 4u);
  EXPECT_EQ(child[0], a.data());
  EXPECT_EQ(child[1], c.data());
  EXPECT_EQ(child[2], d.data());
  EXPECT_EQ(child[3], nullptr);
}

const ReportMeta kMeta{"forkcheck run walkthrough.yaml --seed 1", "reports/runs/r1", "0.1.0", ""};

TEST(RunStepSummary, APassingRunSaysSoWithItsRecoveryAndReport) {
  const History h = correct_cluster({.n = 4, .respawn_after_ms = 0.2});
  const Scenario s = walkthrough_scenario();
  const auto results = check(h, s);
  ASSERT_EQ(exit_code_for(results), ExitCode::ok);
  const std::string md = render_run_step_summary(h, s, results, kMeta);
  EXPECT_NE(md.find("### forkcheck run `" + s.name + "`: pass (exit 0)"), std::string::npos) << md;
  EXPECT_NE(md.find("properties: " + std::to_string(results.size()) + " pass"), std::string::npos) << md;
  EXPECT_EQ(md.find("| Property |"), std::string::npos) << "a table of failures when nothing failed:\n" << md;
  EXPECT_NE(md.find("Recovery (victim's death → N workers ready again): F1 "), std::string::npos) << md;
  EXPECT_NE(md.find("Report: `reports/runs/r1/report.html`"), std::string::npos) << md;
}

TEST(RunStepSummary, AFailingRunListsEachPropertyThatDidNotPassWithItsSummary) {
  const History h = correct_cluster({.n = 4, .respawn_after_ms = -1});  // never replaced
  const Scenario s = walkthrough_scenario();
  const auto results = check(h, s);
  ASSERT_EQ(exit_code_for(results), ExitCode::violated);
  const std::string md = render_run_step_summary(h, s, results, kMeta);
  EXPECT_NE(md.find(": FAIL (exit 1)"), std::string::npos) << md;
  for (const auto& r : results) {
    const std::string row = "| `" + std::string(to_string(r.property)) + "` | **";
    EXPECT_EQ(md.find(row) != std::string::npos, r.verdict != Verdict::pass) << to_string(r.property) << "\n" << md;
    if (r.verdict != Verdict::pass) {
      EXPECT_NE(md.find(markdown_cell(r.summary)), std::string::npos) << md;
    }
  }
  EXPECT_NE(md.find("F1 not restored"), std::string::npos) << md;
}

TEST(RunStepSummary, ASetupErrorSaysWhyAndPointsAtReportMd) {
  const SetupFailure f{"walk|through", "w.yaml", "srv `x` {port}", "target did not start: exit 3"};
  const std::string md = render_setup_error_step_summary(f, kMeta);
  EXPECT_NE(md.find("### forkcheck run `walk\\|through`: could not run (exit 2)"), std::string::npos) << md;
  EXPECT_NE(md.find("target did not start: exit 3"), std::string::npos) << md;
  EXPECT_NE(md.find("Target ``srv `x` {port}``"), std::string::npos) << md;
  EXPECT_NE(md.find("Report: `reports/runs/r1/report.md`"), std::string::npos) << md;
}

TEST(MarkdownText, CellsAndCodeSurviveTablesAndBackticks) {
  EXPECT_EQ(markdown_cell("a|b\nc"), "a\\|b c");
  EXPECT_EQ(markdown_code("plain"), "`plain`");
  EXPECT_EQ(markdown_code("a ``b`` c"), "```a ``b`` c```");
  EXPECT_EQ(markdown_code("`x`"), "`` `x` ``");
}

}  // namespace
}  // namespace forkcheck::harness
