// forkcheck list's pure pieces: a description's first sentence, a launcher's summary line, and every
// property having its one line.
#include <gtest/gtest.h>

#include "harness/library/library_listing.hpp"
#include "harness/library/scenario_library.hpp"
#include "harness/model/property.hpp"

namespace forkcheck::harness {
namespace {

TEST(FirstSentence, StopsAtTheFirstFullStopOfTheFirstLine) {
  EXPECT_EQ(first_sentence("  One thing at 1.5 s. Then another.\nSecond line."), "One thing at 1.5 s.");
  EXPECT_EQ(first_sentence("No full stop here\nnext"), "No full stop here");
  EXPECT_EQ(first_sentence(""), "");
}

TEST(TargetSummary, IsTheFirstCommentLineWhenItNamesALauncher) {
  EXPECT_EQ(target_summary("#!/bin/sh\n# nginx as a forkcheck target: nginx-target.sh PORT WORKERS\nexec nginx\n"),
            "nginx as a forkcheck target: nginx-target.sh PORT WORKERS");
  EXPECT_EQ(target_summary("// node as a forkcheck target: node x.mjs PORT\nimport x;\n"),
            "node as a forkcheck target: node x.mjs PORT");
  EXPECT_EQ(target_summary("# a template used by nginx as a forkcheck target; filled in\n"), "");
  EXPECT_EQ(target_summary("# scenarios/targets: other implementations as forkcheck targets\n"), "");
  EXPECT_EQ(target_summary("import x\n# x as a forkcheck target: later\n"), "");
}

TEST(WorkersSummary, SaysTheNAScenarioMeansWhatItSaysFor) {
  EXPECT_EQ(workers_summary(3, std::nullopt, std::nullopt), "N=3");
  EXPECT_EQ(workers_summary(std::nullopt, std::nullopt, std::nullopt), "N=auto");
  EXPECT_EQ(workers_summary(3, 3, std::nullopt), "N=3 (>= 3)");
  EXPECT_EQ(workers_summary(4, 2, 8), "N=4 (2..8)");
  EXPECT_EQ(workers_summary(1, std::nullopt, 2), "N=1 (<= 2)");
  EXPECT_EQ(workers_summary(1, 1, 1), "N fixed at 1");
}

TEST(NearestName, ATypoFindsTheNameAndANewWordFindsNothing) {
  const std::vector<std::string> names{"burst", "kill_all", "walkthrough", "random_kills_keepalive",
                                       "random_kills_new_connections"};
  EXPECT_EQ(nearest_name("walkthruogh", names), "walkthrough");  // a swap of neighbours is one edit
  EXPECT_EQ(nearest_name("kill-all", names), "kill_all");
  EXPECT_EQ(nearest_name("random_kill_keepalive", names), "random_kills_keepalive");
  EXPECT_EQ(nearest_name("brust", names), "burst");
  EXPECT_FALSE(nearest_name("soak", names));
  EXPECT_FALSE(nearest_name("x", names));
  EXPECT_EQ(edit_distance("abc", "abc"), 0U);
  EXPECT_EQ(edit_distance("ab", "ba"), 1U);
  EXPECT_EQ(edit_distance("", "abc"), 3U);
}

TEST(PropertySummary, EveryPropertyHasOneLine) {
  for (Property p : all_properties()) {
    const std::string_view line = property_summary(p);
    EXPECT_FALSE(line.empty()) << to_string(p);
    EXPECT_EQ(line.find('\n'), std::string_view::npos) << to_string(p);
  }
}

}  // namespace
}  // namespace forkcheck::harness
