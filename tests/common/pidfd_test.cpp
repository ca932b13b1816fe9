#include "common/pidfd.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace forkcheck {
namespace {

TEST(Pidfd, SignalsAndSeesTheExit) {
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    pause();
    _exit(0);
  }
  auto handle = Pidfd::open(child);
  ASSERT_TRUE(handle);
  EXPECT_FALSE(handle->exited());
  EXPECT_TRUE(handle->send_signal(SIGKILL));
  EXPECT_TRUE(handle->wait_exit_until(monotonic_ns() + ms_to_ns(5000)));
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  // Reaped: the pidfd still refers to the dead process, never to a recycled pid.
  EXPECT_FALSE(handle->send_signal(SIGKILL));
}

TEST(Pidfd, WaitGivesUpAtTheDeadline) {
  auto self = Pidfd::open(getpid());
  ASSERT_TRUE(self);
  EXPECT_FALSE(self->wait_exit_until(monotonic_ns() + ms_to_ns(20)));
}

TEST(Pidfd, NoHandleForANonProcess) { EXPECT_FALSE(Pidfd::open(0)); }

}  // namespace
}  // namespace forkcheck
