// common/free_port: ports for servers others bind are picked outside the ephemeral range, where no
// outgoing connection can take them between the pick and the bind.
#include "common/free_port.hpp"

#include <gtest/gtest.h>

#include <set>

namespace forkcheck {
namespace {

TEST(PortOutside, CoversBothSidesOfTheRangeAndNothingInside) {
  const PortRange ephemeral{32768, 60999};
  std::set<int> seen;
  const int count = (32768 - 1024) + (65535 - 60999);
  for (int k = 0; k < count; ++k) {
    const int port = port_outside(ephemeral, static_cast<std::uint64_t>(k));
    ASSERT_GE(port, 1024);
    ASSERT_LE(port, 65535);
    ASSERT_TRUE(port < ephemeral.first || port > ephemeral.last) << port;
    seen.insert(port);
  }
  EXPECT_EQ(static_cast<int>(seen.size()), count);  // every candidate once
  EXPECT_EQ(port_outside(ephemeral, 0), 1024);
  EXPECT_EQ(port_outside(ephemeral, 32768 - 1024), 61000);
  EXPECT_EQ(port_outside(ephemeral, static_cast<std::uint64_t>(count)), 1024);  // wraps
}

TEST(PortOutside, ARangeCoveringEveryUnprivilegedPortLeavesNone) {
  EXPECT_EQ(port_outside({1024, 65535}, 7), 0);
  EXPECT_EQ(port_outside({1, 65535}, 7), 0);
  EXPECT_EQ(port_outside({1, 40000}, 0), 40001);  // a range below 1024 still leaves what is above it
}

TEST(PickFreePort, IsOutsideTheEphemeralRangeAndBindable) {
  const PortRange ephemeral = ephemeral_port_range();
  for (int i = 0; i < 20; ++i) {
    const int port = pick_free_port();
    ASSERT_NE(port, 0);
    EXPECT_TRUE(port < ephemeral.first || port > ephemeral.last) << port << " in " << ephemeral.first << "-" << ephemeral.last;
    EXPECT_GE(port, 1024);
  }
  EXPECT_NE(pick_free_port("::1"), 0);
  EXPECT_EQ(pick_free_port("192.0.2.1"), 0);  // not loopback: refused
}

}  // namespace
}  // namespace forkcheck
