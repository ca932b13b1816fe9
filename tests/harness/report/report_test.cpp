#include <gtest/gtest.h>

#include <fstream>

#include "tests/harness/support/fixture_path.hpp"
#include "harness/check/checker.hpp"
#include "harness/model/history_json.hpp"
#include "harness/report/report_json.hpp"
#include "harness/report/report_junit.hpp"
#include "harness/report/report_markdown.hpp"
#include "tests/harness/support/history_builder.hpp"

namespace forkcheck::harness {
namespace {

using namespace forkcheck::harness::testing;

constexpr const char* kHistoryFixture = "tests/fixtures/histories/walkthrough_n2.json";
constexpr const char* kScenarioFixture = "tests/fixtures/scenarios/good/walkthrough_n2.yaml";

const ReportMeta kMeta{"forkcheck run tests/fixtures/scenarios/good/walkthrough_n2.yaml --seed 1 --report reports/runs/golden",
                       "reports/runs/golden", "0.1.0"};

Scenario golden_scenario() {
  auto parsed = parse_scenario(read_text(source_path(kScenarioFixture)), kScenarioFixture);
  if (auto* e = std::get_if<ScenarioError>(&parsed)) throw std::runtime_error(e->to_string());
  return std::get<Scenario>(parsed);
}

History golden_history() { return history_from_json(nlohmann::json::parse(read_text(source_path(kHistoryFixture)))); }

// FORKCHECK_REGEN_GOLDEN=1 rewrites the golden file instead of comparing (then review the diff).
void expect_golden(const std::string& name, const std::string& actual) {
  const std::string path = source_path("tests/fixtures/golden/" + name);
  if (const char* regen = std::getenv("FORKCHECK_REGEN_GOLDEN"); regen && std::string(regen) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  EXPECT_EQ(read_text(path), actual) << name << " differs from its golden file; if the change is intended, rerun "
                                     << "with FORKCHECK_REGEN_GOLDEN=1 and review the diff";
}

// Writes the history fixture from the builder. Run on purpose only:
//   harness_core_tests --gtest_also_run_disabled_tests --gtest_filter='*WriteHistoryFixture'
TEST(GoldenReport, DISABLED_WriteHistoryFixture) {
  const History h = correct_cluster({.n = 2, .request_every_ms = 50});
  std::ofstream(source_path(kHistoryFixture), std::ios::binary) << history_to_json(h).dump(1) << "\n";
}

TEST(GoldenReport, MarkdownJsonAndJunitFromAFixedHistory) {
  const History h = golden_history();
  const Scenario s = golden_scenario();
  const auto results = check(h, s);
  ASSERT_EQ(exit_code_for(results), ExitCode::ok);
  expect_golden("report.md", render_markdown_report(h, s, results, kMeta));
  expect_golden("report.json", render_json_report(h, s, results, kMeta));
  expect_golden("junit.xml", render_junit_report(h, s, results, kMeta));
}

TEST(MarkdownReport, HasEverySectionAndTheReproduceCommand) {
  const History h = correct_cluster();
  const Scenario s = walkthrough_scenario();
  const std::string md = render_markdown_report(h, s, check(h, s), kMeta);
  for (const char* part : {"| Step | Time (ms) | Action | Process Type | Workers Count | Server Listening | Notes |",
                           "## Variable tracker", "## Key moments", "## Properties", "## Load", "p50 / p90 / p99 / max",
                           "## Faults and recovery", "## Reproduce", kMeta.command_line.c_str(), "observer source `netlink`",
                           "| 5 | 1.3 | Fork worker 4 | Primary | 4 | No |"})
    EXPECT_NE(md.find(part), std::string::npos) << part;
  EXPECT_EQ(md.find("✗"), std::string::npos);
}

TEST(MarkdownReport, MarksTheRowsThatDiffer) {
  const History h = correct_cluster({.respawn_after_ms = -1});
  const Scenario s = walkthrough_scenario();
  const std::string md = render_markdown_report(h, s, check(h, s), kMeta);
  EXPECT_NE(md.find("| 10 | — | Master forks new worker | Primary | 3 | No |"), std::string::npos) << md;
  EXPECT_NE(md.find("Verdict: **fail** (exit 1)"), std::string::npos);
  EXPECT_NE(md.find("3 ✗ (expected 4)"), std::string::npos);  // the tracker's After Replacement
}

TEST(JunitReport, OneCasePerPropertyFailuresAndErrors) {
  History h = correct_cluster({.respawn_after_ms = -1});
  h.stop.orphan_check_done = false;  // -> unknown
  const Scenario s = walkthrough_scenario();
  const auto results = check(h, s);
  const std::string xml = render_junit_report(h, s, results, kMeta);
  for (Property p : properties_to_check(s))
    EXPECT_NE(xml.find("<testcase name=\"" + std::string(to_string(p)) + "\""), std::string::npos) << to_string(p);
  EXPECT_NE(xml.find("tests=\"7\" failures=\"2\" errors=\"1\" skipped=\"0\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<failure message=\"1 fault(s) not followed by 4 ready workers within 1000.0 ms\" type=\"fail\">"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<error message=\"the orphan check was not done\" type=\"unknown\">"), std::string::npos);
}

TEST(JunitReport, EscapesXml) {
  EXPECT_EQ(xml_escape("a<b>&\"c'\x01\n"), "a&lt;b&gt;&amp;&quot;c&apos;\n");
}

TEST(JsonReport, CarriesVerdictsTableAndTheRawHistory) {
  const History h = correct_cluster();
  const Scenario s = walkthrough_scenario();
  const auto results = check(h, s);
  const nlohmann::json j = nlohmann::json::parse(render_json_report(h, s, results, kMeta));
  EXPECT_EQ(j["schema_version"], kReportSchemaVersion);
  EXPECT_EQ(j["verdict"], "pass");
  EXPECT_EQ(j["exit_code"], 0);
  EXPECT_EQ(j["command"], kMeta.command_line);
  EXPECT_EQ(j["properties"].size(), results.size());
  EXPECT_EQ(j["properties"][0]["name"], "workers_restored");
  EXPECT_EQ(j["execution_table"]["rows"].size(), 11u);
  EXPECT_EQ(j["execution_table"]["rows"][8]["workers"], 3);
  EXPECT_EQ(j["execution_table"]["variable_tracker"][1]["cells"]["After Worker Crash"]["observed"], "3");
  EXPECT_EQ(j["load"]["failures_by_kind"]["eof"], 1);
  EXPECT_EQ(j["recoveries"][0]["recovery_ns"], at(1001.1) - at(1000.1));
  EXPECT_EQ(j["scenario"]["workers"], "auto");
  // The rest of the history round-trips; its requests are counted, not listed (next test).
  nlohmann::json back = history_to_json(history_from_json(j["history"]), RequestsInJson::counted);
  nlohmann::json original = history_to_json(h, RequestsInJson::counted);
  back.erase("request_count");
  original.erase("request_count");
  EXPECT_EQ(back, original);
}

// A long run records millions of requests: they are in the request log file, report.json only
// counts them, so its size does not grow with the run.
TEST(JsonReport, CountsTheRequestsInsteadOfListingThem) {
  History h = correct_cluster();
  const Scenario s = walkthrough_scenario();
  const std::size_t small = render_json_report(h, s, check(h, s), kMeta).size();
  const RequestRecord last = h.requests.back();
  for (int i = 0; i < 1000; ++i) h.requests.push_back(last);
  const std::string text = render_json_report(h, s, check(h, s), kMeta);
  const nlohmann::json j = nlohmann::json::parse(text);
  EXPECT_FALSE(j["history"].contains("requests"));
  EXPECT_EQ(j["history"]["request_count"], h.requests.size());
  EXPECT_TRUE(j["history"]["request_log"].is_null());  // in memory: no file
  EXPECT_EQ(j["load"]["requests"].get<std::size_t>() + j["probes"]["requests"].get<std::size_t>(), h.requests.size());
  EXPECT_LT(text.size(), small + 200);  // a few digits of counts differ, no request is written
}

}  // namespace
}  // namespace forkcheck::harness
