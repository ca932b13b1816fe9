// When requests are sent, on which connections, and how their latency is measured.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "tests/harness/load/load_test_util.hpp"
#include "tests/harness/support/test_server.hpp"
#include "tests/support/spawned.hpp"

namespace forkcheck::harness {
namespace {

using testing::ServerMode;
using testing::ServerOptions;
using testing::TestServer;

std::vector<RequestRecord> load_only(std::vector<RequestRecord> records) {
  std::erase_if(records, [](const RequestRecord& r) { return r.probe; });
  return records;
}

TEST(LoadSchedule, ConstantRateIsAccurateAndEvenlySpaced) {
  TestServer server;
  const LoadRun run = run_load(open_loop(200, 4), server.port(), 1000);
  ASSERT_NEAR(static_cast<double>(run.records.size()), 200.0, 20.0);
  EXPECT_EQ(count_error(run.records, RequestError::ok), run.records.size());
  std::vector<mono_ns> intended;
  std::vector<mono_ns> send_delay;
  for (const RequestRecord& r : run.records) {
    intended.push_back(r.intended_ns);
    send_delay.push_back(r.start_ns - r.intended_ns);
    EXPECT_GE(r.start_ns, r.intended_ns);
    EXPECT_EQ(r.worker_pid, 4242);
  }
  std::sort(intended.begin(), intended.end());
  EXPECT_EQ(intended.front(), run.start_ns);
  for (std::size_t i = 1; i < intended.size(); ++i) EXPECT_NEAR(intended[i] - intended[i - 1], ms_to_ns(5), 1000);
  std::sort(send_delay.begin(), send_delay.end());
  EXPECT_LT(send_delay[send_delay.size() / 2], ms_to_ns(2));
}

TEST(LoadSchedule, KeepAliveReusesConnections) {
  TestServer server;
  const LoadRun run = run_load(open_loop(100, 3), server.port(), 400);
  ASSERT_GE(run.records.size(), 30U);
  EXPECT_EQ(count_error(run.records, RequestError::ok), run.records.size());
  EXPECT_EQ(distinct_local_ports(run.records), 3U);
  std::map<int, int> fresh_per_connection;
  for (const RequestRecord& r : run.records) fresh_per_connection[r.connection_id] += r.fresh_connection ? 1 : 0;
  EXPECT_EQ(fresh_per_connection.size(), 3U);
  for (const auto& [connection, fresh] : fresh_per_connection) EXPECT_EQ(fresh, 1) << connection;
  EXPECT_EQ(server.connections_accepted(), 3);
}

TEST(LoadSchedule, WithoutKeepAliveEveryRequestOpensAConnection) {
  TestServer server;
  const LoadRun run = run_load(open_loop(100, 3, false), server.port(), 400);
  ASSERT_GE(run.records.size(), 30U);
  EXPECT_EQ(count_error(run.records, RequestError::ok), run.records.size());
  for (const RequestRecord& r : run.records) {
    EXPECT_TRUE(r.fresh_connection);
    EXPECT_GE(r.connection_opened_ns, r.start_ns);
    EXPECT_NE(r.local_port, 0);
  }
  EXPECT_GE(distinct_local_ports(run.records), run.records.size() * 9 / 10);
  EXPECT_EQ(server.connections_accepted(), static_cast<int>(run.records.size()));
}

// A server that stalls 300 ms holds up the requests scheduled behind the stalled one: their
// latency, measured from their intended instant, must include the wait.
TEST(LoadSchedule, NoCoordinatedOmission) {
  TestServer server(ServerOptions{.mode = ServerMode::stall_once, .stall_at = 10, .stall_ms = 300});
  const LoadRun run = run_load(open_loop(100, 1), server.port(), 1000);
  EXPECT_EQ(count_error(run.records, RequestError::ok), run.records.size());
  const auto stalled = std::max_element(run.records.begin(), run.records.end(), [](const auto& a, const auto& b) {
    return a.end_ns - a.start_ns < b.end_ns - b.start_ns;
  });
  ASSERT_GE(stalled->end_ns - stalled->start_ns, ms_to_ns(290));
  int delayed = 0;
  for (const RequestRecord& r : run.records) {
    if (r.intended_ns <= stalled->intended_ns || r.intended_ns >= stalled->end_ns) continue;
    ++delayed;
    EXPECT_GE(r.end_ns - r.intended_ns, stalled->end_ns - r.intended_ns) << "request " << r.id;
  }
  EXPECT_GE(delayed, 25);
  const LoadSummary summary = summarize_load(run.records);
  EXPECT_GE(summary.latency.p90_us, 30'000);
}

TEST(LoadSchedule, ProberOpensFreshConnectionsBesideKeepAliveLoad) {
  TestServer server;
  LoadSpec spec = open_loop(50, 2);
  spec.probe_rate_hz = 50;
  const LoadRun run = run_load(spec, server.port(), 600);
  std::size_t probes = 0;
  for (const RequestRecord& r : run.records) {
    if (!r.probe) continue;
    ++probes;
    EXPECT_TRUE(r.fresh_connection);
    EXPECT_EQ(r.error, RequestError::ok);
  }
  EXPECT_NEAR(static_cast<double>(probes), 30.0, 4.0);
  EXPECT_NEAR(static_cast<double>(load_only(run.records).size()), 30.0, 4.0);
}

TEST(LoadSchedule, ClosedLoopSendsBackToBack) {
  TestServer server;
  LoadSpec spec = open_loop(0, 4);
  spec.closed_loop = true;
  const LoadRun run = run_load(spec, server.port(), 300);
  ASSERT_GE(run.records.size(), 100U);
  EXPECT_EQ(count_error(run.records, RequestError::ok), run.records.size());
  for (const RequestRecord& r : run.records) EXPECT_EQ(r.intended_ns, r.start_ns);
}

TEST(LoadSchedule, DrainedRecordsAreEveryRecordOnceAndNotKept) {
  TestServer server;
  LoadGenerator load(open_loop(200, 4), "127.0.0.1", server.port());
  const mono_ns start = monotonic_ns();
  load.start(start, start + ms_to_ns(400));
  std::vector<RequestRecord> drained;
  int nonempty_drains = 0;
  ASSERT_TRUE(forkcheck::testing::eventually(
      [&] {
        const auto batch = load.drain_records();
        nonempty_drains += batch.empty() ? 0 : 1;
        drained.insert(drained.end(), batch.begin(), batch.end());
        return monotonic_ns() > start + ms_to_ns(450) && load.counters().ok + load.counters().failed_total() ==
                                                              static_cast<std::uint64_t>(drained.size());
      },
      3000, 20));
  load.join();
  const auto rest = load.drain_records();
  drained.insert(drained.end(), rest.begin(), rest.end());
  EXPECT_EQ(drained.size(), load.counters().ok + load.counters().failed_total());
  EXPECT_GE(nonempty_drains, 3);
  std::set<std::uint64_t> ids;
  for (const RequestRecord& r : drained) ids.insert(r.id);
  EXPECT_EQ(ids.size(), drained.size());
  // A drained record is not kept: a run that drains as it goes holds no request in the generator.
  EXPECT_TRUE(load.all_records().empty());
}

TEST(LoadSchedule, StopEndsALongRunAtOnce) {
  TestServer server(ServerOptions{.mode = ServerMode::never_answer});
  LoadGenerator load(open_loop(50, 2), "127.0.0.1", server.port());
  const mono_ns start = monotonic_ns();
  load.start(start, start + ms_to_ns(60'000));
  ASSERT_TRUE(forkcheck::testing::eventually([&] { return load.counters().sent >= 2; }, 2000));
  const mono_ns stop_called = monotonic_ns();
  load.stop();
  load.join();
  EXPECT_LT(monotonic_ns() - stop_called, ms_to_ns(500));
  const auto records = load.all_records();
  ASSERT_GE(records.size(), 2U);
  for (const RequestRecord& r : records) {
    EXPECT_EQ(r.error, RequestError::cancelled);
    EXPECT_EQ(r.sys_errno, ECANCELED);
  }
}

}  // namespace
}  // namespace forkcheck::harness
