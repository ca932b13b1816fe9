// report.html and its timeline on hand-built histories: the structure the page promises (a lane per
// worker, a marker per fault, table rows linked to timeline instants), escaping of the target's
// strings, nothing fetched or run, and bounded points for a huge run.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "harness/check/checker.hpp"
#include "harness/report/html/report_html.hpp"
#include "harness/report/html/timeline_model.hpp"
#include "tests/harness/support/history_builder.hpp"

namespace forkcheck::harness {
namespace {

using namespace forkcheck::harness::testing;

const ReportMeta kMeta{"forkcheck run scenarios/walkthrough.yaml --seed 1", "reports/runs/x", "0.1.0"};

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

std::string render(const History& h, const Scenario& s) { return render_html_report(h, s, check(h, s), kMeta); }

std::set<std::string> matches(const std::string& text, const std::string& pattern) {
  std::set<std::string> out;
  const std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
    out.insert((*it)[1].str());
  return out;
}

TEST(ReportHtml, OneLanePerWorkerAndThePrimarysLane) {
  const History h = correct_cluster({.n = 4});
  const std::string html = render(h, walkthrough_scenario());
  EXPECT_EQ(count(html, "class=\"lane worker\""), h.workers.size());  // 4 and the replacement
  EXPECT_EQ(count(html, "class=\"lane primary\""), 1u);
  for (const auto& w : h.workers) EXPECT_NE(html.find("id=\"worker-" + std::to_string(w.pid) + "\""), std::string::npos);
  EXPECT_NE(html.find("SIGKILL (F1)"), std::string::npos) << "the victim's lane names its cause and its fault";
}

TEST(ReportHtml, OneMarkerPerFaultAndARecoveryBand) {
  History h = correct_cluster({.n = 3});
  FaultRecord second = h.faults.front();
  second.sent_ns = at(1500);
  second.death_seen_ns.reset();
  second.note = "victim already gone";
  h.faults.push_back(second);
  const std::string html = render(h, walkthrough_scenario());
  EXPECT_EQ(count(html, "class=\"fault-marker\""), 2u);
  EXPECT_NE(html.find("id=\"fault-2\""), std::string::npos);
  EXPECT_NE(html.find("F2 kill_worker (did not happen)"), std::string::npos);
  EXPECT_NE(html.find("id=\"recovery-1\""), std::string::npos);
  EXPECT_EQ(html.find("id=\"recovery-2\""), std::string::npos) << "a fault that did not happen has no recovery";
  EXPECT_NE(html.find("id=\"zoom-1\""), std::string::npos) << "the zoomed view around the kill";
  EXPECT_EQ(html.find("id=\"zoom-2\""), std::string::npos);
}

TEST(ReportHtml, EveryTableRowLinksToAnInstantOnTheTimeline) {
  const std::string html = render(correct_cluster(), walkthrough_scenario());
  const auto links = matches(html, "href=\"#(t-row-[0-9]+)\"");
  const auto ids = matches(html, "id=\"(t-row-[0-9]+)\"");
  EXPECT_EQ(links.size(), 11u) << "rows 1-8, 9 and 10 for the kill, 11";
  EXPECT_EQ(links, ids);
  EXPECT_EQ(matches(html, "href=\"#(row-[0-9]+)\""), matches(html, "<tr id=\"(row-[0-9]+)\"")) << "and back";
}

TEST(ReportHtml, EscapesEveryStringFromTheTarget) {
  History h = correct_cluster();
  h.target.command = "server --name '<script>alert(1)</script>' --x \"a&b\"";
  h.target.observer_source = "<i>proc</i>";
  h.faults.front().note = "<b>note</b>";
  Scenario s = walkthrough_scenario();
  s.name = "<walk>";
  s.description = "a <description> & more";
  auto results = check(h, s);
  results.front().summary = "<img src=x onerror=alert(1)>";
  results.front().evidence = {"pid <9>"};
  const std::string html = render_html_report(h, s, results, {"run '<x>'", "dir<", "0.1.0"});
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<walk>"), std::string::npos);
  EXPECT_EQ(html.find("<i>proc"), std::string::npos);
  EXPECT_EQ(html.find("<description>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("&quot;a&amp;b&quot;"), std::string::npos);
  EXPECT_NE(html.find("pid &lt;9&gt;"), std::string::npos);
  EXPECT_NE(html.find("run &apos;&lt;x&gt;&apos;"), std::string::npos);
}

TEST(ReportHtml, SelfContainedNothingFetchedNoScript) {
  const std::string html = render(correct_cluster(), walkthrough_scenario());
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  // The only URL is the SVG namespace, which is a name, not a fetch.
  EXPECT_EQ(count(html, "http"), count(html, "xmlns=\"http://www.w3.org/2000/svg\""));
}

TEST(TimelineModel, ClassifiesOutcomesLikeTheChecker) {
  const History h = correct_cluster();
  const TimelineModel m = build_timeline(h, walkthrough_scenario());
  std::uint64_t load = 0;
  for (const auto& r : h.requests) load += r.probe ? 0 : 1;
  EXPECT_EQ(m.seen[0] + m.seen[1] + m.seen[2], load) << "probes are not drawn";
  EXPECT_EQ(m.seen[static_cast<int>(PointOutcome::excused)], 1u) << "the victim's in-flight request";
  EXPECT_EQ(m.seen[static_cast<int>(PointOutcome::failed)], 0u);
}

TEST(TimelineModel, LiveAndReadyCountsStepThroughTheKill) {
  const History h = correct_cluster({.n = 4});
  const TimelineModel m = build_timeline(h, walkthrough_scenario());
  int max_live = 0, min_live_after_start = 99;
  for (const auto& s : m.steps) {
    max_live = std::max(max_live, s.live);
    EXPECT_LE(s.ready, s.live);
    if (s.t_ms > 10 && s.t_ms < 2200) min_live_after_start = std::min(min_live_after_start, s.live);
  }
  EXPECT_EQ(max_live, 4);
  EXPECT_EQ(min_live_after_start, 3) << "the kill";
  EXPECT_EQ(m.steps.back().live, 0) << "every worker exits at the stop";
}

TEST(TimelineModel, PointsAreBoundedForAHugeRun) {
  History h = correct_cluster();
  RequestRecord r = h.requests.front();
  for (std::uint64_t i = 0; i < 200'000; ++i) {
    r.id = 1'000'000 + i;
    r.intended_ns = at(100 + static_cast<double>(i % 2000));
    r.end_ns = r.intended_ns + static_cast<mono_ns>(1000 + i % 977);
    r.error = i % 20 == 0 ? RequestError::refused : RequestError::ok;  // 10,000 failures
    h.requests.push_back(r);
  }
  const TimelineLimits limits{.columns = 500, .max_failures = 300};
  const TimelineModel m = build_timeline(h, walkthrough_scenario(), limits);
  EXPECT_LE(m.points.size(), 2 * 500u + 300u);
  EXPECT_EQ(m.drawn[static_cast<int>(PointOutcome::failed)], 300u - m.drawn[static_cast<int>(PointOutcome::excused)]);
  EXPECT_EQ(m.seen[static_cast<int>(PointOutcome::failed)], 10'000u);
  EXPECT_GE(m.drawn[0], 500u) << "every column with successes keeps its fastest";
  const TimelineModel page = build_timeline(h, walkthrough_scenario());  // the page's own limits
  EXPECT_EQ(page.drawn[1] + page.drawn[2], TimelineLimits{}.max_failures);
  const std::string legend = "failed: 10000 (" + std::to_string(page.drawn[2]) + " drawn)";
  EXPECT_NE(render_html_report(h, walkthrough_scenario(), {}, kMeta).find(legend), std::string::npos)
      << "the legend says how many were drawn";
}

}  // namespace
}  // namespace forkcheck::harness
