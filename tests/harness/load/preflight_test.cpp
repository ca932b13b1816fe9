// The pre-flight request: one request before the schedule, judged by the load's own rule; a refusal
// names what differs and the option to change, and shows the status line, the headers and the
// body's first bytes (escaped) of what came back.
#include <gtest/gtest.h>

#include "harness/load/preflight.hpp"
#include "tests/harness/support/test_server.hpp"
#include "tests/support/spawned.hpp"

namespace forkcheck::harness {
namespace {

using testing::ServerMode;
using testing::ServerOptions;
using testing::TestServer;

PreflightAnswer answer(int status, std::string body) {
  return PreflightAnswer{status, "HTTP/1.1 " + std::to_string(status) + " Whatever", {{"Content-Type", "text/plain"}},
                         std::move(body)};
}

LoadSpec expecting(std::string body) {
  LoadSpec spec;
  spec.expected_body = std::move(body);
  return spec;
}

TEST(PreflightJudge, AnAnswerThatMeetsTheExpectationPasses) {
  EXPECT_FALSE(judge_preflight(expecting("OK\n"), answer(200, "OK\n")));
  EXPECT_FALSE(judge_preflight(expecting(""), answer(200, "anything at all")));
}

TEST(PreflightJudge, AnotherBodyNamesTheOptionsWithTheBodyThatCameBack) {
  const auto r = judge_preflight(expecting("Hello from worker"), answer(200, "OK\n"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->summary,
            "the pre-flight request GET / got status 200 and another body than the expected \"Hello from worker\": pass "
            "--expect-body 'OK\\n' or --any-body (scenario: load.expected_body)");
  EXPECT_EQ(r->details,
            "  request: GET / HTTP/1.1\n  response: HTTP/1.1 200 Whatever\n    Content-Type: text/plain\n"
            "  body (3 bytes): \"OK\\n\"\n");
}

TEST(PreflightJudge, AQuoteInTheBodyStaysInsideTheSuggestedArgument) {
  const auto r = judge_preflight(expecting("x"), answer(200, "it's"));
  ASSERT_TRUE(r);
  EXPECT_NE(r->summary.find("--expect-body 'it\\x27s' or --any-body"), std::string::npos) << r->summary;
}

TEST(PreflightJudge, ALongBodyIsShownCutAndOnlyAnyBodySuggested) {
  const auto r = judge_preflight(expecting("x"), answer(200, std::string(500, 'a') + "\x01"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->summary.find("--expect-body '"), std::string::npos) << r->summary;
  EXPECT_NE(r->summary.find("pass --any-body"), std::string::npos) << r->summary;
  EXPECT_NE(r->details.find("body (501 bytes): \"" + std::string(200, 'a') + "\"... (501 bytes)"), std::string::npos)
      << r->details;
}

TEST(PreflightJudge, AnotherStatusSuggestsTheStatusOrAnotherPath) {
  LoadSpec spec = expecting("OK\n");
  spec.path = "/";
  const auto r = judge_preflight(spec, answer(404, "not found\n"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->summary,
            "the pre-flight request GET / got status 404, not an accepted one (200): pass --expect-status 200,404 if that "
            "answer is right, or --path PATH of a page the server answers (e.g. --path /healthz) (scenario: "
            "load.accepted_statuses, load.path)");
  EXPECT_NE(r->details.find("body (10 bytes): \"not found\\n\""), std::string::npos);
}

TEST(PreflightRequest, ReadsTheWholeAnswer) {
  TestServer server(ServerOptions{.mode = ServerMode::wrong_body});
  LoadSpec spec;
  spec.path = "/healthz";
  spec.headers = {{"X-Test", "1"}};
  std::string error;
  const auto a = send_preflight_request(spec, "127.0.0.1", server.port(), monotonic_ns() + ms_to_ns(2000), &error);
  ASSERT_TRUE(a) << error;
  EXPECT_EQ(a->status, 200);
  EXPECT_EQ(a->status_line.rfind("HTTP/1.1 200", 0), 0U) << a->status_line;
  EXPECT_EQ(a->body, "Hello from nobody");
  EXPECT_FALSE(a->headers.empty());
  ASSERT_FALSE(server.request_heads().empty());
  const std::string head = server.request_heads().front();
  EXPECT_EQ(head.rfind("GET /healthz HTTP/1.1\r\n", 0), 0U) << head;
  EXPECT_NE(head.find("\r\nX-Test: 1"), std::string::npos) << head;
}

TEST(PreflightRequest, NoAnswerSaysWhatHappened) {
  std::string error;
  EXPECT_FALSE(send_preflight_request(LoadSpec{}, "127.0.0.1", forkcheck::testing::free_port(),
                                      monotonic_ns() + ms_to_ns(1000), &error));
  EXPECT_EQ(error, "connect: Connection refused");
  TestServer silent(ServerOptions{.mode = ServerMode::never_answer});
  const mono_ns start = monotonic_ns();
  EXPECT_FALSE(send_preflight_request(LoadSpec{}, "127.0.0.1", silent.port(), start + ms_to_ns(150), &error));
  EXPECT_EQ(error, "no complete response within the request timeout");
  TestServer eof(ServerOptions{.mode = ServerMode::eof});
  EXPECT_FALSE(send_preflight_request(LoadSpec{}, "127.0.0.1", eof.port(), monotonic_ns() + ms_to_ns(1000), &error));
  EXPECT_EQ(error, "the server closed the connection without answering");
}

}  // namespace
}  // namespace forkcheck::harness
