// The suite's outputs from a hand-made result holding every cell status: index.html's matrix,
// labels, links and escaping; junit.xml's structure (parsed strictly); summary.md's table and lists.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <set>

#include "harness/report/html/html_text.hpp"
#include "harness/suite/suite_render.hpp"
#include "harness/suite/suite_render_text.hpp"
#include "tests/harness/suite/sample_suite_result.hpp"
#include "tests/harness/support/mini_xml.hpp"

namespace forkcheck::harness {
namespace {

using namespace forkcheck::harness::testing;
using forkcheck::testing::parse_xml;
using forkcheck::testing::XmlElement;

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

std::vector<std::string> matches(const std::string& text, const std::string& pattern) {
  const std::regex re(pattern);
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1]);
  return out;
}

TEST(SuiteIndexHtml, OneRowPerScenarioOneColumnPerTargetTheReferenceFirst) {
  const SuiteResult r = sample_suite_result();
  const std::string html = render_suite_index_html(r);
  EXPECT_EQ(count(html, "<tr class=\"scenario\""), r.scenarios.size());
  EXPECT_EQ(count(html, "<th class=\"target"), r.targets.size());
  EXPECT_EQ(count(html, "<td class=\"cell "), r.scenarios.size() * r.targets.size());
  EXPECT_EQ(matches(html, "<th class=\"target([^\"]*)\"").front(), " reference");
  EXPECT_NE(html.find("reference: the oracle"), std::string::npos);
  EXPECT_NE(html.find("A hung worker &lt;b&gt;not&lt;/b&gt; killed"), std::string::npos) << "the description";
}

TEST(SuiteIndexHtml, ARowShowsTheFirstSentenceOfALongDescriptionTheTooltipAllOfIt) {
  SuiteResult r = sample_suite_result();
  r.scenarios[0].description = "First sentence here. Then a long second one that the row leaves to the tooltip.";
  r.scenarios[1].description = std::string(200, 'x') + "é";
  r.scenarios[3].description = std::string(159, 'y') + "é tail";  // é's two bytes straddle the cut
  const std::string html = render_suite_index_html(r);
  EXPECT_NE(html.find("title=\"" + r.scenarios[0].description + "\">First sentence here.</div>"), std::string::npos);
  EXPECT_NE(html.find(">" + std::string(160, 'x') + "…</div>"), std::string::npos);
  EXPECT_NE(html.find(">" + std::string(159, 'y') + "…</div>"), std::string::npos) << "cut inside é";
}

TEST(SuiteIndexHtml, EveryCellHasItsStatusLabelInMatrixOrder) {
  const SuiteResult r = sample_suite_result();
  const std::string html = render_suite_index_html(r);
  std::vector<std::string> expected;
  for (const SuiteScenario& s : r.scenarios)
    for (const SuiteTarget& t : r.targets) expected.emplace_back(status_text(find_cell(r, s.name, t.name)->status).label);
  EXPECT_EQ(matches(html, "<td class=\"cell [^\"]*\" data-status=\"([^\"]*)\""), expected);
  // Every status appears, as text inside its cell (not colour alone), and in the legend.
  std::set<std::string> labels;
  for (const auto& t : all_status_texts()) {
    labels.insert(std::string(t.label));
    EXPECT_GE(count(html, ">" + std::string(t.label) + "</span>"), 2u) << t.label;
    EXPECT_NE(html.find("td." + std::string(t.css_class) + ","), std::string::npos) << "no colour for " << t.label;
  }
  EXPECT_EQ(labels.size(), 11u);
  EXPECT_EQ(std::set<std::string>(expected.begin(), expected.end()), labels) << "the sample misses a status";
}

