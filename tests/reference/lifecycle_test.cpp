// Stopping refcluster: SIGTERM drains in-flight requests, the grace period bounds the drain, a
// SIGKILLed primary takes its workers along, and a hung worker is replaced.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <cstring>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "common/pidfd.hpp"
#include "common/unique_fd.hpp"
#include "tests/reference/cluster_fixture.hpp"

namespace forkcheck::testing {
namespace {

using forkcheck::EventKind;

UniqueFd connect_to(int port) { return connect_loopback(port); }

void send_all(int fd, const std::string& s) { ASSERT_EQ(send(fd, s.data(), s.size(), MSG_NOSIGNAL), ssize_t(s.size())); }

// Reads until `until` has been received, the peer closes, or the timeout passes.
std::string read_response(int fd, int timeout_ms, const std::string& until) {
  std::string out;
  const mono_ns deadline = monotonic_ns() + ms_to_ns(timeout_ms);
  char buffer[4096];
  while (out.find(until) == std::string::npos && monotonic_ns() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  return out;
}

pid_t worker_pid_in(const std::string& response) {
  const auto at = response.find("X-Worker-Pid: ");
  return at == std::string::npos ? 0 : static_cast<pid_t>(std::stol(response.substr(at + 14)));
}

// A request the worker is provably in the middle of: it has read the headers and answered
// "100 Continue", and now waits for the body. (A request sent on an idle keep-alive connection is not
// enough: a draining worker closes idle connections, the usual HTTP/1.1 keep-alive race.) It is a
// POST because a GET is answered without reading a body; refcluster answers it 404, with its pid.
UniqueFd open_in_flight(int port) {
  UniqueFd fd = connect_to(port);
  send_all(fd.get(), "POST /slow HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
  const std::string interim = read_response(fd.get(), 3000, "\r\n\r\n");
  EXPECT_EQ(interim.rfind("HTTP/1.1 100 Continue", 0), 0u) << interim;
  return fd;
}

TEST(Lifecycle, SigtermCompletesInFlightRequestsAndExitsZero) {
  auto c = Cluster::start(2, {"--grace-ms", "5000"});
  UniqueFd in_flight = open_in_flight(c.port());
  ASSERT_TRUE(c.process().signal(SIGTERM));
  // The idle worker drains at once; the one holding our request must wait for it.
  ASSERT_TRUE(c.wait_for_event(EventKind::exit, 1, 3000)) << c.output();
  const pid_t drained = c.events_of(EventKind::exit).at(0).pid;
  const auto workers = c.ready_workers();
  ASSERT_EQ(workers.size(), 1u) << "one worker still drains";
  EXPECT_TRUE(process_alive(workers[0]));
  EXPECT_NE(workers[0], drained);
  send_all(in_flight.get(), "body");
  const std::string response = read_response(in_flight.get(), 3000, "X-Worker-Pid: " + std::to_string(workers[0]));
  EXPECT_EQ(response.rfind("HTTP/1.1 404 Not Found", 0), 0u) << response;
  EXPECT_EQ(worker_pid_in(response), workers[0]) << response;
  const auto status = c.process().wait_until(monotonic_ns() + ms_to_ns(5000));
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0);
  for (const auto& e : c.events_of(EventKind::exit)) EXPECT_EQ(e.status, 0);
  EXPECT_EQ(c.events().back().kind, EventKind::shutdown_complete);
}

TEST(Lifecycle, GracePeriodBoundsTheDrain) {
  auto c = Cluster::start(1, {"--grace-ms", "200"});
  UniqueFd in_flight = open_in_flight(c.port());
  ASSERT_TRUE(c.process().signal(SIGTERM));
  const auto status = c.process().wait_until(monotonic_ns() + ms_to_ns(5000));
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
  const auto exits = c.events_of(EventKind::exit);
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_EQ(exits[0].signal, SIGKILL) << "the request never completed, so the worker was killed";
}

TEST(Lifecycle, SigintStopsLikeSigterm) {
  auto c = Cluster::start(2);
  ASSERT_TRUE(c.process().signal(SIGINT));
  const auto status = c.process().wait_until(monotonic_ns() + ms_to_ns(5000));
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
  EXPECT_EQ(c.events_of(EventKind::shutdown).at(0).detail, "SIGINT");
}

TEST(Lifecycle, SigkilledPrimaryLeavesNoWorker) {
  auto c = Cluster::start(3);
  const auto workers = c.ready_workers();
  ASSERT_EQ(workers.size(), 3u);
  ASSERT_TRUE(c.process().signal(SIGKILL));
  EXPECT_TRUE(eventually(
      [&] {
        for (pid_t w : workers)
          if (process_alive(w)) return false;
        return true;
      },
      3000));
  EXPECT_TRUE(eventually([&] { return group_members(c.process().pid()).empty(); }, 3000));
}

TEST(Lifecycle, HungWorkerIsKilledAndReplaced) {
  auto c = Cluster::start(2, {"--heartbeat-timeout-ms", "300"});
  const pid_t victim = c.ready_workers().at(0);
  ASSERT_TRUE(Cluster::kill_worker(victim, SIGSTOP));
  ASSERT_TRUE(c.wait_for_event(EventKind::hung, 1, 3000)) << c.output();
  EXPECT_EQ(c.events_of(EventKind::hung).at(0).pid, victim);
  ASSERT_TRUE(c.wait_for_event(EventKind::ready, 3, 3000));
  EXPECT_TRUE(c.wait_for_ready(2, 3000));
  const auto exits = c.events_of(EventKind::exit);
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_EQ(exits[0].signal, SIGKILL);
  EXPECT_EQ(http_get(c.port()).status, 200);
}

// Releasing a dead process costs its parent the kernel's /proc cleanup (0.3-1.1 s once on a loaded
// machine), so the replacement is forked first: at the primary's fork (a ptrace fork stop) the dead
// worker must still be a zombie. A reaped process's pidfd reports POLLHUP; a zombie's does not.
TEST(Lifecycle, ReplacementIsForkedBeforeTheDeadWorkerIsReaped) {
  auto c = Cluster::start(2);
  const pid_t primary = c.process().pid();
  const pid_t victim = c.ready_workers().at(0);
  const auto victim_fd = Pidfd::open(victim);
  ASSERT_TRUE(victim_fd);
  ASSERT_EQ(ptrace(PTRACE_SEIZE, primary, nullptr, PTRACE_O_TRACEFORK), 0) << std::strerror(errno);
  ASSERT_TRUE(victim_fd->send_signal(SIGKILL));
  int status = 0;
  bool at_fork = false;
  // SIGCHLD is blocked in the primary (read from its signalfd), so its first stop is the fork; any
  // other stop is passed on, a bounded number of times.
  for (int i = 0; i < 20 && !at_fork; ++i) {
    if (waitpid(primary, &status, __WALL) != primary || !WIFSTOPPED(status)) break;
    at_fork = (status >> 8) == (SIGTRAP | (PTRACE_EVENT_FORK << 8));
    if (!at_fork) ptrace(PTRACE_CONT, primary, nullptr, WSTOPSIG(status) == SIGTRAP ? 0 : WSTOPSIG(status));
  }
  pollfd p{victim_fd->fd(), POLLIN, 0};
  ASSERT_EQ(poll(&p, 1, 0), 1);
  const bool reaped = p.revents & POLLHUP;
  if (at_fork) {
    unsigned long child = 0;
    ptrace(PTRACE_GETEVENTMSG, primary, nullptr, &child);
    waitpid(static_cast<pid_t>(child), &status, __WALL);  // the traced child's first stop
    ptrace(PTRACE_DETACH, static_cast<pid_t>(child), nullptr, nullptr);
  }
  ptrace(PTRACE_DETACH, primary, nullptr, nullptr);
  ASSERT_TRUE(at_fork) << "the primary was not seen forking the replacement\n" << c.output();
  EXPECT_FALSE(reaped) << "the dead worker was reaped before its replacement was forked";
  EXPECT_TRUE(c.wait_for_ready(2, 3000));
}

// No worker beats once the only one is stopped, so the channel never becomes readable: the primary
// must still read it (empty) every turn, since a worker's silence is judged only up to its last read.
TEST(Lifecycle, OnlyWorkerHungIsKilledThoughTheChannelStaysSilent) {
  auto c = Cluster::start(1, {"--heartbeat-timeout-ms", "300"});
  const pid_t victim = c.ready_workers().at(0);
  ASSERT_TRUE(Cluster::kill_worker(victim, SIGSTOP));
  ASSERT_TRUE(c.wait_for_event(EventKind::hung, 1, 3000)) << c.output();
  EXPECT_EQ(c.events_of(EventKind::hung).at(0).pid, victim);
  EXPECT_TRUE(c.wait_for_ready(1, 3000));
}

// The heartbeat comes from the serving loop itself: a worker whose loop stops turning while its
// other thread (the accept thread) runs on is seen as hung. The loop is the main thread (tid ==
// pid); ptrace stops that one thread only.
TEST(Lifecycle, StuckLoopIsKilledAsHungEvenWhileItsOtherThreadRuns) {
  auto c = Cluster::start(2, {"--heartbeat-timeout-ms", "300"});
  const pid_t victim = c.ready_workers().at(0);
  ASSERT_EQ(ptrace(PTRACE_SEIZE, victim, nullptr, nullptr), 0) << std::strerror(errno);
  ASSERT_EQ(ptrace(PTRACE_INTERRUPT, victim, nullptr, nullptr), 0) << std::strerror(errno);
  int status = 0;
  ASSERT_EQ(waitpid(victim, &status, __WALL), victim);  // the loop thread is in ptrace-stop
  if (!c.wait_for_event(EventKind::hung, 1, 3000)) {
    ptrace(PTRACE_DETACH, victim, nullptr, nullptr);
    FAIL() << "a worker whose loop is stopped was not seen as hung\n" << c.output();
  }
  // The tracer reaps first: until then the primary does not learn of the death.
  for (int i = 0; i < 100 && waitpid(victim, &status, __WALL) == victim && !WIFSIGNALED(status) && !WIFEXITED(status); ++i)
    ptrace(PTRACE_CONT, victim, nullptr, nullptr);
  EXPECT_EQ(c.events_of(EventKind::hung).at(0).pid, victim);
  EXPECT_TRUE(c.wait_for_ready(2, 3000));
}

}  // namespace
}  // namespace forkcheck::testing
