// The worker's request path, in-process: bytes in, bytes out, through ServiceServer::process (the
// same path the fuzz target drives), and the lazily grown thread pool behind it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <string>

#include "reference/http_service.hpp"
#include "reference/lazy_pool.hpp"
#include "reference/memory_stream.hpp"

namespace forkcheck::reference {
namespace {

std::string answer(const std::string& request, ServiceOptions options = {}) {
  ServiceServer server(options);
  MemoryStream stream(request);
  server.process(stream);
  return stream.output();
}

TEST(HttpService, GetAnswersHelloWithThePid) {
  const std::string out = answer("GET /any/path?x=1 HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << out;
  EXPECT_NE(out.find("X-Worker-Pid: " + std::to_string(getpid()) + "\r\n"), std::string::npos) << out;
  EXPECT_EQ(out.substr(out.find("\r\n\r\n") + 4), kHelloBody);
}

TEST(HttpService, HeadAnswers200WithoutBody) {
  const std::string out = answer("HEAD / HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << out;
  EXPECT_EQ(out.find(kHelloBody), std::string::npos);
}

TEST(HttpService, MalformedRequestsGet4xx) {
  for (const std::string request : {"GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET\r\n\r\n"}) {
    const std::string out = answer(request);
    EXPECT_EQ(out.rfind("HTTP/1.1 4", 0), 0u) << "request: " << request << "\nanswer: " << out;
  }
}

TEST(HttpService, PayloadLimitIsEnforced) {
  ServiceOptions options;
  options.payload_max_bytes = 16;
  const std::string out = answer("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 64\r\n\r\n" + std::string(64, 'x'), options);
  EXPECT_EQ(out.rfind("HTTP/1.1 413", 0), 0u) << out;
}

TEST(HttpService, OtherMethodsAreNotFound) {
  const std::string out = answer("DELETE / HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 404", 0), 0u) << out;
  EXPECT_NE(out.find("X-Worker-Pid: " + std::to_string(getpid()) + "\r\n"), std::string::npos) << out;
}

TEST(LazyThreadPool, StartsNoThreadUntilNeededAndRunsEveryTask) {
  std::atomic<int> done{0};
  {
    LazyThreadPool pool(4);
    EXPECT_EQ(pool.thread_count(), 0u);
    for (int i = 0; i < 100; ++i) pool.enqueue([&done] { ++done; });
    EXPECT_GE(pool.thread_count(), 1u);
    EXPECT_LE(pool.thread_count(), 4u);
    pool.shutdown();
    EXPECT_EQ(done.load(), 100);
    pool.enqueue([&done] { ++done; });  // after shutdown: dropped, never run
  }
  EXPECT_EQ(done.load(), 100);
}

}  // namespace
}  // namespace forkcheck::reference
