// The supervisor core without processes: time is a number, pids are made up.
#include "reference/supervisor.hpp"

#include <gtest/gtest.h>

namespace forkcheck::reference {
namespace {

constexpr mono_ns ms(long v) { return ms_to_ns(v); }

SupervisorConfig config(int workers) {
  return {.workers = workers, .min_uptime_ns = ms(100), .restart_burst = 2, .backoff_initial_ns = ms(100),
          .backoff_max_ns = ms(800), .heartbeat_timeout_ns = 0, .grace_ns = ms(1000)};
}

// Carries out spawn actions the way the primary does, handing out pids from 1000 up.
struct Harness {
  explicit Harness(const SupervisorConfig& c) : sup(c) {}
  Supervisor sup;
  pid_t next_pid = 1000;
  int forks = 0;

  std::vector<Action> run(const std::vector<Action>& actions, mono_ns now) {
    for (const Action& a : actions) {
      if (a.kind != ActionKind::spawn) continue;
      ++forks;
      sup.on_forked(a.slot, next_pid++, now);
    }
    EXPECT_LE(sup.live_count(), sup.config().workers);
    return actions;
  }
  void ready_all(mono_ns now) {
    for (int i = 0; i < sup.config().workers; ++i) sup.on_ready(i, sup.slot(i).pid, now);
  }
};

TEST(Supervisor, StartSpawnsOnePerSlot) {
  Harness h(config(3));
  const auto actions = h.run(h.sup.start(0), 0);
  ASSERT_EQ(actions.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(actions[i], (Action{.kind = ActionKind::spawn, .slot = i, .pid = 0}));
  EXPECT_EQ(h.sup.live_count(), 3);
  EXPECT_EQ(h.sup.ready_count(), 0);
  h.ready_all(ms(1));
  EXPECT_EQ(h.sup.ready_count(), 3);
  EXPECT_FALSE(h.sup.next_deadline().has_value());
  EXPECT_TRUE(h.sup.start(ms(2)).empty()) << "a second start must not overfill the slots";
}

TEST(Supervisor, ExitOfAStableWorkerRespawnsIntoTheSameSlotAtOnce) {
  Harness h(config(2));
  h.run(h.sup.start(0), 0);
  h.ready_all(ms(1));
  const pid_t victim = h.sup.slot(1).pid;
  const auto actions = h.run(h.sup.on_worker_exit(victim, ms(5000)), ms(5000));
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0], (Action{.kind = ActionKind::spawn, .slot = 1, .pid = victim}));
  EXPECT_NE(h.sup.slot(1).pid, victim);
  EXPECT_EQ(h.sup.slot(1).state, SlotState::starting);
  EXPECT_EQ(h.sup.slot(1).early_deaths, 0);
}

TEST(Supervisor, UnknownAndStaleEventsAreIgnored) {
  Harness h(config(1));
  h.run(h.sup.start(0), 0);
  EXPECT_TRUE(h.sup.on_worker_exit(4242, ms(1)).empty());
  h.sup.on_ready(0, 4242, ms(1));  // a message from a worker that is not this slot's
  EXPECT_EQ(h.sup.ready_count(), 0);
  h.sup.on_ready(7, 1000, ms(1));  // no such slot
  h.sup.on_ready(-1, 1000, ms(1));
  EXPECT_EQ(h.sup.ready_count(), 0);
  const pid_t pid = h.sup.slot(0).pid;
  h.run(h.sup.on_worker_exit(pid, ms(2)), ms(2));
  EXPECT_TRUE(h.sup.on_worker_exit(pid, ms(3)).empty()) << "a pid is reaped once";
}

TEST(Supervisor, EarlyDeathsBackOffExponentiallyToTheCap) {
  Harness h(config(1));
  h.run(h.sup.start(0), 0);
  mono_ns now = 0;
  std::vector<mono_ns> delays;
  for (int death = 1; death <= 8; ++death) {
    now += ms(1);
    const auto actions = h.run(h.sup.on_worker_exit(h.sup.slot(0).pid, now), now);  // never ready
    ASSERT_EQ(actions.size(), 1u);
    if (actions[0].kind == ActionKind::spawn) {
      delays.push_back(0);
      continue;
    }
    ASSERT_EQ(actions[0].kind, ActionKind::backoff);
    delays.push_back(actions[0].delay_ns);
    EXPECT_EQ(h.sup.live_count(), 0);
    EXPECT_EQ(h.sup.next_deadline(), now + actions[0].delay_ns);
    EXPECT_TRUE(h.sup.on_tick(now + actions[0].delay_ns - 1).empty()) << "not before the delay";
    now += actions[0].delay_ns;
    const auto spawn = h.run(h.sup.on_tick(now), now);
    ASSERT_EQ(spawn.size(), 1u);
    EXPECT_EQ(spawn[0].kind, ActionKind::spawn);
  }
  const std::vector<mono_ns> expected{0, 0, ms(100), ms(200), ms(400), ms(800), ms(800), ms(800)};
  EXPECT_EQ(delays, expected);
}

TEST(Supervisor, DeathSoonAfterReadyIsEarlyAndAStableWorkerResetsTheStreak) {
  Harness h(config(1));
  h.run(h.sup.start(0), 0);
  mono_ns now = 0;
  for (int i = 0; i < 3; ++i) {  // ready, then dead 50 ms later: early (min uptime 100 ms)
    h.sup.on_ready(0, h.sup.slot(0).pid, now + ms(1));
    now += ms(51);
    auto actions = h.sup.on_worker_exit(h.sup.slot(0).pid, now);
    if (actions[0].kind == ActionKind::backoff) {
      now += actions[0].delay_ns;
      actions = h.sup.on_tick(now);
    }
    h.run(actions, now);
  }
  EXPECT_EQ(h.sup.slot(0).early_deaths, 3);
  h.sup.on_ready(0, h.sup.slot(0).pid, now);
  now += ms(150);  // lived past the minimum uptime: the slot is stable again
  const auto actions = h.run(h.sup.on_worker_exit(h.sup.slot(0).pid, now), now);
  EXPECT_EQ(actions[0].kind, ActionKind::spawn);
  EXPECT_EQ(h.sup.slot(0).early_deaths, 0);
}

TEST(Supervisor, BackOffIsPerSlot) {
  Harness h(config(2));
  h.run(h.sup.start(0), 0);
  h.sup.on_ready(1, h.sup.slot(1).pid, 0);
  for (int i = 0; i < 3; ++i) h.run(h.sup.on_worker_exit(h.sup.slot(0).pid, ms(1)), ms(1));
  EXPECT_EQ(h.sup.slot(0).state, SlotState::waiting);
  EXPECT_EQ(h.sup.slot(1).state, SlotState::ready);
  const auto actions = h.run(h.sup.on_worker_exit(h.sup.slot(1).pid, ms(500)), ms(500));
  EXPECT_EQ(actions[0].kind, ActionKind::spawn) << "slot 1's stable worker is replaced at once";
}

TEST(Supervisor, KillAllNeverExceedsNAndRefillsEverySlot) {
  Harness h(config(4));
  h.run(h.sup.start(0), 0);
  h.ready_all(ms(1));
  for (int round = 1; round <= 3; ++round) {
    const mono_ns now = ms(1000) * round;
    std::vector<pid_t> pids;
    for (int i = 0; i < 4; ++i) pids.push_back(h.sup.slot(i).pid);
    for (pid_t p : pids) h.run(h.sup.on_worker_exit(p, now), now);
    EXPECT_EQ(h.sup.live_count(), 4);
    h.ready_all(now + ms(1));
    EXPECT_EQ(h.sup.ready_count(), 4);
  }
  EXPECT_EQ(h.forks, 4 + 12);
}

TEST(Supervisor, ShutdownTerminatesLiveWorkersAndNeverRespawns) {
  Harness h(config(3));
  h.run(h.sup.start(0), 0);
  h.ready_all(ms(1));
  // Slot 2 is backing off when the shutdown comes.
  for (int i = 0; i < 3; ++i) h.run(h.sup.on_worker_exit(h.sup.slot(2).pid, ms(2)), ms(2));
  ASSERT_EQ(h.sup.slot(2).state, SlotState::waiting);
  const auto actions = h.sup.on_shutdown(ms(10));
  ASSERT_EQ(actions.size(), 2u);
  for (const Action& a : actions) EXPECT_EQ(a.kind, ActionKind::terminate);
  EXPECT_TRUE(h.sup.on_shutdown(ms(11)).empty()) << "idempotent";
  EXPECT_EQ(h.sup.slot(2).state, SlotState::empty);
  EXPECT_TRUE(h.sup.on_worker_exit(h.sup.slot(0).pid, ms(20)).empty()) << "no respawn after shutdown";
  EXPECT_TRUE(h.sup.on_tick(ms(500)).empty());
  EXPECT_TRUE(h.sup.start(ms(500)).empty());
  EXPECT_FALSE(h.sup.finished());
  EXPECT_EQ(h.sup.next_deadline(), ms(10) + ms(1000));
  const auto kills = h.sup.on_tick(ms(1010));  // grace over: SIGKILL what remains
  ASSERT_EQ(kills.size(), 1u);
  EXPECT_EQ(kills[0], (Action{.kind = ActionKind::kill, .slot = 1, .pid = h.sup.slot(1).pid}));
  EXPECT_TRUE(h.sup.on_tick(ms(1020)).empty()) << "killed once";
  h.sup.on_worker_exit(h.sup.slot(1).pid, ms(1021));
  EXPECT_TRUE(h.sup.finished());
  EXPECT_EQ(h.forks, 3 + 2);
}

TEST(Supervisor, SilentWorkerIsKilledOnceAsHung) {
  auto c = config(2);
  c.heartbeat_timeout_ns = ms(300);
  Harness h(c);
  h.run(h.sup.start(0), 0);
  h.ready_all(ms(1));
  EXPECT_EQ(h.sup.next_deadline(), ms(301));
  h.sup.on_heartbeat(0, h.sup.slot(0).pid, ms(250));
  h.sup.on_heartbeat(1, 999, ms(250));  // stale pid: does not count
  h.sup.on_channel_read(ms(320));
  const auto actions = h.sup.on_tick(ms(320));
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0], (Action{.kind = ActionKind::kill_hung, .slot = 1, .pid = h.sup.slot(1).pid}));
  EXPECT_TRUE(h.sup.slot(1).killed);
  h.sup.on_channel_read(ms(700));
  EXPECT_TRUE(h.sup.on_tick(ms(700)).size() == 1u) << "slot 0 is now overdue too, slot 1 not again";
  const auto respawn = h.run(h.sup.on_worker_exit(h.sup.slot(1).pid, ms(701)), ms(701));
  EXPECT_EQ(respawn[0].kind, ActionKind::spawn);
}

