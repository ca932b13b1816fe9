// A suite shows each cell's failed requests with the excused ones beside them, read from each run's
// report.json: a pass with excused failures shows them too (nothing hidden inside pass).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "harness/suite/suite_console.hpp"
#include "harness/suite/suite_json.hpp"
#include "harness/suite/suite_render.hpp"
#include "harness/suite/suite_render_text.hpp"
#include "harness/suite/suite_runner.hpp"
#include "tests/harness/suite/sample_suite_result.hpp"

namespace forkcheck::harness {
namespace {

using namespace forkcheck::harness::testing;

// The sample suite with walkthrough × refcluster (passed) having had 5 failed requests, 4 excused.
SuiteResult with_excused_failures() {
  SuiteResult r = sample_suite_result();
  for (Cell& c : r.cells)
    if (c.scenario == "walkthrough" && c.target == "refcluster") {
      c.runs.at(0).requests_failed = 5;
      c.runs.at(0).requests_excused = 4;
    }
  return r;
}

const Cell& walkthrough_reference(const SuiteResult& r) { return *find_cell(r, "walkthrough", "refcluster"); }

TEST(SuiteExcused, EveryOutputShowsACellsFailedRequestsWithTheExcusedBeside) {
  const SuiteResult r = with_excused_failures();
  EXPECT_EQ(requests_failed_text(walkthrough_reference(r)), "5 failed requests (4 excused)");
  EXPECT_EQ(requests_failed_text(*find_cell(r, "kill_all", "refcluster")), "") << "no failed request: nothing to say";

  const std::string md = render_suite_summary_md(r);
  EXPECT_NE(md.find("| `walkthrough` | ✅ passed; 5 failed requests (4 excused); 2.5 s |"), std::string::npos) << md;
  const std::string html = render_suite_index_html(r);
  EXPECT_NE(html.find("<div class=\"requests\">5 failed requests (4 excused)</div>"), std::string::npos);
  EXPECT_NE(html.find(", 5 failed requests (4 excused)\""), std::string::npos) << "the run link's tooltip";

  char buffer[512] = {};
  std::FILE* out = fmemopen(buffer, sizeof buffer - 1, "w");
  ASSERT_NE(out, nullptr);
  SuiteConsole(out, /*quiet=*/false).cell_finished(walkthrough_reference(r), 1, 16);
  std::fclose(out);
  EXPECT_EQ(std::string(buffer), "[1/16] walkthrough × refcluster: pass 2.5 s · 5 failed requests (4 excused)\n");
}

TEST(SuiteExcused, ReadFromEachRunsReportJsonAndKeptInSuiteJson) {
  const std::filesystem::path root = std::filesystem::temp_directory_path() / ("forkcheck-suite-excused-" + std::to_string(::getpid()));
  const CellJob job{0, 0, 1, "s.yaml", "", "cells/s/t/run-1"};
  std::filesystem::create_directories(root / job.report_dir);
  std::ofstream(root / job.report_dir / "report.json")
      << R"({"properties": [{"name": "no_dropped_requests", "verdict": "pass"}], "load": {"failed": 7, "excused": 6}})";
  const CellRun run = read_cell_run(root.string(), job, 0, 1.0);
  std::filesystem::remove_all(root);
  EXPECT_EQ(run.requests_failed, 7u);
  EXPECT_EQ(run.requests_excused, 6u);

  const SuiteResult r = with_excused_failures();
  std::string error;
  const auto back = parse_suite_json(render_suite_json(r), &error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(walkthrough_reference(*back).runs.at(0).requests_excused, 4u);
  EXPECT_EQ(walkthrough_reference(*back).runs.at(0).requests_failed, 5u);
}

}  // namespace
}  // namespace forkcheck::harness