TEST(SuiteIndexHtml, CellsShowFailingPropertiesRepeatsAndNotes) {
  const std::string html = render_suite_index_html(sample_suite_result());
  EXPECT_NE(html.find("<code>service_available</code>, <code>no_dropped_requests</code>"), std::string::npos);
  EXPECT_NE(html.find("<div class=\"repeats\">3/3 fail</div>"), std::string::npos);
  EXPECT_EQ(count(html, "<div class=\"repeats\">2/3 fail</div>"), 2u) << "flaky and flaky (expected)";
  // The expected failure's reason: the cell's tooltip and the notes list, escaped.
  EXPECT_NE(html.find("title=\"expected failure: never respawns &amp; &quot;says so&quot;\""), std::string::npos);
  EXPECT_NE(html.find("never respawns &amp; &quot;says so&quot;</li>"), std::string::npos);
  // 13 cells are not "passed": each has a note and a numbered reference to it, but for the 3 cells
  // of the skipped target, whose reason is said once under the skipped targets.
  EXPECT_EQ(count(html, "<li id=\"note-"), 10u);
  EXPECT_NE(html.find("href=\"#note-10\""), std::string::npos);
  EXPECT_EQ(count(html, "gunicorn not on PATH"), 4u) << "3 cell tooltips and the skipped targets list";
  EXPECT_NE(html.find("<li><b>gunicorn</b>: gunicorn not on PATH</li>"), std::string::npos) << "skipped targets";
  EXPECT_NE(html.find("Exit status <b id=\"exit-status\">1</b>: a cell failed unexpectedly"), std::string::npos);
}

TEST(SuiteIndexHtml, EveryCellThatRanShowsItsTimeAndTheHeaderTheirSum) {
  const SuiteResult r = sample_suite_result();
  const std::string html = render_suite_index_html(r);
  std::size_t ran = 0;
  for (const Cell& c : r.cells) ran += c.runs.empty() ? 0 : 1;
  EXPECT_EQ(count(html, "<div class=\"time\">"), ran);
  EXPECT_EQ(count(html, "<div class=\"time\">7.5 s</div>"), 3u) << "the 3-run cells: conformance failure, flaky, flaky (expected)";
  EXPECT_EQ(count(html, "<div class=\"time\">2.5 s</div>"), ran - 3);
  EXPECT_NE(html.find("wall time 61.5 s; the cells' runs took 45.0 s"), std::string::npos);
}

TEST(SuiteIndexHtml, APartialResultSaysSoFirstWithTheMissingShardsAndCells) {
  SuiteResult r = sample_suite_result();
  std::string html = render_suite_index_html(r);
  EXPECT_NE(html.find("<title>forkcheck suite: sample &lt;suite&gt; — exit 1 (partial)</title>"), std::string::npos);
  const auto partial = html.find("<li class=\"partial\" id=\"partial\"><b>Partial result</b>: shard 2/2 missing, not given "
                                 "to merge (1 cell)");
  ASSERT_NE(partial, std::string::npos) << html;
  EXPECT_LT(partial, html.find("Exit status")) << "before anything else";
  EXPECT_NE(html.find("<li>shard 2/2: crash_loop × gunicorn</li>"), std::string::npos);
  EXPECT_NE(html.find("Merged from shards 1/2 of 2"), std::string::npos);
  EXPECT_NE(html.find("data-status=\"missing\""), std::string::npos);
  r.missing_shards.clear();
  html = render_suite_index_html(r);
  EXPECT_EQ(html.find("Partial"), std::string::npos);
  EXPECT_EQ(html.find("(partial)"), std::string::npos);
}

