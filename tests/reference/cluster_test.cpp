// refcluster end to end: workers, answers, replacement, kill-all under load, events, reuseport.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

#include "tests/reference/cluster_fixture.hpp"

namespace forkcheck::testing {
namespace {

bool contains(const std::vector<pid_t>& pids, pid_t pid) {
  return std::find(pids.begin(), pids.end(), pid) != pids.end();
}

std::vector<pid_t> sorted(std::vector<pid_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST(Cluster, StartsNWorkersThatAreThePrimarysChildren) {
  auto c = Cluster::start(3);
  EXPECT_TRUE(eventually([&] { return children_of(c.process().pid()).size() == 3; }, 3000));
  EXPECT_EQ(sorted(children_of(c.process().pid())), c.ready_workers());
}

TEST(Cluster, GetIsAnsweredByALiveWorker) {
  auto c = Cluster::start(2);
  for (int i = 0; i < 5; ++i) {
    const auto answer = http_get(c.port());
    EXPECT_EQ(answer.status, 200);
    EXPECT_EQ(answer.body, "Hello from worker");
    EXPECT_TRUE(contains(children_of(c.process().pid()), answer.worker_pid)) << answer.worker_pid;
    EXPECT_NE(answer.worker_pid, c.process().pid()) << "the primary never answers";
  }
}

TEST(Cluster, MalformedRequestGets4xxAndTheWorkerLivesOn) {
  auto c = Cluster::start(1);
  const auto before = c.ready_workers();
  const std::string out = raw_exchange(c.port(), "GARBAGE\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 400", 0), 0u) << out;
  EXPECT_EQ(http_get(c.port()).status, 200);
  EXPECT_EQ(c.ready_workers(), before);
  EXPECT_TRUE(c.events_of(forkcheck::EventKind::exit).empty());
}

TEST(Cluster, SigkilledWorkerIsReplacedInTheSameSlot) {
  auto c = Cluster::start(3);
  const auto before = c.ready_workers();
  const pid_t victim = before[1];
  ASSERT_TRUE(Cluster::kill_worker(victim));
  ASSERT_TRUE(c.wait_for_event(forkcheck::EventKind::ready, 4, 3000)) << c.output();
  ASSERT_TRUE(c.wait_for_ready(3, 3000));
  const auto after = c.ready_workers();
  EXPECT_FALSE(contains(after, victim));
  EXPECT_TRUE(eventually([&] { return sorted(children_of(c.process().pid())) == after; }, 3000));
  const auto exits = c.events_of(forkcheck::EventKind::exit);
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_EQ(exits[0].pid, victim);
  EXPECT_EQ(exits[0].signal, SIGKILL);
  const auto respawns = c.events_of(forkcheck::EventKind::respawn);
  ASSERT_EQ(respawns.size(), 1u);
  EXPECT_EQ(respawns[0].slot, exits[0].slot);
  EXPECT_EQ(c.events_of(forkcheck::EventKind::fork).back().slot, exits[0].slot);
  EXPECT_EQ(http_get(c.port()).status, 200);
}

// The accept queue belongs to the primary's socket, so killing every worker refuses no connection:
// queued connections wait for the replacements. Only a connection a worker had already accepted
// dies with it (at most one per kill, as the client has one connection open at a time).
TEST(Cluster, KillAllWhileClientsConnectRefusesNothing) {
  auto c = Cluster::start(2);
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, refused{0}, lost{0};
  std::thread client([&] {
    while (!stop) {
      const auto answer = http_get(c.port());
      (answer.status == 200 ? ok : answer.connect_failed ? refused : lost)++;
    }
  });
  for (int round = 0; round < 5; ++round) {
    for (pid_t pid : c.ready_workers()) Cluster::kill_worker(pid);
    ASSERT_TRUE(c.wait_for_event(forkcheck::EventKind::ready, 2 + 2 * (round + 1), 3000)) << c.output();
  }
  const int ok_before_stop = ok;
  stop = true;
  client.join();
  EXPECT_EQ(refused.load(), 0);
  EXPECT_LE(lost.load(), 5 * 2);
  EXPECT_GT(ok_before_stop, 0);
  std::printf("kill-all x5: %d ok, %d refused, %d lost with a killed worker\n", ok.load(), refused.load(), lost.load());
  EXPECT_TRUE(c.wait_for_ready(2, 3000));
}

TEST(Cluster, EventsDescribeTheRunInOrder) {
  auto c = Cluster::start(2);
  ASSERT_TRUE(c.process().signal(SIGTERM));
  const auto status = c.process().wait_until(monotonic_ns() + ms_to_ns(5000));
  ASSERT_TRUE(status.has_value());
  const auto events = c.events();
  ASSERT_GE(events.size(), 9u);
  EXPECT_EQ(events[0].kind, forkcheck::EventKind::primary_start);
  EXPECT_EQ(events[0].pid, c.process().pid());
  EXPECT_EQ(events[0].workers, 2);
  EXPECT_EQ(events[0].detail, "shared");
  EXPECT_EQ(events[1].kind, forkcheck::EventKind::listening);
  EXPECT_EQ(events[1].host, "127.0.0.1");
  EXPECT_EQ(events[1].port, c.port());
  EXPECT_EQ(events[2].kind, forkcheck::EventKind::fork);
  EXPECT_EQ(events[2].slot, 0);
  EXPECT_EQ(events[3].kind, forkcheck::EventKind::fork);
  EXPECT_EQ(events[3].slot, 1);
  EXPECT_EQ(c.events_of(forkcheck::EventKind::shutdown).at(0).detail, "SIGTERM");
  for (const auto& e : c.events_of(forkcheck::EventKind::exit)) {
    EXPECT_EQ(e.status, 0) << "a drained worker exits 0";
    EXPECT_GT(e.uptime_ns, 0);
  }
  EXPECT_EQ(c.events_of(forkcheck::EventKind::exit).size(), 2u);
  EXPECT_EQ(events.back().kind, forkcheck::EventKind::shutdown_complete);
  for (size_t i = 1; i < events.size(); ++i) EXPECT_LE(events[i - 1].t_ns, events[i].t_ns);
}

TEST(Cluster, ReuseportModeServesAndReplaces) {
  auto c = Cluster::start(2, {"--sched", "reuseport"});
  EXPECT_EQ(c.events_of(forkcheck::EventKind::primary_start).at(0).detail, "reuseport");
  const auto answer = http_get(c.port());
  EXPECT_EQ(answer.status, 200);
  EXPECT_TRUE(contains(c.ready_workers(), answer.worker_pid));
  ASSERT_TRUE(Cluster::kill_worker(c.ready_workers()[0]));
  ASSERT_TRUE(c.wait_for_event(forkcheck::EventKind::ready, 3, 3000)) << c.output();
  EXPECT_TRUE(c.wait_for_ready(2, 3000));
  EXPECT_EQ(http_get(c.port()).status, 200);
}

}  // namespace
}  // namespace forkcheck::testing
