#include "harness/observe/observer.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "common/pidfd.hpp"
#include "harness/proc/proc_scan.hpp"
#include "tests/harness/support/io_fixture.hpp"
#include "tests/support/spawned.hpp"

namespace forkcheck::harness {
namespace {

using io_test::in_ms;
using io_test::launch_tiny;

// Both sources: the kernel's events (we run as root) and the forced /proc fallback.
class ObserverTest : public ::testing::TestWithParam<bool> {
 protected:
  bool force_proc() const { return GetParam(); }
  ObserverOptions options() const { return ObserverOptions{.force_proc = force_proc()}; }
};

std::set<pid_t> as_set(const std::vector<pid_t>& v) { return {v.begin(), v.end()}; }

TEST_P(ObserverTest, SaysWhichSourceItUses) {
  Observer observer(options());
  if (force_proc()) {
    EXPECT_EQ(observer.source(), "proc");
    EXPECT_EQ(observer.precision_ns(), 500'000);
    EXPECT_FALSE(observer.fallback_reason().empty());
  } else {
    ASSERT_EQ(observer.source(), "netlink") << observer.fallback_reason();
    EXPECT_EQ(observer.precision_ns(), 0);
  }
}

TEST_P(ObserverTest, SeesTheWorkersButNotTheirThreadsOrChildren) {
  Observer observer(options());  // before the launch: the first forks must not be missed
  const mono_ns before = monotonic_ns();
  Target target = launch_tiny("3 --threads --grandchild", "observe_forks", {&observer});
  ASSERT_TRUE(observer.wait_for_live_count(3, in_ms(5000))) << observer.live_count();
  const auto workers = observer.workers();
  ASSERT_EQ(workers.size(), 3u);
  for (const auto& w : workers) {
    EXPECT_GE(w.fork_ns, before);
    EXPECT_LE(w.fork_ns, monotonic_ns());
    EXPECT_FALSE(w.exit_ns);
  }
  EXPECT_TRUE(std::is_sorted(workers.begin(), workers.end(),
                             [](const auto& a, const auto& b) { return a.fork_ns < b.fork_ns; }));
  EXPECT_EQ(as_set(observer.live_workers()), as_set(children_of(target.primary_pid())));
}

TEST_P(ObserverTest, SeesAKillAndTheReplacement) {
  Observer observer(options());
  Target target = launch_tiny("3", "observe_kill", {&observer});
  ASSERT_TRUE(observer.wait_for_live_count(3, in_ms(5000)));
  const pid_t victim = observer.live_workers().front();
  auto fd = Pidfd::open(victim);
  ASSERT_TRUE(fd);
  const mono_ns kill_ns = monotonic_ns();
  ASSERT_TRUE(fd->send_signal(SIGKILL));
  const bool replaced = observer.wait_until(
      [victim](const WorkerBook& b) {
        const auto live = b.live_workers();
        return b.workers().size() == 4 && b.live_count() == 3 && std::find(live.begin(), live.end(), victim) == live.end();
      },
      in_ms(5000));
  const mono_ns seen_ns = monotonic_ns();
  ASSERT_TRUE(replaced);
  const auto workers = observer.workers();
  const auto dead = std::find_if(workers.begin(), workers.end(), [victim](const auto& w) { return w.pid == victim; });
  ASSERT_NE(dead, workers.end());
  ASSERT_TRUE(dead->exit_ns);
  EXPECT_GE(*dead->exit_ns, kill_ns);
  EXPECT_EQ(workers.back().exit_ns, std::nullopt);
  EXPECT_GE(workers.back().fork_ns, *dead->exit_ns);
  if (force_proc()) {
    // The zombie may be reaped between two samples: the signal is then unknown (0), never wrong.
    EXPECT_TRUE(dead->exit_signal == SIGKILL || dead->exit_signal == 0);
  } else {
    EXPECT_EQ(dead->exit_signal, SIGKILL);
  }
  std::printf("[ measure ] source=%s kill->exit %.3f ms, exit->replacement fork %.3f ms, exit->seen by test %.3f ms\n",
              observer.source().c_str(), ns_to_ms(*dead->exit_ns - kill_ns),
              ns_to_ms(workers.back().fork_ns - *dead->exit_ns), ns_to_ms(seen_ns - *dead->exit_ns));
}

TEST_P(ObserverTest, SeesThePrimaryExit) {
  Observer observer(options());
  Target target = launch_tiny("2", "observe_primary", {&observer});
  ASSERT_TRUE(observer.wait_for_live_count(2, in_ms(5000)));
  auto fd = Pidfd::open(target.primary_pid());
  ASSERT_TRUE(fd && fd->send_signal(SIGKILL));
  ASSERT_TRUE(observer.wait_until([](const WorkerBook& b) { return b.primary_exit().has_value(); }, in_ms(5000)));
  EXPECT_EQ(observer.primary_exit()->signal, SIGKILL);  // the launcher keeps it a zombie: visible in both
  EXPECT_TRUE(observer.wait_for_live_count(0, in_ms(5000)));  // the workers die with it (PDEATHSIG)
}

TEST_P(ObserverTest, IgnoresAnotherClusterRunningAtTheSameTime) {
  Observer observer(options());
  Target mine = launch_tiny("2", "observe_mine", {&observer});
  Target other = launch_tiny("3", "observe_other");
  ASSERT_TRUE(forkcheck::testing::eventually([&] { return children_of(other.primary_pid()).size() == 3; }, 5000));
  ASSERT_TRUE(observer.wait_for_live_count(2, in_ms(5000)));
  EXPECT_EQ(observer.workers().size(), 2u);
  EXPECT_EQ(as_set(observer.live_workers()), as_set(children_of(mine.primary_pid())));
}

// The kernel's events are held until the primary is known: forks before set_primary keep their instants.
TEST(ObserverSources, NetlinkReplaysForksSeenBeforeThePrimaryWasKnown) {
  Observer observer;
  ASSERT_EQ(observer.source(), "netlink") << observer.fallback_reason();
  Target target = launch_tiny("3", "observe_late");
  ASSERT_TRUE(forkcheck::testing::eventually([&] { return children_of(target.primary_pid()).size() == 3; }, 5000));
  const mono_ns known_ns = monotonic_ns();
  observer.set_primary(target.primary_pid());
  // The observer's thread may not have read every fork event from the socket yet (under load it
  // trails /proc): those it had read are replayed now, the others are applied as they are read.
  // Either way each fork keeps the kernel's instant, from before the primary was known.
  ASSERT_TRUE(observer.wait_for_live_count(3, in_ms(5000))) << observer.live_count();
  ASSERT_EQ(observer.workers().size(), 3u);
  for (const auto& w : observer.workers()) EXPECT_LT(w.fork_ns, known_ns);
}

// Both sources on one target: the /proc instants trail the kernel's by about one sampling period.
TEST(ObserverSources, ProcInstantsTrailTheKernelsByAboutOnePeriod) {
  Observer netlink;
  Observer proc(ObserverOptions{.force_proc = true});
  ASSERT_EQ(netlink.source(), "netlink") << netlink.fallback_reason();
  Target target = launch_tiny("2", "observe_both", {&netlink, &proc});
  ASSERT_TRUE(netlink.wait_for_live_count(2, in_ms(5000)));
  ASSERT_TRUE(proc.wait_for_live_count(2, in_ms(5000)));
  auto fd = Pidfd::open(netlink.live_workers().front());
  ASSERT_TRUE(fd && fd->send_signal(SIGKILL));
  auto replaced = [](const WorkerBook& b) { return b.workers().size() == 3 && b.live_count() == 2; };
  ASSERT_TRUE(netlink.wait_until(replaced, in_ms(5000)));
  ASSERT_TRUE(proc.wait_until(replaced, in_ms(5000)));
  const auto exact = netlink.workers();
  const auto sampled = proc.workers();
  for (std::size_t i = 0; i < exact.size(); ++i) {
    ASSERT_EQ(exact[i].pid, sampled[i].pid);
    // A sample's instant is taken before /proc is read, so it may lead the kernel's by the scan's duration.
    EXPECT_GE(sampled[i].fork_ns, exact[i].fork_ns - ms_to_ns(5));
    EXPECT_LE(sampled[i].fork_ns, exact[i].fork_ns + ms_to_ns(100));
    std::printf("[ measure ] fork of %d: proc - netlink = %.3f ms\n", exact[i].pid,
                ns_to_ms(sampled[i].fork_ns - exact[i].fork_ns));
  }
  ASSERT_TRUE(exact[0].exit_ns && sampled[0].exit_ns);
  EXPECT_GE(*sampled[0].exit_ns, *exact[0].exit_ns - ms_to_ns(5));
  EXPECT_LE(*sampled[0].exit_ns, *exact[0].exit_ns + ms_to_ns(100));
  std::printf("[ measure ] exit of %d: proc - netlink = %.3f ms\n", exact[0].pid,
              ns_to_ms(*sampled[0].exit_ns - *exact[0].exit_ns));
}

// Given the port, the observer tells workers by what they hold: tiny_cluster's workers inherit the
// listening socket and block in accept(2) on it, so each is a worker and is found ready by a look,
// with either source.
TEST_P(ObserverTest, FindsWorkersHoldingThePortAndSeesThemReady) {
  const int port = forkcheck::testing::free_port();
  ObserverOptions o = options();
  o.port = static_cast<std::uint16_t>(port);
  Observer observer(o);
  EXPECT_NE(observer.workers_rule().find("listening socket"), std::string::npos) << observer.workers_rule();
  Target target = launch_tiny("2 --listen " + std::to_string(port), "observe_port", {&observer});
  const bool ready = observer.wait_until(
      [](const WorkerBook& b) {
        const auto ws = b.workers();
        return ws.size() == 2 && std::all_of(ws.begin(), ws.end(), [](const auto& w) { return w.ready_ns.has_value(); });
      },
      in_ms(5000));
  ASSERT_TRUE(ready) << observer.live_count();
  EXPECT_TRUE(observer.helpers().empty());
  for (const auto& w : observer.workers()) EXPECT_GE(*w.ready_ns, w.fork_ns);
}

// A child that holds nothing of the port is not a worker: with another port given, tiny_cluster's
// children are helpers, listed with their command lines.
TEST_P(ObserverTest, ChildrenHoldingNothingOfThePortAreHelpers) {
  const int port = forkcheck::testing::free_port();
  ObserverOptions o = options();
  o.port = static_cast<std::uint16_t>(forkcheck::testing::free_port());
  Observer observer(o);
  Target target = launch_tiny("2 --listen " + std::to_string(port), "observe_helpers", {&observer});
  ASSERT_TRUE(observer.wait_until([](const WorkerBook& b) { return b.helpers().size() == 2; }, in_ms(5000)));
  EXPECT_EQ(observer.live_count(), 0);
  EXPECT_TRUE(observer.workers().empty());
  for (const auto& h : observer.helpers()) EXPECT_NE(h.command.find("tiny_cluster"), std::string::npos) << h.command;
}

INSTANTIATE_TEST_SUITE_P(Sources, ObserverTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "proc" : "netlink"; });

}  // namespace
}  // namespace forkcheck::harness