// hang x refcluster under load: the primary was descheduled for 0.94 s after a poll that saw only
// SIGCHLD; back, it judged the heartbeats without reading the channel they were waiting in and
// SIGKILLed two healthy workers as hung. Silence counts only up to the last read of the channel.
TEST(Supervisor, SilenceIsJudgedOnlyUpToTheLastReadOfTheChannel) {
  auto c = config(2);
  c.heartbeat_timeout_ns = ms(300);
  Harness h(c);
  h.run(h.sup.start(0), 0);
  h.ready_all(ms(1));
  h.sup.on_heartbeat(0, h.sup.slot(0).pid, ms(90));
  h.sup.on_heartbeat(1, h.sup.slot(1).pid, ms(90));
  h.sup.on_channel_read(ms(100));
  EXPECT_TRUE(h.sup.on_tick(ms(1000)).empty()) << "the primary was away from 100 to 1000 ms: no verdict";
  h.sup.on_heartbeat(0, h.sup.slot(0).pid, ms(1000));  // what waited in the channel
  h.sup.on_channel_read(ms(1000));
  const auto actions = h.sup.on_tick(ms(1000));
  ASSERT_EQ(actions.size(), 1u) << "read at 1000 ms: slot 1 said nothing since 90 ms";
  EXPECT_EQ(actions[0], (Action{.kind = ActionKind::kill_hung, .slot = 1, .pid = h.sup.slot(1).pid}));
}

TEST(Supervisor, FailedForkBacksOff) {
  Harness h(config(1));
  ASSERT_EQ(h.sup.start(0).size(), 1u);
  const auto actions = h.sup.on_fork_failed(0, ms(1));
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].kind, ActionKind::backoff);
  EXPECT_EQ(actions[0].delay_ns, ms(100));
  EXPECT_EQ(h.sup.live_count(), 0);
  EXPECT_EQ(h.run(h.sup.on_tick(ms(101)), ms(101)).size(), 1u);
  EXPECT_EQ(h.sup.live_count(), 1);
}

}  // namespace
}  // namespace forkcheck::reference
