// Stopping refcluster: SIGTERM drains in-flight requests, the grace period bounds the drain, a
// SIGKILLed primary takes its workers along, and a hung worker is replaced.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "common/unique_fd.hpp"
#include "tests/reference/cluster_fixture.hpp"

namespace forkcheck::testing {
namespace {

using forkcheck::EventKind;

UniqueFd connect_to(int port) {
  UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return {};
  return fd;
}

void send_all(int fd, const std::string& s) { ASSERT_EQ(send(fd, s.data(), s.size(), MSG_NOSIGNAL), ssize_t(s.size())); }

// Reads one response whose body is "Hello from worker" (or until close / timeout).
std::string read_response(int fd, int timeout_ms = 3000) {
  std::string out;
  const mono_ns deadline = monotonic_ns() + ms_to_ns(timeout_ms);
  char buffer[4096];
  while (out.find("Hello from worker") == std::string::npos && monotonic_ns() < deadline) {
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

// A keep-alive connection that has been served once (so a worker has surely accepted it) and then
// holds a half-sent request: an in-flight request that the drain must complete.
struct InFlight {
  UniqueFd fd;
  pid_t worker = 0;
};

InFlight open_in_flight(int port) {
  InFlight f{connect_to(port)};
  send_all(f.fd.get(), "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
  f.worker = worker_pid_in(read_response(f.fd.get()));
  send_all(f.fd.get(), "GET /slow HTTP/1.1\r\nHost: t\r\n");  // headers not finished yet
  return f;
}

TEST(Lifecycle, SigtermCompletesInFlightRequestsAndExitsZero) {
  auto c = Cluster::start(2, {"--grace-ms", "5000"});
  InFlight f = open_in_flight(c.port());
  ASSERT_NE(f.worker, 0);
  ASSERT_TRUE(c.process().signal(SIGTERM));
  // The idle worker drains at once; the one holding our request must wait for it.
  ASSERT_TRUE(c.wait_for_event(EventKind::exit, 1, 3000)) << c.output();
  ASSERT_NE(c.events_of(EventKind::exit).at(0).pid, f.worker);
  EXPECT_TRUE(process_alive(f.worker));
  send_all(f.fd.get(), "\r\n");
  const std::string response = read_response(f.fd.get());
  EXPECT_EQ(response.rfind("HTTP/1.1 200 OK", 0), 0u) << response;
  EXPECT_EQ(worker_pid_in(response), f.worker);
  const auto status = c.process().wait_until(monotonic_ns() + ms_to_ns(5000));
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0);
  for (const auto& e : c.events_of(EventKind::exit)) EXPECT_EQ(e.status, 0);
  EXPECT_EQ(c.events().back().kind, EventKind::shutdown_complete);
}

TEST(Lifecycle, GracePeriodBoundsTheDrain) {
  auto c = Cluster::start(1, {"--grace-ms", "200"});
  InFlight f = open_in_flight(c.port());
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

}  // namespace
}  // namespace forkcheck::testing
