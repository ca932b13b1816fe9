#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "harness/report/report_dir.hpp"

namespace forkcheck::harness {
namespace {
namespace fs = std::filesystem;

// A fresh directory under the test's temporary folder, removed at the end.
struct ScratchDir {
  fs::path path = fs::path(::testing::TempDir()) / ("forkcheck_report_dir_" + std::to_string(::getpid()) + "_" +
                                                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
  ScratchDir() { fs::remove_all(path); }
  ~ScratchDir() { fs::remove_all(path); }
};

TEST(ReportDir, RefusesANonEmptyDirectoryForkcheckDidNotMake) {
  ScratchDir scratch;
  fs::create_directories(scratch.path);
  std::ofstream(scratch.path / "thesis.tex") << "mine";
  std::string error;
  EXPECT_FALSE(prepare_report_dir(scratch.path.string(), "walkthrough", &error));
  EXPECT_NE(error.find("not empty and was not made by forkcheck"), std::string::npos) << error;
  EXPECT_TRUE(fs::exists(scratch.path / "thesis.tex")) << "nothing of the user's is touched";
}

TEST(ReportDir, EmptiesItsOwnDirectoryBeforeReuse) {
  ScratchDir scratch;
  std::string error;
  ASSERT_TRUE(prepare_report_dir(scratch.path.string(), "walkthrough", &error)) << error;
  EXPECT_TRUE(fs::exists(scratch.path / kReportMarker));
  std::ofstream(scratch.path / "events.jsonl") << "{}\n";  // an earlier run's file (another target's)
  fs::create_directories(scratch.path / "cases" / "1");
  ASSERT_TRUE(prepare_report_dir(scratch.path.string(), "walkthrough", &error)) << error;
  EXPECT_FALSE(fs::exists(scratch.path / "events.jsonl"));
  EXPECT_FALSE(fs::exists(scratch.path / "cases"));
  EXPECT_TRUE(fs::exists(scratch.path / kReportMarker));
}

TEST(ReportDir, AcceptsAnEmptyOrNewDirectory) {
  ScratchDir scratch;
  fs::create_directories(scratch.path / "empty");
  std::string error;
  EXPECT_TRUE(prepare_report_dir((scratch.path / "empty").string(), "x", &error)) << error;
  EXPECT_TRUE(prepare_report_dir((scratch.path / "new" / "deeper").string(), "x", &error)) << error;
}

}  // namespace
}  // namespace forkcheck::harness
