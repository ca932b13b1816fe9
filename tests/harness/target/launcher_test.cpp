#include "harness/target/launcher.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "common/pidfd.hpp"
#include "harness/proc/proc_scan.hpp"
#include "tests/harness/support/io_fixture.hpp"

namespace forkcheck::harness {
namespace {

using forkcheck::testing::eventually;
using io_test::in_ms;
using io_test::launch_tiny;

bool nothing_left(pid_t primary, const std::vector<pid_t>& workers) {
  if (process_alive(primary) || !group_members(primary).empty()) return false;
  return std::none_of(workers.begin(), workers.end(), process_alive);
}

TEST(Launcher, StartsTheCommandAsThePrimaryInItsOwnGroup) {
  pid_t primary = 0;
  std::vector<pid_t> workers;
  {
    Target target = launch_tiny("3", "own_group");
    primary = target.primary_pid();
    EXPECT_EQ(target.pgid(), primary);
    EXPECT_LE(target.launch_ns(), monotonic_ns());
    const auto st = read_proc_stat(primary);
    ASSERT_TRUE(st);
    EXPECT_EQ(st->pgrp, primary);
    EXPECT_EQ(st->ppid, getpid());
    // `exec` replaced the shell: the launched pid runs the fixture itself.
    EXPECT_EQ(std::filesystem::read_symlink("/proc/" + std::to_string(primary) + "/exe").filename(), "tiny_cluster");
    ASSERT_TRUE(eventually([&] { return children_of(primary).size() == 3; }, 5000));
    workers = children_of(primary);
    EXPECT_FALSE(target.primary_exited());
    ASSERT_TRUE(eventually([&] { return read_tail(target.log_path()).find("primary") != std::string::npos; }, 5000));
  }
  EXPECT_TRUE(nothing_left(primary, workers));
}

TEST(Launcher, ACommandThatCannotRunIsAnErrorWithItsOutput) {
  auto result = launch("/nonexistent/forkcheck-target --x", io_test::log_path("no_exec"));
  ASSERT_TRUE(std::holds_alternative<LaunchError>(result));
  const auto& err = std::get<LaunchError>(result);
  EXPECT_NE(err.reason.find("/nonexistent/forkcheck-target"), std::string::npos) << err.reason;
  EXPECT_NE(err.reason.find("status 127"), std::string::npos) << err.reason;
  EXPECT_NE(err.output_tail.find("not found"), std::string::npos) << err.output_tail;
  EXPECT_EQ(err.reason.find('\n'), std::string::npos);
}

TEST(Launcher, ATargetThatExitsAtOnceDidNotStart) {
  // The settle window must outlast the shell's own start-up: on a loaded machine `sh` alone took
  // more than the default 50 ms to run and exit, and the launch then (rightly) succeeded. The wait
  // ends at the exit, so a wide window costs nothing here.
  auto result = launch("sh -c 'echo port busy; exit 3'", io_test::log_path("exits"), 10'000);
  ASSERT_TRUE(std::holds_alternative<LaunchError>(result));
  EXPECT_NE(std::get<LaunchError>(result).reason.find("exited with status 3"), std::string::npos);
  EXPECT_EQ(std::get<LaunchError>(result).output_tail, "port busy\n");
}

TEST(Launcher, AWellBehavedTreeLeavesNoSurvivors) {
  Target target = launch_tiny("3 --threads", "well_behaved");
  const pid_t primary = target.primary_pid();
  ASSERT_TRUE(eventually([&] { return children_of(primary).size() == 3; }, 5000));
  const auto workers = children_of(primary);
  const StopRecord rec = target.stop_and_check_orphans(workers, 3000, 200);
  EXPECT_FALSE(rec.primary_exited_during_run);
  EXPECT_GT(rec.stop_sent_ns, 0);
  ASSERT_TRUE(rec.primary_exit_ns);
  EXPECT_GE(*rec.primary_exit_ns, rec.stop_sent_ns);
  EXPECT_EQ(rec.primary_exit_status, 0);
  EXPECT_TRUE(rec.orphan_check_done);
  EXPECT_TRUE(rec.survivors.empty());
  EXPECT_TRUE(nothing_left(primary, workers));
}

TEST(Launcher, ADeliberateOrphanIsFoundThenKilled) {
  Target target = launch_tiny("2 --orphan --grandchild", "orphans");
  const pid_t primary = target.primary_pid();
  ASSERT_TRUE(eventually([&] { return children_of(primary).size() == 2 && group_members(primary).size() == 5; }, 5000));
  const auto workers = children_of(primary);
  const StopRecord rec = target.stop_and_check_orphans(workers, 3000, 100);
  EXPECT_TRUE(rec.orphan_check_done);
  EXPECT_EQ(rec.primary_exit_status, 0);
  EXPECT_EQ(rec.survivors.size(), 4u);  // both workers and their children
  for (pid_t w : workers) EXPECT_NE(std::find(rec.survivors.begin(), rec.survivors.end(), w), rec.survivors.end());
  EXPECT_TRUE(nothing_left(primary, rec.survivors));
}

TEST(Launcher, AnOrphanThatLeftTheGroupIsFoundByItsPid) {
  // A worker that called setsid() is no longer in the group; the observer's pid list still finds it.
  Target target = launch_tiny("1 --orphan --setsid", "left_group");
  const pid_t primary = target.primary_pid();
  ASSERT_TRUE(eventually([&] {
    const auto c = children_of(primary);
    return c.size() == 1 && read_proc_stat(c[0]) && read_proc_stat(c[0])->pgrp != primary;
  }, 5000));
  const auto workers = children_of(primary);
  const StopRecord rec = target.stop_and_check_orphans(workers, 3000, 100);
  EXPECT_EQ(rec.survivors, workers);
  EXPECT_TRUE(nothing_left(primary, workers));
}

// Every descendant is an orphan if it outlives the primary, whatever its session: a grandchild of a
// worker that called setsid() (so in neither the group nor the session), still under its worker or
// reparented to us once the worker is gone.
TEST(Launcher, ADescendantThatLeftTheSessionIsFoundUnderItsWorkerOrReparented) {
  ASSERT_TRUE(become_subreaper());
  Target target = launch_tiny("2 --orphan --setsid --grandchild", "left_session");
  const pid_t primary = target.primary_pid();
  std::vector<pid_t> grandchildren;
  ASSERT_TRUE(eventually([&] {
    grandchildren.clear();
    const auto workers = children_of(primary);
    for (pid_t w : workers)
      for (pid_t g : children_of(w)) grandchildren.push_back(g);
    return workers.size() == 2 && grandchildren.size() == 2;
  }, 5000));
  const auto workers = children_of(primary);
  // The first worker dies: its child is reparented to us (the subreaper).
  auto first = Pidfd::open(workers[0]);
  ASSERT_TRUE(first && first->send_signal(SIGKILL));
  ASSERT_TRUE(eventually([&] {
    const auto st = read_proc_stat(grandchildren[0]);
    return st && st->ppid == getpid();
  }, 5000));
  const StopRecord rec = target.stop_and_check_orphans(workers, 3000, 100);
  // The primary also replaced the dead worker (and its replacement forked a child): those survive too.
  for (pid_t p : {workers[1], grandchildren[0], grandchildren[1]})
    EXPECT_NE(std::find(rec.survivors.begin(), rec.survivors.end(), p), rec.survivors.end()) << p;
  EXPECT_TRUE(nothing_left(primary, rec.survivors));
}

TEST(Launcher, APrimaryThatDiedDuringTheRunIsReported) {
  Target target = launch_tiny("2", "primary_died");
  const pid_t primary = target.primary_pid();
  ASSERT_TRUE(eventually([&] { return children_of(primary).size() == 2; }, 5000));
  const auto workers = children_of(primary);
  auto fd = Pidfd::open(primary);
  ASSERT_TRUE(fd && fd->send_signal(SIGKILL));
  const auto exit = target.wait_exit_until(in_ms(5000));
  ASSERT_TRUE(exit);
  EXPECT_EQ(exit->signal, SIGKILL);
  EXPECT_TRUE(target.primary_exited());
  const StopRecord rec = target.stop_and_check_orphans(workers, 1000, 500);
  EXPECT_TRUE(rec.primary_exited_during_run);
  EXPECT_EQ(rec.primary_exit_signal, SIGKILL);
  EXPECT_TRUE(rec.survivors.empty());  // the fixture's workers die with their primary
  EXPECT_TRUE(nothing_left(primary, workers));
}

// A forkcheck that is SIGKILLed cannot clean up: PR_SET_PDEATHSIG must take the primary down.
TEST(Launcher, ASigkilledLauncherTakesThePrimaryDown) {
  become_subreaper();
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t parent = getpid();
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);
    auto result = launch(io_test::tiny_cluster_bin() + " 2", io_test::log_path("sigkilled"));
    pid_t primary = std::holds_alternative<Target>(result) ? std::get<Target>(result).primary_pid() : 0;
    if (write(pipe_fds[1], &primary, sizeof primary) != sizeof primary) _exit(1);
    for (;;) pause();
  }
  close(pipe_fds[1]);
  pid_t primary = 0;
  ASSERT_EQ(read(pipe_fds[0], &primary, sizeof primary), static_cast<ssize_t>(sizeof primary));
  close(pipe_fds[0]);
  ASSERT_GT(primary, 0);
  auto launcher = Pidfd::open(child);
  ASSERT_TRUE(launcher && launcher->send_signal(SIGKILL));
  ASSERT_EQ(waitpid(child, nullptr, 0), child);
  EXPECT_TRUE(eventually([&] { return !process_alive(primary) && group_members(primary).empty(); }, 5000));
  // The primary and its workers were reparented to us (subreaper) and died: reap those zombies.
  EXPECT_TRUE(eventually([&] {
    for (pid_t c : children_of(getpid())) {
      const auto st = read_proc_stat(c);
      if (st && st->pgrp == primary) waitpid(c, nullptr, WNOHANG);
    }
    const auto left = children_of(getpid());
    return std::none_of(left.begin(), left.end(), [&](pid_t c) {
      const auto st = read_proc_stat(c);
      return st && st->pgrp == primary;
    });
  }, 5000));
}

TEST(Launcher, KillAllLaunchedStopsEveryTarget) {
  Target a = launch_tiny("2", "all_a");
  Target b = launch_tiny("2", "all_b");
  kill_all_launched();
  EXPECT_TRUE(a.primary_exited());
  EXPECT_TRUE(b.primary_exited());
  EXPECT_TRUE(group_members(a.pgid()).empty());
  EXPECT_TRUE(group_members(b.pgid()).empty());
}

}  // namespace
}  // namespace forkcheck::harness