TEST(SuiteIndexHtml, ARerunIsLinkedAsARerunOfItsSeed) {
  SuiteResult r = sample_suite_result();
  r.rerun_failed = 2;
  Cell& c = r.cells[5];  // kill_all × node: conformance failure, seeds 1-3
  ASSERT_EQ(c.runs.size(), 3u);
  CellRun rerun = c.runs[1];
  rerun.rerun = 1;
  rerun.exit_code = 0;
  rerun.failed.clear();
  rerun.recovery_median_ms = 1.25;
  rerun.report_dir = "cells/kill_all/node/run-2-rerun-1";
  c.runs.insert(c.runs.begin() + 2, rerun);
  c.status = CellStatus::flaky;
  EXPECT_EQ(run_link_text(c, 1), "run 2");
  EXPECT_EQ(run_link_text(c, 2), "run 2 rerun 1");
  EXPECT_EQ(run_link_text(c, 3), "run 3");
  EXPECT_EQ(repeats_text(c), "3/4 fail (1 rerun)");
  const std::string html = render_suite_index_html(r);
  EXPECT_NE(html.find("href=\"cells/kill_all/node/run-2-rerun-1/report.html\" title=\"seed 2, rerun 1: pass, 2.5 s, recovery median 1.2 ms"),
            std::string::npos) << html;
  EXPECT_NE(html.find(">run 2 rerun 1</a>"), std::string::npos);
  EXPECT_NE(html.find("rerun up to 2 times (a cell that then passes is flaky)"), std::string::npos);
  EXPECT_NE(render_suite_junit(r).find("seed 2 (rerun 1): pass"), std::string::npos);
}

TEST(SuiteIndexHtml, RunLinksAreRelativePercentEncodedAndEscaped) {
  const SuiteResult r = sample_suite_result();
  const std::string html = render_suite_index_html(r);
  const std::vector<std::string> hrefs = matches(html, "href=\"([^#\"][^\"]*)\"");
  std::size_t runs = 0;
  for (const Cell& c : r.cells) runs += c.runs.size();
  EXPECT_EQ(runs, 18u);
  ASSERT_EQ(hrefs.size(), runs) << "one link per run";
  for (const auto& h : hrefs) {
    EXPECT_EQ(h.find("://"), std::string::npos) << h;
    EXPECT_NE(h.front(), '/') << h;
    EXPECT_TRUE(h.ends_with("/report.html") || h.ends_with("/report.md")) << h;
  }
  EXPECT_NE(html.find("href=\"cells/hang%20%26%20%3Cwait%3E/peer%20%3C%26%22%27%3E/run-0/report.html\""),
            std::string::npos);
  EXPECT_NE(html.find("href=\"cells/crash_loop/node/run-0/report.md\""), std::string::npos) << "exit 2 has no report.html";
}

