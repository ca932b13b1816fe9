#include <gtest/gtest.h>

#include <sstream>

#include "harness/report/report_console.hpp"
#include "tests/harness/support/history_builder.hpp"

namespace forkcheck::harness {
namespace {

using namespace forkcheck::harness::testing;

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The console must end up saying what the report says: a row whose value changed after it was
// printed live is printed again with its final value; unchanged rows are not repeated.
TEST(RunConsole, ReprintsOnlyTheRowsWhoseFinalValueDiffers) {
  ExecutionTable table = build_execution_table(correct_cluster({.respawn_after_ms = -1}), walkthrough_scenario(), true);
  ASSERT_GE(table.rows.size(), 10u);
  ExecutionTable live = table;
  live.rows[6].notes = "pid 100 100%";  // what a live row 7 said before the run was over
  std::ostringstream out;
  RunConsole console(out, /*enabled=*/true, /*terminal=*/false);
  console.print_new_rows(live);
  const std::string before = out.str();
  EXPECT_EQ(count_of(before, "✗"), 0u) << "live rows are provisional, never judged:\n" << before;
  console.print_final_rows(table, /*judged=*/true);
  const std::string after = out.str().substr(before.size());
  EXPECT_NE(after.find("final values"), std::string::npos) << after;
  EXPECT_NE(after.find(table.rows[6].notes), std::string::npos) << after;
  EXPECT_NE(after.find("✗"), std::string::npos) << "row 10 mismatches and is judged:\n" << after;
  EXPECT_EQ(after.find("Fork worker 1"), std::string::npos) << "row 3 did not change:\n" << after;
}

TEST(RunConsole, NotJudgedMeansNoMarkAtAll) {
  const ExecutionTable table = build_execution_table(correct_cluster({.respawn_after_ms = -1}), walkthrough_scenario(), true);
  std::ostringstream out;
  RunConsole console(out, true, false);
  console.print_final_rows(table, /*judged=*/false);
  EXPECT_EQ(count_of(out.str(), "✗"), 0u) << out.str();
}

TEST(RunConsole, PlainProgressEveryFewSecondsTerminalEverySecond) {
  RunStatus s{.elapsed_s = 2.5, .requests_ok = 120, .requests_failed = 3, .requests_excused = 2, .live = 2, .ready = 1,
              .n = 3, .next_fault_s = 9.6};
  // The excused failures are a count of their own beside the failures, never folded into "ok".
  EXPECT_EQ(format_status(s), "2.5 s: requests 120 ok, 3 failed (2 excused); workers 2 live, 1 ready (N=3); next fault at 9.6 s");
  std::ostringstream plain;
  RunConsole ci(plain, true, false);
  for (int i = 0; i <= 10; ++i) ci.status(ms_to_ns(1000) * (i + 1), s);  // 10 s of one call a second
  EXPECT_EQ(count_of(plain.str(), "progress: "), 2u) << plain.str();
  EXPECT_EQ(count_of(plain.str(), "\r"), 0u);
  std::ostringstream tty;
  RunConsole terminal(tty, true, true);
  for (int i = 0; i <= 10; ++i) terminal.status(ms_to_ns(1000) * (i + 1), s);
  EXPECT_EQ(count_of(tty.str(), "\r\033[K"), 10u);
  EXPECT_EQ(count_of(tty.str(), "\n"), 0u) << "one line, rewritten in place";
  std::ostringstream quiet;
  RunConsole off(quiet, false, true);
  off.status(ms_to_ns(5000), s);
  off.print_new_rows(build_execution_table(correct_cluster(), walkthrough_scenario(), true));
  EXPECT_EQ(quiet.str(), "");
}

}  // namespace
}  // namespace forkcheck::harness
