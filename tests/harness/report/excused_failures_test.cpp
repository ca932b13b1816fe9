// Excused failures are counted and listed wherever a verdict is shown, never folded into "ok"; and
// requests the harness's interrupt cut are shown apart, as no failure.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness/check/checker.hpp"
#include "harness/report/excused_failures.hpp"
#include "harness/report/html/report_html.hpp"
#include "harness/report/report_json.hpp"
#include "harness/report/report_markdown.hpp"
#include "harness/report/report_step_summary.hpp"
#include "tests/harness/support/history_builder.hpp"

namespace forkcheck::harness {
namespace {

using namespace forkcheck::harness::testing;

RequestRecord failed_request(std::uint64_t id, std::uint16_t port, double end_ms, RequestError e) {
  RequestRecord r;
  r.id = id;
  r.connection_id = port % 100;
  r.local_port = port;
  r.connection_opened_ns = at(100);
  r.intended_ns = r.start_ns = at(end_ms - 1);
  r.end_ns = at(end_ms);
  r.error = e;
  return r;
}

// correct_cluster's kill (fault 1, one excused eof) plus four more failures on its victim's
// connection, a second kill (fault 2) cutting two requests on the connection it held, one failure no
// fault excuses, and two requests the interrupt cut.
History two_kills_with_excused_failures() {
  History h = correct_cluster();
  const std::uint16_t victim1 = h.faults[0].victim_client_ports[0];
  for (std::uint64_t i = 0; i < 4; ++i) h.requests.push_back(failed_request(9000 + i, victim1, 1000.5, RequestError::reset));
  FaultRecord kill2 = h.faults[0];
  kill2.sent_ns = at(1500);
  kill2.scheduled_ns = at(1499.9);
  kill2.death_seen_ns = at(1500.1);
  kill2.victims = {worker_pid(0)};
  kill2.victim_client_ports = {40003};
  h.faults.push_back(kill2);
  h.requests.push_back(failed_request(9100, 40003, 1500.2, RequestError::eof));
  h.requests.push_back(failed_request(9101, 40003, 1500.3, RequestError::timeout));
  h.requests.push_back(failed_request(9200, 40005, 1200, RequestError::bad_status));
  h.requests.push_back(failed_request(9300, 40006, 2050, RequestError::cancelled));
  h.requests.push_back(failed_request(9301, 40007, 2050, RequestError::cancelled));
  return h;
}

Scenario scenario() {
  Scenario s = walkthrough_scenario();
  s.walkthrough = false;
  return s;
}

bool has(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

TEST(ExcusedFailures, CountedPerFaultWithTheFirstFewProbesAndCancelledApart) {
  const History h = two_kills_with_excused_failures();
  const ExcusedFailures e = count_excused_failures(h, Scenario{});
  EXPECT_EQ(e.failed, 8u);   // 1 + 4 on fault 1's connection, 2 on fault 2's, 1 bad_status; no probe, no cancelled
  EXPECT_EQ(e.excused, 7u);
  ASSERT_EQ(e.by_fault.size(), 2u);
  EXPECT_EQ(e.by_fault[0].fault_index, 0u);
  EXPECT_EQ(e.by_fault[0].count, 5u);
  EXPECT_EQ(e.by_fault[0].first.size(), kExcusedQuotedPerFault);
  EXPECT_EQ(e.by_fault[1].fault_index, 1u);
  EXPECT_EQ(e.by_fault[1].count, 2u);
  EXPECT_EQ(e.by_fault[1].first[0].id, 9100u);
  EXPECT_EQ(excused_per_fault_text(e), "F1 5 · F2 2");
  EXPECT_EQ(failed_and_excused_text(e.failed, e.excused), "8 failed (7 excused)");
}

TEST(ExcusedFailures, EveryReportShowsThemBesideTheFailuresAndListsThemPerFault) {
  const History h = two_kills_with_excused_failures();
  const Scenario s = scenario();
  const auto results = check(h, s);
  const ReportMeta meta{"forkcheck run x.yaml", "dir", "0.1.0"};

  const std::string md = render_markdown_report(h, s, results, meta);
  EXPECT_TRUE(has(md, " ok, 8 failed (7 excused), 2 cancelled by the interrupt |")) << md;
  EXPECT_FALSE(has(md.substr(md.find("| failures by kind")), "cancelled")) << "cancelled is no failure kind";
  EXPECT_TRUE(has(md, "## Excused failures")) << md;
  EXPECT_TRUE(has(md, "| 1 | kill_worker | 5 | #")) << md;
  EXPECT_TRUE(has(md, "| 2 | kill_worker | 2 | #9100 eof (port 40003, ended +1500.2 ms) · #9101 timeout")) << md;

  const std::string html = render_html_report(h, s, results, meta);
  EXPECT_TRUE(has(html, "<h2>Excused failures</h2>")) << html;
  EXPECT_TRUE(has(html, "8 failed (7 excused)"));

  const std::string step = render_run_step_summary(h, s, results, meta);
  EXPECT_TRUE(has(step, "8 failed (7 excused)")) << step;
  EXPECT_TRUE(has(step, "excused by fault: F1 5 · F2 2")) << step;

  const nlohmann::json j = report_to_json(h, s, results, meta);
  EXPECT_EQ(j["load"]["failed"], 8);
  EXPECT_EQ(j["load"]["excused"], 7);
  EXPECT_EQ(j["load"]["cancelled"], 2);
  EXPECT_FALSE(j["load"]["failures_by_kind"].contains("cancelled"));
  ASSERT_EQ(j["excused_failures"].size(), 2u);
  EXPECT_EQ(j["excused_failures"][0]["count"], 5);
  EXPECT_EQ(j["excused_failures"][0]["first_requests"].size(), kExcusedQuotedPerFault);
  EXPECT_EQ(j["excused_failures"][1]["kind"], "kill_worker");
}

TEST(ExcusedFailures, NoneExcusedShowsAZeroAndNoSection) {
  const History h = correct_cluster({.kill = false});
  const std::string md = render_markdown_report(h, scenario(), check(h, scenario()), {});
  EXPECT_TRUE(has(md, " ok, 0 failed (0 excused) |")) << md;
  EXPECT_FALSE(has(md, "## Excused failures"));
}

}  // namespace
}  // namespace forkcheck::harness
