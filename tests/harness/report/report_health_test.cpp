// "Harness health" in every report: report.md's section, report.json's member, report.html's line.
#include <gtest/gtest.h>

#include "harness/check/checker.hpp"
#include "harness/report/html/report_html.hpp"
#include "harness/report/report_json.hpp"
#include "harness/report/report_markdown.hpp"
#include "tests/harness/support/history_builder.hpp"

namespace forkcheck::harness {
namespace {

using namespace forkcheck::harness::testing;

// A measured history whose probe stalled for `stall_ms` at +1100 ms.
History measured(double stall_ms) {
  History h = correct_cluster();
  LatenessRecorder probe, tick;
  for (int i = 0; i < 100; ++i) probe.add(at(100 + i), at(100 + i) + 50'000), tick.add(at(100 + i), at(100 + i) + 20'000);
  probe.add(at(1100), at(1100 + stall_ms));
  h.harness_health.sources = {tick.summary("tick"), probe.summary("probe"), fault_lateness(h.faults),
                              LatenessRecorder().summary("request")};
  return h;
}

TEST(HarnessHealthReport, MarkdownHasTheSectionWithEverySource) {
  const History h = measured(340);
  const Scenario s = walkthrough_scenario();
  const std::string md = render_markdown_report(h, s, check(h, s), {});
  const auto section = md.find("## Harness health");
  ASSERT_NE(section, std::string::npos) << md;
  EXPECT_NE(md.find("Late: the harness's own probe was 340.0 ms late (+1100.0 ms to +1440.0 ms), more than 25 %", section),
            std::string::npos) << md.substr(section);
  for (const char* row : {"| tick |", "| probe |", "| fault |", "| request |"})
    EXPECT_NE(md.find(row, section), std::string::npos) << row;
  EXPECT_NE(md.find("| +1100.0 to +1440.0 |", section), std::string::npos) << md.substr(section);
}

TEST(HarnessHealthReport, OnTimeSaysSo) {
  const History h = measured(100);  // under 25 % of the smallest bound (recovery_deadline_s 1 s)
  const Scenario s = walkthrough_scenario();
  const std::string md = render_markdown_report(h, s, check(h, s), {});
  EXPECT_NE(md.find("On time: the harness's longest stall (probe 100.0 ms) was within 25 %"), std::string::npos) << md;
}

TEST(HarnessHealthReport, JsonCarriesTheFiguresAndTheVerdictOfTheRule) {
  const History h = measured(340);
  const Scenario s = walkthrough_scenario();
  const nlohmann::json j = nlohmann::json::parse(render_json_report(h, s, check(h, s), {}));
  const auto& health = j.at("harness_health");
  EXPECT_EQ(health.at("fraction"), 0.25);
  EXPECT_TRUE(health.at("late").get<bool>());
  EXPECT_EQ(health.at("worst_stall").at("source"), "probe");
  EXPECT_DOUBLE_EQ(health.at("worst_stall").at("window").at("lateness_ms").get<double>(), 340.0);
  ASSERT_EQ(health.at("sources").size(), 4u);
  EXPECT_EQ(health.at("sources")[1].at("name"), "probe");
  EXPECT_DOUBLE_EQ(health.at("sources")[1].at("max_ms").get<double>(), 340.0);
  EXPECT_DOUBLE_EQ(health.at("sources")[1].at("worst").at("due_ms").get<double>(), 1100.0);
  // The raw figures are in the history too, so a re-check applies the same rule.
  EXPECT_TRUE(j.at("history").contains("harness_health"));
}

TEST(HarnessHealthReport, HtmlHasALine) {
  const History h = measured(340);
  const Scenario s = walkthrough_scenario();
  const std::string html = render_html_report(h, s, check(h, s), {});
  EXPECT_NE(html.find("<h2>Harness health</h2>\n<p>Late: the harness"), std::string::npos);
  EXPECT_NE(html.find("probe was 340.0 ms late"), std::string::npos);
}

TEST(HarnessHealthReport, NotMeasuredShowsNothing) {
  const History h = correct_cluster();
  const Scenario s = walkthrough_scenario();
  EXPECT_EQ(render_markdown_report(h, s, check(h, s), {}).find("Harness health"), std::string::npos);
  EXPECT_TRUE(nlohmann::json::parse(render_json_report(h, s, check(h, s), {})).at("harness_health").is_null());
}

}  // namespace
}  // namespace forkcheck::harness
