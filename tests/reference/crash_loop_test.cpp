// Crash-loop protection: workers that die at start-up must not turn the primary into a fork bomb,
// and service must come back once the cause is gone.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/reference/cluster_fixture.hpp"

namespace forkcheck::testing {
namespace {

using forkcheck::EventKind;

bool slot_reached_backoff(const Cluster& c, int slot, long delay_ms) {
  for (const auto& e : c.events_of(EventKind::backoff))
    if (e.slot == slot && e.delay_ms == delay_ms) return true;
  return false;
}

TEST(CrashLoop, ForkRateIsBoundedAndServiceRecovers) {
  TempDir cause_dir;
  const auto cause = cause_dir.path() / "broken";
  std::ofstream(cause).put('x');
  auto c = Cluster::start(2,
                          {"--crash-at-start-while-exists", cause.string(), "--restart-burst", "2",
                           "--backoff-initial-ms", "50", "--backoff-max-ms", "400"},
                          /*wait_until_ready=*/false);
  // Per slot: 1 + 2 immediate forks, then back-offs of 50, 100, 200, 400 ms.
  ASSERT_TRUE(eventually([&] { return slot_reached_backoff(c, 0, 400) && slot_reached_backoff(c, 1, 400); }, 10000))
      << c.output();
  const auto events = c.events();
  const double elapsed_ms = ns_to_ms(events.back().t_ns - events.front().t_ns);
  const auto forks = c.events_of(EventKind::fork).size();
  // A fork bomb would have forked thousands of times by now.
  EXPECT_LE(forks, 2u * (3 + 5)) << "in " << elapsed_ms << " ms";
  EXPECT_TRUE(process_alive(c.process().pid()));
  EXPECT_TRUE(c.ready_workers().empty());
  for (const auto& e : c.events_of(EventKind::exit)) {
    EXPECT_EQ(e.status, 3);
    EXPECT_EQ(e.signal, 0);
  }

  std::filesystem::remove(cause);
  EXPECT_TRUE(c.wait_for_ready(2, 3000)) << "service must recover once the cause is gone";
  EXPECT_EQ(http_get(c.port()).status, 200);
}

}  // namespace
}  // namespace forkcheck::testing
