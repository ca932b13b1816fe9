// Each way a server can fail a request ends up as its own error kind, and the load keeps going.
#include <gtest/gtest.h>

#include <stdexcept>

#include "tests/harness/load/load_test_util.hpp"
#include "tests/harness/support/test_server.hpp"
#include "tests/support/spawned.hpp"

namespace forkcheck::harness {
namespace {

using testing::ServerMode;
using testing::ServerOptions;
using testing::TestServer;

void expect_all(const LoadRun& run, RequestError error, std::size_t at_least) {
  ASSERT_GE(run.records.size(), at_least);
  EXPECT_EQ(count_error(run.records, error), run.records.size()) << "expected only " << to_string(error);
}

LoadRun run_against(ServerMode mode, LoadSpec spec = open_loop(40, 2), int duration_ms = 300) {
  TestServer server(ServerOptions{.mode = mode});
  return run_load(spec, server.port(), duration_ms);
}

TEST(LoadErrors, RefusedWhenNothingListens) {
  const LoadRun run = run_load(open_loop(40, 2), forkcheck::testing::free_port(), 300);
  expect_all(run, RequestError::refused, 10);
  EXPECT_EQ(run.records.front().sys_errno, ECONNREFUSED);
  EXPECT_EQ(run.records.front().local_port, 0);
}

TEST(LoadErrors, TimeoutWhenTheServerNeverAnswers) {
  LoadSpec spec = open_loop(20, 1);
  spec.timeout_ms = 100;
  const LoadRun run = run_against(ServerMode::never_answer, spec, 500);
  expect_all(run, RequestError::timeout, 8);
  for (const RequestRecord& r : run.records) {
    if (r.start_ns != 0) {
      EXPECT_GE(r.end_ns - r.start_ns, ms_to_ns(100));
    }
  }
  EXPECT_LT(run.joined_ns, run.stop_ns + ms_to_ns(2 * 100 + 200));
}

TEST(LoadErrors, ResetWhenTheServerAborts) { expect_all(run_against(ServerMode::reset), RequestError::reset, 10); }

TEST(LoadErrors, EofWhenTheServerClosesWithoutAnswer) {
  expect_all(run_against(ServerMode::eof), RequestError::eof, 10);
}

TEST(LoadErrors, BadBodyKeepsWhatCameBack) {
  LoadSpec spec = open_loop(40, 2);
  spec.expected_body = "Hello from worker";
  const LoadRun run = run_against(ServerMode::wrong_body, spec);
  expect_all(run, RequestError::bad_body, 10);
  ASSERT_EQ(run.bad_bodies.size(), kBadBodySamples);
  for (std::size_t i = 0; i < run.bad_bodies.size(); ++i) {
    EXPECT_EQ(run.bad_bodies[i].body, "Hello from nobody");
    EXPECT_EQ(run.bad_bodies[i].body_bytes, 17U);
    EXPECT_EQ(run.bad_bodies[i].status, 200);
    if (i > 0) {
      EXPECT_LT(run.bad_bodies[i - 1].request_id, run.bad_bodies[i].request_id);
    }
  }
}

TEST(LoadErrors, AnyBodyIsAcceptedWhenNoneIsExpected) {
  expect_all(run_against(ServerMode::wrong_body), RequestError::ok, 10);
}

TEST(LoadErrors, BadStatusKeepsTheStatus) {
  const LoadRun run = run_against(ServerMode::status_500);
  expect_all(run, RequestError::bad_status, 10);
  EXPECT_EQ(run.records.front().status, 500);
}

TEST(LoadErrors, BadResponseForGarbage) {
  expect_all(run_against(ServerMode::garbage), RequestError::bad_response, 10);
}

TEST(LoadErrors, ConnectTimeoutWhenTheAcceptQueueIsFull) {
  TestServer server(ServerOptions{.accept_connections = false});
  LoadSpec spec = open_loop(40, 4);
  spec.timeout_ms = 150;
  const LoadRun run = run_load(spec, server.port(), 300);
  EXPECT_GT(count_error(run.records, RequestError::connect_timeout), 0U);
  EXPECT_EQ(count_error(run.records, RequestError::ok), 0U);
}

TEST(LoadErrors, ServerClosingBetweenRequestsIsNotAFailure) {
  for (ServerMode mode : {ServerMode::close_after_n, ServerMode::drop_after_n}) {
    const LoadRun run = run_against(mode, open_loop(60, 2), 500);
    ASSERT_GE(run.records.size(), 25U);
    EXPECT_EQ(count_error(run.records, RequestError::ok), run.records.size()) << static_cast<int>(mode);
    const auto fresh = std::count_if(run.records.begin(), run.records.end(),
                                     [](const RequestRecord& r) { return r.fresh_connection; });
    EXPECT_GE(static_cast<std::size_t>(fresh), run.records.size() / 3);
  }
}

TEST(LoadErrors, CountersMatchTheRecords) {
  const LoadRun run = run_against(ServerMode::status_500);
  EXPECT_EQ(run.counters.ok, 0U);
  EXPECT_EQ(run.counters.failed_total(), run.records.size());
  EXPECT_EQ(run.counters.failed[static_cast<std::size_t>(RequestError::bad_status)], run.records.size());
  EXPECT_EQ(run.counters.sent, run.records.size());
}

TEST(LoadErrors, NonLoopbackTargetsAreRejected) {
  EXPECT_THROW(LoadGenerator(open_loop(1, 1), "10.1.2.3", 80), std::invalid_argument);
  EXPECT_THROW(LoadGenerator(open_loop(1, 1), "localhost", 80), std::invalid_argument);
  EXPECT_THROW(LoadGenerator(open_loop(1, 0), "127.0.0.1", 80), std::invalid_argument);
}

}  // namespace
}  // namespace forkcheck::harness
