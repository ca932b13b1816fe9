// What the scenario says of the request reaches the server: the path and extra headers on every
// request and probe, the accepted statuses decide ok or bad_status, and ::1 works as the host.
#include <gtest/gtest.h>

#include <stdexcept>

#include "tests/harness/load/load_test_util.hpp"
#include "tests/harness/support/test_server.hpp"

namespace forkcheck::harness {
namespace {

using testing::ServerMode;
using testing::ServerOptions;
using testing::TestServer;

LoadSpec with_request(LoadSpec spec) {
  spec.path = "/healthz?x=1";
  spec.headers = {{"Authorization", "Bearer t0ken"}, {"X-Trace", "abc"}};
  return spec;
}

TEST(LoadRequest, PathAndHeadersArriveOnRequestsAndProbes) {
  TestServer server;
  LoadSpec spec = with_request(open_loop(40, 2));
  spec.probe_rate_hz = 40;
  const LoadRun run = run_load(spec, server.port(), 300);
  ASSERT_GE(run.records.size(), 10U);
  EXPECT_EQ(count_error(run.records, RequestError::ok), run.records.size());
  const auto heads = server.request_heads();
  ASSERT_FALSE(heads.empty());
  for (const std::string& head : heads) {
    EXPECT_EQ(head.rfind("GET /healthz?x=1 HTTP/1.1\r\n", 0), 0U) << head;
    EXPECT_NE(head.find("\r\nAuthorization: Bearer t0ken\r\n"), std::string::npos) << head;
    EXPECT_NE(head.find("\r\nX-Trace: abc\r\n"), std::string::npos) << head;
    EXPECT_NE(head.find("\r\nHost: 127.0.0.1:" + std::to_string(server.port()) + "\r\n"), std::string::npos) << head;
  }
  const bool probes = std::any_of(run.records.begin(), run.records.end(), [](const RequestRecord& r) { return r.probe; });
  EXPECT_TRUE(probes) << "no probe was sent";  // probes share the request: each head above is checked
}

TEST(LoadRequest, AcceptedStatusesDecideOkOrBadStatus) {
  TestServer server(ServerOptions{.mode = ServerMode::status_500});
  LoadSpec spec = open_loop(40, 2);
  spec.expected_body = "";  // the 500 says "oops"
  const LoadRun refused = run_load(spec, server.port(), 250);
  ASSERT_GE(refused.records.size(), 5U);
  EXPECT_EQ(count_error(refused.records, RequestError::bad_status), refused.records.size());
  spec.accepted_statuses = {200, 500};
  const LoadRun accepted = run_load(spec, server.port(), 250);
  ASSERT_GE(accepted.records.size(), 5U);
  EXPECT_EQ(count_error(accepted.records, RequestError::ok), accepted.records.size());
  // An accepted status still has its body checked when expected_body is set.
  spec.expected_body = "Hello from worker";
  const LoadRun wrong_body = run_load(spec, server.port(), 250);
  EXPECT_EQ(count_error(wrong_body.records, RequestError::bad_body), wrong_body.records.size());
}

TEST(LoadRequest, Ipv6Loopback) {
  TestServer server(ServerOptions{.ipv6 = true});
  LoadSpec spec = open_loop(40, 2, /*keep_alive=*/false);
  spec.host = "::1";
  const LoadRun run = run_load(spec, server.port(), 300);
  ASSERT_GE(run.records.size(), 10U);
  EXPECT_EQ(count_error(run.records, RequestError::ok), run.records.size());
  EXPECT_GE(distinct_local_ports(run.records), 5U);  // local ports read from IPv6 sockets
  ASSERT_FALSE(server.request_heads().empty());
  EXPECT_NE(server.request_heads().front().find("\r\nHost: [::1]:" + std::to_string(server.port()) + "\r\n"),
            std::string::npos);
}

TEST(LoadRequest, BadRequestsAreRefusedByTheGenerator) {
  LoadSpec spec = open_loop(1, 1);
  spec.path = "no-slash";
  EXPECT_THROW(LoadGenerator(spec, "127.0.0.1", 80), std::invalid_argument);
  spec = open_loop(1, 1);
  spec.headers = {{"X-A", "1\r\nInjected: yes"}};
  EXPECT_THROW(LoadGenerator(spec, "127.0.0.1", 80), std::invalid_argument);
  spec = open_loop(1, 1);
  spec.accepted_statuses.clear();
  EXPECT_THROW(LoadGenerator(spec, "127.0.0.1", 80), std::invalid_argument);
  EXPECT_THROW(LoadGenerator(open_loop(1, 1), "::2", 80), std::invalid_argument);
  EXPECT_NO_THROW(LoadGenerator(open_loop(1, 1), "::1", 80));
}

}  // namespace
}  // namespace forkcheck::harness
