// forkcheck list's pure pieces: a description's first sentence, a launcher's summary line, and every
// property having its one line.
#include <gtest/gtest.h>

#include "harness/library/library_listing.hpp"
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

TEST(PropertySummary, EveryPropertyHasOneLine) {
  for (Property p : all_properties()) {
    const std::string_view line = property_summary(p);
    EXPECT_FALSE(line.empty()) << to_string(p);
    EXPECT_EQ(line.find('\n'), std::string_view::npos) << to_string(p);
  }
}

}  // namespace
}  // namespace forkcheck::harness
