#include "harness/proc/thread_wait.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/clock.hpp"
#include "common/unique_fd.hpp"

namespace forkcheck::harness {
namespace {

TEST(ParseProcSyscall, BlockedInASystemCall) {
  const auto s = parse_proc_syscall("288 0x3 0x7ffd0a513c40 0x7ffd0a513c34 0x80000 0x0 0x0 0x7ffd0a513c08 0x7fec6f728f63\n");
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->in_syscall);
  EXPECT_EQ(s->number, 288);
  EXPECT_EQ(s->args[0], 3u);
  EXPECT_EQ(s->args[3], 0x80000u);
}

TEST(ParseProcSyscall, RunningOrNotInASystemCallOrGarbage) {
  const auto running = parse_proc_syscall("running\n");
  ASSERT_TRUE(running);
  EXPECT_FALSE(running->in_syscall);
  const auto outside = parse_proc_syscall("-1 0x7ffd0a513c08 0x7fec6f728f63\n");
  ASSERT_TRUE(outside);
  EXPECT_FALSE(outside->in_syscall);
  EXPECT_FALSE(parse_proc_syscall(""));
  EXPECT_FALSE(parse_proc_syscall("288 0x3 zz"));
  EXPECT_FALSE(parse_proc_syscall("288 0x3"));  // arguments missing
}

TEST(ParseEpollTargets, ReadsEveryTfdLine) {
  const char* fdinfo =
      "pos:\t0\nflags:\t02000002\nmnt_id:\t15\nino:\t1057\n"
      "tfd:        5 events:       19 data:                5  pos:0 ino:9f35 sdev:8\n"
      "tfd:       12 events: 80000019 data:       100000000c  pos:0 ino:9f40 sdev:8\n";
  EXPECT_EQ(parse_epoll_targets(fdinfo), (std::vector<int>{5, 12}));
  EXPECT_TRUE(parse_epoll_targets("pos:\t0\nflags:\t02\n").empty());
}

TEST(WaitCallOf, KnowsTheCallsThatWaitForAConnection) {
  EXPECT_EQ(wait_call_of(SYS_accept4), WaitCall::accept);
  EXPECT_EQ(wait_call_of(SYS_epoll_pwait), WaitCall::epoll);
  EXPECT_EQ(wait_call_of(SYS_ppoll), WaitCall::poll);
  EXPECT_EQ(wait_call_of(SYS_pselect6), WaitCall::select);
  EXPECT_EQ(wait_call_of(SYS_read), WaitCall::none);
  EXPECT_EQ(wait_call_of(SYS_nanosleep), WaitCall::none);
}

// A child blocked in accept(2) on the listening socket waits on it; one asleep does not. The test
// polls /proc for at most 5 s (the child gets to its accept whenever the scheduler lets it).
class WaitsOn : public ::testing::TestWithParam<bool> {};

TEST_P(WaitsOn, SeesAChildBlockedInAcceptAndNotOneAsleep) {
  const bool accepts = GetParam();
  UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_TRUE(listener);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(listener.get(), 8), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (accepts) ::accept(listener.get(), nullptr, nullptr);
    else ::sleep(10);
    ::_exit(0);
  }
  const std::vector<int> fds{listener.get()};
  bool seen = false;
  for (const mono_ns deadline = monotonic_ns() + ms_to_ns(accepts ? 5000 : 300); !seen && monotonic_ns() < deadline;) {
    seen = waits_on(child, fds);
    ::usleep(1000);
  }
  EXPECT_EQ(seen, accepts);
  EXPECT_FALSE(waits_on(child, {listener.get() + 100}));  // not the descriptor it waits on
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  EXPECT_FALSE(waits_on(child, fds));  // gone
}

INSTANTIATE_TEST_SUITE_P(AcceptOrSleep, WaitsOn, ::testing::Bool());

}  // namespace
}  // namespace forkcheck::harness
