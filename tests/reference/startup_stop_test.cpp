// A stop signal at any instant of start-up ends in a drain (exit 0), never in a worker that serves
// on forever or dies by the signal: the primary blocks SIGTERM/SIGINT first thing in main(), its
// workers inherit them blocked, and each loop reads them from its signalfd whenever it gets there.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <thread>

#include "tests/reference/cluster_fixture.hpp"

namespace forkcheck::testing {
namespace {

using forkcheck::EventKind;

// Where in the primary's start-up the SIGTERM lands: after `listening` (before or while forking),
// after the first fork, after the second, after the first ready.
enum class Instant { listening, first_fork, second_fork, first_ready };

TEST(StartupStop, SigtermToThePrimaryAtEachInstantOfStartUpDrainsEveryWorker) {
  for (int round = 0; round < 12; ++round) {
    const Instant instant = static_cast<Instant>(round % 4);
    auto c = Cluster::start(2, {"--grace-ms", "10000"}, /*wait_until_ready=*/false);
    const bool reached = instant == Instant::listening ||
                         (instant == Instant::first_fork && c.wait_for_event(EventKind::fork, 1, 3000)) ||
                         (instant == Instant::second_fork && c.wait_for_event(EventKind::fork, 2, 3000)) ||
                         (instant == Instant::first_ready && c.wait_for_event(EventKind::ready, 1, 3000));
    ASSERT_TRUE(reached) << "round " << round;
    ASSERT_TRUE(c.process().signal(SIGTERM));
    // A worker that missed the signal is SIGKILLed at the 10 s grace, and its exit event then says
    // so (checked below): the verdict rests on how the workers ended, not on how fast a loaded
    // machine lets them. The wait only has to outlast the grace.
    const auto status = c.process().wait_until(monotonic_ns() + ms_to_ns(15000));
    ASSERT_TRUE(status.has_value()) << "round " << round << " did not stop:\n" << c.output();
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << "round " << round;
    for (const auto& e : c.events_of(EventKind::exit))
      EXPECT_EQ(e.status, 0) << "round " << round << ": worker " << e.pid << " signal " << e.signal;
    EXPECT_EQ(c.events_of(EventKind::exit).size(), c.events_of(EventKind::fork).size()) << "round " << round;
  }
}

TEST(StartupStop, SigtermToAWorkerRightAfterItsForkDrainsIt) {
  auto c = Cluster::start(2, {"--restart-burst", "1000"});
  for (int round = 0; round < 20; ++round) {
    // The newest worker, signalled as soon as its fork event is seen (often before it is ready).
    const auto forks = c.events_of(EventKind::fork);
    const pid_t victim = forks.back().pid;
    ASSERT_TRUE(Cluster::kill_worker(victim, SIGTERM)) << "round " << round;
    // A worker that missed the signal would serve on forever (nothing else stops it): waiting far
    // longer than a drain takes even on a loaded machine tells the two apart without timing it.
    ASSERT_TRUE(eventually(
        [&] {
          for (const auto& e : c.events_of(EventKind::exit))
            if (e.pid == victim) return true;
          return false;
        },
        10000))
        << "round " << round << ": worker " << victim << " did not exit";
    for (const auto& e : c.events_of(EventKind::exit)) {
      if (e.pid != victim) continue;
      EXPECT_EQ(e.status, 0) << "round " << round << " signal " << e.signal;
    }
    ASSERT_TRUE(c.wait_for_event(EventKind::fork, static_cast<int>(forks.size()) + 1, 3000));
  }
  EXPECT_TRUE(c.wait_for_ready(2, 3000));
}

// A worker stopped while clients keep connecting: every connection it took (even in the instant
// its accept thread was being stopped) is answered; the others wait in the queue for the rest.
TEST(StartupStop, ASigtermedWorkerAnswersEveryConnectionItTook) {
  auto c = Cluster::start(2, {"--restart-burst", "1000"});
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, unanswered{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 2; ++t)
    clients.emplace_back([&] {
      while (!stop) (http_get(c.port(), 2000).status == 200 ? ok : unanswered)++;
    });
  for (int round = 0; round < 20; ++round) {
    const auto forks = c.events_of(EventKind::fork);
    ASSERT_TRUE(c.wait_for_ready(2, 3000));
    ASSERT_TRUE(Cluster::kill_worker(c.ready_workers().at(0), SIGTERM));
    ASSERT_TRUE(c.wait_for_event(EventKind::fork, static_cast<int>(forks.size()) + 1, 3000));
  }
  stop = true;
  for (auto& t : clients) t.join();
  EXPECT_EQ(unanswered.load(), 0) << ok.load() << " answered";
  for (const auto& e : c.events_of(EventKind::exit)) EXPECT_EQ(e.status, 0);
}

}  // namespace
}  // namespace forkcheck::testing
