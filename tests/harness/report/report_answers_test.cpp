// What a report shows of what the target answered: the bodies of bad_body answers (report.md,
// report.html, report.json, the console), a refused pre-flight request in the three files of a run
// that could not be made; and the timeline's labels of close faults, which must neither overlap nor
// be cut at the picture's edge.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "harness/check/checker.hpp"
#include "harness/model/history_json.hpp"
#include "harness/report/html/report_html.hpp"
#include "harness/report/html/timeline_layout.hpp"
#include "harness/report/report_console.hpp"
#include "harness/report/report_json.hpp"
#include "harness/report/report_markdown.hpp"
#include "harness/report/report_setup_error.hpp"
#include "tests/harness/support/history_builder.hpp"

namespace forkcheck::harness {
namespace {

using namespace forkcheck::harness::testing;

const ReportMeta kMeta{"forkcheck run x.yaml --seed 1", "reports/runs/x", "0.1.0"};

History with_bad_bodies() {
  History h = correct_cluster();
  h.bad_bodies = {{7, 200, 3, "OK\n"}, {9, 200, 5000, std::string(kBadBodyKeptBytes, 'x')}};
  return h;
}

Scenario expecting_hello() {
  Scenario s = walkthrough_scenario();
  s.load.expected_body = "Hello from worker";
  return s;
}

TEST(BadBodies, EveryReportShowsWhatCameBackEscaped) {
  const History h = with_bad_bodies();
  const Scenario s = expecting_hello();
  const auto results = check(h, s);
  const std::string first = "request #7: status 200, 3 bytes: \"OK\\n\"";
  const std::string md = render_markdown_report(h, s, results, kMeta);
  EXPECT_NE(md.find("bad_body: answers with another body than the expected \"Hello from worker\""), std::string::npos) << md;
  EXPECT_NE(md.find("- `" + first + "`"), std::string::npos) << md;
  EXPECT_NE(md.find("request #9: status 200, 5000 bytes: \"" + std::string(kBadBodyKeptBytes, 'x') + "\"..."), std::string::npos);
  const std::string html = render_html_report(h, s, results, kMeta);
  EXPECT_NE(html.find("<li><code>request #7: status 200, 3 bytes: &quot;OK\\n&quot;</code></li>"), std::string::npos);
  const std::string console = bad_body_note(h, s.load);
  EXPECT_NE(console.find("\n  " + first + "\n"), std::string::npos) << console;
  EXPECT_EQ(bad_body_note(correct_cluster(), s.load), "");
}

TEST(BadBodies, ReportJsonCarriesThemAndReadsThemBack) {
  const History h = with_bad_bodies();
  const nlohmann::json j = nlohmann::json::parse(render_json_report(h, expecting_hello(), check(h, expecting_hello()), kMeta));
  ASSERT_EQ(j["history"]["bad_bodies"].size(), 2U);
  EXPECT_EQ(j["history"]["bad_bodies"][0]["request_id"], 7);
  EXPECT_EQ(j["history"]["bad_bodies"][0]["body"], "OK\\n");
  EXPECT_EQ(j["history"]["bad_bodies"][1]["body_bytes"], 5000);
  const History back = history_from_json(j["history"]);
  ASSERT_EQ(back.bad_bodies.size(), 2U);
  EXPECT_EQ(back.bad_bodies[0].body, "OK\n");
  // A run without any leaves the key out, as histories recorded before it existed have none.
  const History plain = correct_cluster();
  EXPECT_FALSE(history_to_json(plain, RequestsInJson::counted).contains("bad_bodies"));
}

TEST(SetupError, APreflightRefusalShowsTheAnswerInEveryFile) {
  const SetupFailure f{"walkthrough", "scenarios/walkthrough.yaml", "my-server --port 1",
                       "the pre-flight request GET / got status 404, not an accepted one (200): pass ...",
                       "  response: HTTP/1.1 404 Not Found\n  body (10 bytes): \"not found\\n\"\n"};
  const std::string md = render_setup_error_markdown(f, kMeta);
  EXPECT_NE(md.find("````text\n  response: HTTP/1.1 404 Not Found\n  body (10 bytes): \"not found\\n\"\n````"),
            std::string::npos) << md;
  const nlohmann::json j = nlohmann::json::parse(render_setup_error_json(f, kMeta));
  EXPECT_EQ(j["error"], f.reason);
  EXPECT_EQ(j["error_details"], f.details);
  const std::string junit = render_setup_error_junit(f, kMeta);
  EXPECT_NE(junit.find("message=\"the pre-flight request GET / got status 404"), std::string::npos);
  EXPECT_NE(junit.find("  body (10 bytes): &quot;not found\\n&quot;"), std::string::npos) << junit;
}

TEST(TimelineLabels, CloseLabelsTakeRowsAndStayInsideTheEdge) {
  using namespace timeline;
  const double w = label_width(15);
  const auto placed = place_labels({{100, w}, {110, w}, {120, w}, {400, w}, {1000, w}}, 4, 1050);
  ASSERT_EQ(placed.size(), 5U);
  EXPECT_EQ(placed[0].row, 0U);
  EXPECT_EQ(placed[1].row, 1U);
  EXPECT_EQ(placed[2].row, 2U);
  EXPECT_EQ(placed[3].row, 0U) << "far enough from the first: back on the first row";
  EXPECT_DOUBLE_EQ(placed[4].x, 1050 - w) << "moved left to end at the edge, not cut by it";
  for (std::size_t i = 0; i < placed.size(); ++i)
    for (std::size_t k = i + 1; k < placed.size(); ++k)
      if (placed[i].row == placed[k].row) {
        EXPECT_TRUE(placed[i].x + w <= placed[k].x || placed[k].x + w <= placed[i].x) << i << " overlaps " << k;
      }
}

TEST(TimelineLabels, ThreeCloseKillsNotRestoredKeepWholeSeparateLabels) {
  History h = correct_cluster({.n = 4, .respawn_after_ms = -1});
  for (double ms : {1002.0, 1004.0}) {
    FaultRecord f = h.faults.front();
    f.sent_ns = at(ms);
    f.death_seen_ns = at(ms + 0.1);
    h.faults.push_back(f);
  }
  const std::string html = render_html_report(h, walkthrough_scenario(), check(h, walkthrough_scenario()), kMeta);
  const std::regex label(
      R"re(<g class="recovery" id="recovery-(\d)">.*?<text class="small" x="([0-9.]+)" y="([0-9.]+)">([^<]*)</text>)re");
  std::vector<std::pair<double, double>> spots;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), label); it != std::sregex_iterator(); ++it) {
    const double x = std::stod((*it)[2].str()), y = std::stod((*it)[3].str());
    const std::string text = (*it)[4].str();
    EXPECT_EQ(text, "F" + (*it)[1].str() + " not restored");
    EXPECT_LE(x + timeline::label_width(text.size(), 6.0), timeline::kWidth) << text << " is cut at the edge";
    for (const auto& [ox, oy] : spots) EXPECT_FALSE(ox == x && oy == y) << "two labels on one spot";
    spots.emplace_back(x, y);
  }
  EXPECT_EQ(spots.size(), 3U);
}

}  // namespace
}  // namespace forkcheck::harness
