// The worker's request path, in-process: bytes in, bytes out, through HttpSession and the service
// from make_service (the same path the fuzz target drives and the event loop runs).
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "reference/http_service.hpp"

namespace forkcheck::reference {
namespace {

std::string answer(const std::string& request, ServiceOptions options = {}) {
  const Service service = make_service(options);
  HttpSession session(service);
  std::string out;
  session.receive(request);
  session.process(out);
  return out;
}

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

TEST(HttpService, GetAnswersHelloWithThePid) {
  const std::string out = answer("GET /any/path?x=1 HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << out;
  EXPECT_NE(out.find("X-Worker-Pid: " + std::to_string(getpid()) + "\r\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("Connection: close"), std::string::npos) << out;
  EXPECT_EQ(out.substr(out.find("\r\n\r\n") + 4), kHelloBody);
}

TEST(HttpService, HeadAnswers200WithoutBody) {
  const std::string out = answer("HEAD / HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << out;
  EXPECT_NE(out.find("Content-Length: 17\r\n"), std::string::npos) << out;
  EXPECT_EQ(out.find(kHelloBody), std::string::npos);
}

TEST(HttpService, MalformedRequestsGet4xxWithConnectionClose) {
  for (const std::string request : {"GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET\r\n\r\n", "GET / HTTP/1.1\r\nHost t\r\n\r\n"}) {
    const std::string out = answer(request);
    EXPECT_TRUE(out.starts_with("HTTP/1.1 4") || out.starts_with("HTTP/1.1 505")) << request << "\n" << out;
    EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos) << out;
    EXPECT_NE(out.find("X-Worker-Pid: "), std::string::npos) << out;
  }
}

TEST(HttpService, PayloadLimitIsEnforced) {
  ServiceOptions options;
  options.limits.head.body_max_bytes = 16;
  const std::string out = answer("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 64\r\n\r\n" + std::string(64, 'x'), options);
  EXPECT_EQ(out.rfind("HTTP/1.1 413", 0), 0u) << out;
}

TEST(HttpService, ExpectContinueOverTheLimitIs413Not100) {
  ServiceOptions options;
  options.limits.head.body_max_bytes = 16;
  const std::string over = answer("POST / HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 17\r\n\r\n", options);
  EXPECT_EQ(over.rfind("HTTP/1.1 413", 0), 0u) << over;
  EXPECT_EQ(over.find("100 Continue"), std::string::npos) << over;
  const std::string within = answer("POST / HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 16\r\n\r\n", options);
  EXPECT_EQ(within, "HTTP/1.1 100 Continue\r\n\r\n");
}

TEST(HttpService, OtherMethodsAreNotFound) {
  const std::string out = answer("DELETE / HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 404", 0), 0u) << out;
  EXPECT_NE(out.find("X-Worker-Pid: " + std::to_string(getpid()) + "\r\n"), std::string::npos) << out;
}

TEST(HttpService, PipelinedRequestsAreAnsweredInOrderAndChunkedBodiesRead) {
  const std::string out = answer(
      "GET / HTTP/1.1\r\nHost: t\r\n\r\n"
      "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
      "HEAD / HTTP/1.1\r\nHost: t\r\n\r\n");
  const auto ok1 = out.find("HTTP/1.1 200"), nf = out.find("HTTP/1.1 404"), ok2 = out.rfind("HTTP/1.1 200");
  EXPECT_LT(ok1, nf);
  EXPECT_LT(nf, ok2);
  EXPECT_EQ(count(out, "HTTP/1.1 "), 3u) << out;
}

TEST(HttpService, BytesArrivingOneByOneMakeTheSameAnswer) {
  const Service service = make_service({});
  HttpSession session(service);
  std::string out;
  const std::string request = "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nab";
  for (char c : request) {
    EXPECT_TRUE(out.empty());
    session.receive(std::string(1, c));
    session.process(out);
  }
  EXPECT_EQ(out.rfind("HTTP/1.1 404", 0), 0u) << out;
  EXPECT_EQ(session.phase(), SessionPhase::idle);
}

TEST(HttpService, KeepAliveMaxClosesTheLastAnswer) {
  ServiceOptions options;
  options.limits.keep_alive_max = 2;
  const std::string get = "GET / HTTP/1.1\r\nHost: t\r\n\r\n";
  const std::string out = answer(get + get + get, options);
  EXPECT_EQ(count(out, "HTTP/1.1 200"), 2u) << out;
  EXPECT_EQ(count(out, "Connection: close"), 1u) << out;
}

TEST(HttpService, DrainAnswersTheRequestBegunAndClosesIdleOnes) {
  const Service service = make_service({});
  HttpSession begun(service);
  std::string out;
  begun.receive("GET / HTTP/1.1\r\nHo");
  begun.process(out);
  begun.drain();
  EXPECT_EQ(begun.phase(), SessionPhase::head);
  begun.receive("st: t\r\n\r\n");
  begun.process(out);
  EXPECT_NE(out.find("Connection: close"), std::string::npos) << out;
  EXPECT_EQ(begun.phase(), SessionPhase::closing);

  HttpSession kept(service);
  kept.receive("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
  kept.process(out);
  kept.drain();
  EXPECT_EQ(kept.phase(), SessionPhase::closing);
}

TEST(HttpService, TimeOutAnswers408AndCloses) {
  const Service service = make_service({});
  HttpSession session(service);
  std::string out;
  session.receive("GET / HTTP/1.1\r\n");
  session.process(out);
  session.time_out(out);
  EXPECT_EQ(out.rfind("HTTP/1.1 408", 0), 0u) << out;
  EXPECT_EQ(session.phase(), SessionPhase::closing);
}

}  // namespace
}  // namespace forkcheck::reference
