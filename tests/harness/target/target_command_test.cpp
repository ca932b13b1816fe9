// The target template's placeholders: {host} and {targets} besides {port} and {workers}; a
// placeholder with no value is an error naming it, never left in the command.
#include <gtest/gtest.h>

#include "harness/target/target_command.hpp"

namespace forkcheck::harness {
namespace {

TEST(TargetCommand, HostAndTargetsArePlaceholders) {
  TargetValues values{.port = 8123, .workers = 3, .host = "::1", .targets_dir = "/opt/x y/targets"};
  std::string error;
  EXPECT_EQ(expand_target("{targets}/nginx-target.sh {port} {workers} --bind {host}", values, &error),
            "'/opt/x y/targets'/nginx-target.sh 8123 3 --bind ::1")
      << error;
}

TEST(TargetCommand, TargetsWithoutALibraryIsAnError) {
  TargetValues values{.port = 1, .workers = 1};
  std::string error;
  EXPECT_FALSE(expand_target("{targets}/x.sh {port}", values, &error));
  EXPECT_NE(error.find("{targets}"), std::string::npos) << error;
  EXPECT_FALSE(expand_target("x {nope} {port}", values, &error));
  EXPECT_NE(error.find("{host}"), std::string::npos) << error;  // the known list names the new ones
  EXPECT_NE(error.find("{targets}"), std::string::npos) << error;
}

TEST(TargetCommand, RefclustersTemplatePassesTheHost) {
  EXPECT_EQ(refcluster_template("/bin/refcluster"),
            "'/bin/refcluster' --host {host} --port {port} --workers {workers} --events {events}");
}

}  // namespace
}  // namespace forkcheck::harness