TEST(SuiteIndexHtml, NothingFromTheSuiteReachesThePageUnescapedAndNothingIsFetched) {
  const std::string html = render_suite_index_html(sample_suite_result());
  for (const char* raw : {"<wait>", "peer <&", "<b>not</b>", "<suite>", "<cmd>"})
    EXPECT_EQ(html.find(raw), std::string::npos) << raw;
  EXPECT_NE(html.find("<title>forkcheck suite: sample &lt;suite&gt; — exit 1 (partial)</title>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("http"), std::string::npos);
  EXPECT_EQ(escape_href_path("a b/#?%é"), "a%20b/%23%3F%25%C3%A9");
}

// --- junit.xml -----------------------------------------------------------------------------------

TEST(SuiteJunit, ParsesAsXmlATestsuitePerTargetATestcasePerScenario) {
  const SuiteResult r = sample_suite_result();
  const XmlElement root = parse_xml(render_suite_junit(r));
  EXPECT_EQ(root.name, "testsuites");
  EXPECT_EQ(root.attr("name"), "forkcheck.suite.sample <suite>");
  const auto suites = root.all("testsuite");
  ASSERT_EQ(suites.size(), r.targets.size());
  EXPECT_EQ(suites[2]->attr("name"), std::string("forkcheck.suite.sample <suite>.") + kOddTarget);
  for (const XmlElement* s : suites) {
    const auto cases = s->all("testcase");
    ASSERT_EQ(cases.size(), r.scenarios.size()) << s->attr("name");
    EXPECT_EQ(s->attr("tests"), std::to_string(cases.size()));
    EXPECT_EQ(cases[2]->attr("name"), kOddScenario);
    EXPECT_EQ(cases[2]->attr("classname"), s->attr("name"));
  }
  EXPECT_EQ(root.attr("tests"), "16");
  EXPECT_EQ(root.attr("failures"), "3");  // conformance failure, unexpected pass, flaky
  EXPECT_EQ(root.attr("errors"), "5");    // reference failed ×2, could not run, undecided, missing
  EXPECT_EQ(root.attr("skipped"), "5");   // expected failure, flaky (expected), skipped ×3
}

TEST(SuiteJunit, EachStatusBecomesTheElementCIUnderstands) {
  const SuiteResult r = sample_suite_result();
  const XmlElement root = parse_xml(render_suite_junit(r));
  const auto suites = root.all("testsuite");
  for (std::size_t t = 0; t < r.targets.size(); ++t)
    for (std::size_t s = 0; s < r.scenarios.size(); ++s) {
      const XmlElement& tc = *suites[t]->all("testcase")[s];
      const CellStatus status = find_cell(r, r.scenarios[s].name, r.targets[t].name)->status;
      const char* want = nullptr;
      switch (status_text(status).junit) {
        case JunitOutcome::pass: want = "system-out"; break;
        case JunitOutcome::failure: want = "failure"; break;
        case JunitOutcome::error: want = "error"; break;
        case JunitOutcome::skipped: want = "skipped"; break;
      }
      ASSERT_EQ(tc.children.size(), 1u) << tc.attr("name");
      EXPECT_EQ(tc.children[0].name, want) << r.targets[t].name << " × " << r.scenarios[s].name;
    }
  const XmlElement& expected = *suites[2]->all("testcase")[0]->all("skipped")[0];
  EXPECT_EQ(expected.attr("message"), "expected failure: workers_restored — never respawns & \"says so\"");
  const XmlElement& conformance = *suites[1]->all("testcase")[1]->all("failure")[0];
  EXPECT_EQ(conformance.attr("type"), "conformance failure");
  EXPECT_NE(conformance.text.find("seed 3: fail (service_available, no_dropped_requests), cells/kill_all/node/run-2/report.html"),
            std::string::npos) << conformance.text;
  EXPECT_EQ(suites[3]->all("properties")[0]->all("property")[3]->attr("value"), "gunicorn not on PATH");
  const XmlElement& missing = *suites[3]->all("testcase")[3]->all("error")[0];
  EXPECT_EQ(missing.attr("type"), "missing");
}

TEST(SuiteJunit, APartialResultIsAPropertyOfEveryTestsuite) {
  SuiteResult r = sample_suite_result();
  XmlElement root = parse_xml(render_suite_junit(r));
  for (const XmlElement* s : root.all("testsuite")) {
    const auto props = s->all("properties")[0]->all("property");
    const auto partial = std::find_if(props.begin(), props.end(), [](const XmlElement* p) { return p->attr("name") == "partial"; });
    ASSERT_NE(partial, props.end()) << s->attr("name");
    EXPECT_EQ((*partial)->attr("value"), "shard 2/2 missing, not given to merge (1 cell)");
  }
  r.missing_shards.clear();
  EXPECT_EQ(render_suite_junit(r).find("\"partial\""), std::string::npos);
}

TEST(SuiteJunit, TheStrictReaderRejectsWhatIsNotXml) {
  EXPECT_THROW(parse_xml("<a><b></a></b>"), std::runtime_error);
  EXPECT_THROW(parse_xml("<a x=\"1 < 2\"/>"), std::runtime_error);
  EXPECT_THROW(parse_xml("<a>fish & chips</a>"), std::runtime_error);
  EXPECT_EQ(parse_xml("<a x=\"&lt;&amp;\">t&gt;</a>").attr("x"), "<&");
}

// --- summary.md ----------------------------------------------------------------------------------

TEST(SuiteSummaryMd, AMatrixRowPerScenarioAColumnPerTarget) {
  const SuiteResult r = sample_suite_result();
  const std::string md = render_suite_summary_md(r);
  EXPECT_NE(md.find("## forkcheck suite `sample <suite>` (partial): exit 1 — a cell failed unexpectedly"), std::string::npos) << md;
  EXPECT_NE(md.find("| Scenario | refcluster (reference) | node | peer <&\"'> | gunicorn |\n|---|---|---|---|---|\n"),
            std::string::npos) << md;
  std::size_t rows = 0;
  for (std::size_t at = md.find("\n| `"); at != std::string::npos; at = md.find("\n| `", at + 1)) {
    const std::string row = md.substr(at + 1, md.find('\n', at + 1) - at - 1);
    EXPECT_EQ(count(row, " |"), r.targets.size() + 1) << row;
    ++rows;
  }
  EXPECT_EQ(rows, r.scenarios.size());
  EXPECT_NE(md.find("| `kill_all` | ✅ passed; 2.5 s | ❌ **conformance failure**: service_available, no_dropped_requests; "
                    "3/3 fail; 7.5 s |"),
            std::string::npos) << md;
}

TEST(SuiteSummaryMd, ListsTheUnexpectedCellsWithFailuresAndRecoveryThenTheExpectedOnes) {
  const std::string md = render_suite_summary_md(sample_suite_result());
  const auto unexpected = md.find("### Unexpected cells"), expected = md.find("### Expected failures");
  ASSERT_NE(unexpected, std::string::npos) << md;
  ASSERT_NE(expected, std::string::npos) << md;
  const std::string listed = md.substr(unexpected, expected - unexpected);
  EXPECT_EQ(count(listed, "\n- "), 8u) << listed;
  EXPECT_NE(listed.find("- `kill_all` × `node`: **conformance failure** — failing service_available, no_dropped_requests; "
                        "3/3 fail; recovery median per run (ms): 850.0, 850.0, 850.0"),
            std::string::npos) << listed;
  EXPECT_NE(listed.find("- `crash_loop` × `node`: **could not run**"), std::string::npos) << listed;
  EXPECT_NE(md.find("- `walkthrough` × `peer <&\"'>`: **expected failure** — failing workers_restored; recovery median "
                    "850.0 ms. never respawns & \"says so\""),
            std::string::npos) << md;
  EXPECT_NE(md.find("Skipped targets: `gunicorn` (gunicorn not on PATH)"), std::string::npos) << md;
}

TEST(SuiteSummaryMd, APartialResultSaysSoUnderTheHeadingWithTheMissingCells) {
  SuiteResult r = sample_suite_result();
  std::string md = render_suite_summary_md(r);
  EXPECT_NE(md.find("exit 1 — a cell failed unexpectedly, passed unexpectedly (a stale expectation) or was flaky\n\n"
                    "**Partial result**: shard 2/2 missing, not given to merge (1 cell). Their cells are marked missing; "
                    "this result cannot pass.\n\n- shard 2/2: `crash_loop` × `gunicorn`\n"),
            std::string::npos) << md;
  EXPECT_NE(md.find("merged from shards 1/2 of 2"), std::string::npos);
  EXPECT_NE(md.find("- `crash_loop` × `gunicorn`: **missing**. shard 2/2: not given to merge"), std::string::npos) << md;
  r.missing_shards.clear();
  md = render_suite_summary_md(r);
  EXPECT_EQ(md.find("artial"), std::string::npos);
}

TEST(SuiteSummaryMd, WhereTheTimeGoesPerTargetAndTheSlowestCells) {
  const std::string md = render_suite_summary_md(sample_suite_result());
  const auto at = md.find("### Where the time goes\n\nThe cells' runs took 45.0 s (`refcluster` 10.0 s, `node` 15.0 s, "
                          "`peer <&\"'>` 20.0 s). Slowest cells:\n\n");
  ASSERT_NE(at, std::string::npos) << md;
  EXPECT_NE(md.find("- `kill_all` × `node`: 7.5 s (3 runs)\n- `kill_all` × `peer <&\"'>`: 7.5 s (3 runs)\n"
                    "- `hang & <wait>` × `peer <&\"'>`: 7.5 s (3 runs)\n- `walkthrough` × `refcluster`: 2.5 s (1 run)\n",
                    at),
            std::string::npos) << md.substr(at);
}

}  // namespace
}  // namespace forkcheck::harness
