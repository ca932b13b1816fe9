#include "harness/proc/proc_scan.hpp"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "common/unique_fd.hpp"
#include "tests/support/spawned.hpp"

namespace forkcheck::harness {
namespace {

// 52 fields as a 6.x kernel prints them; the command holds a space and a ')'.
constexpr const char* kZombieStat =
    "4242 (tiny (x) y) Z 4200 4200 4100 0 -1 4227596 95 0 0 0 0 0 0 0 20 0 1 0 12345 0 0 "
    "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 9\n";

TEST(ProcScan, ParsesStateParentGroupAndExitCode) {
  const auto st = parse_proc_stat(kZombieStat);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->state, 'Z');
  EXPECT_EQ(st->ppid, 4200);
  EXPECT_EQ(st->pgrp, 4200);
  EXPECT_EQ(st->exit_code, 9);
  EXPECT_FALSE(st->alive());
}

TEST(ProcScan, RejectsGarbage) {
  EXPECT_FALSE(parse_proc_stat(""));
  EXPECT_FALSE(parse_proc_stat("12 (x"));
  EXPECT_FALSE(parse_proc_stat("12 (x) RR 1 1"));
  EXPECT_FALSE(parse_proc_stat("12 (x) R one 1"));
}

TEST(ProcScan, ReadsItself) {
  const auto st = read_proc_stat(getpid());
  ASSERT_TRUE(st);
  EXPECT_TRUE(st->alive());
  EXPECT_EQ(st->ppid, getppid());
  EXPECT_EQ(st->pgrp, getpgrp());
  EXPECT_TRUE(process_alive(getpid()));
  const auto members = group_members(getpgrp());
  EXPECT_NE(std::find(members.begin(), members.end(), getpid()), members.end());
}

TEST(ProcScan, AGoneProcessHasNoStat) { EXPECT_FALSE(read_proc_stat(0x3fffffff)); }

// The child of a vfork: reports its pid and waits for ever, so the thread that made it stays
// blocked in vfork(2), where a SIGSTOP waits (state D) while the process's other threads stop.
int hold_vfork_parent(void* pipe_fd) {
  const pid_t self = static_cast<pid_t>(::syscall(SYS_getpid));
  if (::write(*static_cast<int*>(pipe_fd), &self, sizeof self) != sizeof self) ::_exit(1);
  for (;;) ::pause();
}

void* vfork_from_thread(void* pipe_fd) {
  static char stack[64 * 1024];
  ::clone(hold_vfork_parent, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, pipe_fd);
  for (;;) ::pause();
}

// After a SIGSTOP the process's stat (its main thread) reads T while a second thread has not
// stopped yet; a kill's freeze must wait for every thread.
TEST(ProcScan, EveryThreadStoppedWaitsForTheLastThread) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  UniqueFd read_end(fds[0]), write_end(fds[1]);
  const pid_t pid = ::fork();
  if (pid == 0) {
    static int fd = write_end.get();
    pthread_t thread;
    if (::pthread_create(&thread, nullptr, vfork_from_thread, &fd) != 0) ::_exit(1);
    for (;;) ::pause();
  }
  ASSERT_GT(pid, 0);
  pid_t holder = 0;
  ASSERT_EQ(::read(read_end.get(), &holder, sizeof holder), static_cast<ssize_t>(sizeof holder));
  ASSERT_EQ(::kill(pid, SIGSTOP), 0);
  EXPECT_TRUE(testing::eventually([&] { return read_proc_stat(pid) && read_proc_stat(pid)->state == 'T'; }, 5000));
  EXPECT_FALSE(every_thread_stopped(pid));  // the vforking thread is still in the kernel
  ::kill(holder, SIGKILL);                  // vfork returns: that thread stops too
  EXPECT_TRUE(testing::eventually([&] { return every_thread_stopped(pid); }, 5000));
  ::kill(pid, SIGKILL);
  ::waitpid(holder, nullptr, __WALL | WNOHANG);
  ::waitpid(pid, nullptr, 0);
  EXPECT_FALSE(every_thread_stopped(pid));  // gone
}

}  // namespace
}  // namespace forkcheck::harness
