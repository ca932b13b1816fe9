#include "harness/load/http_response.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace forkcheck::harness {
namespace {

const std::string kHello =
    "HTTP/1.1 200 OK\r\nContent-Length: 17\r\nx-worker-PID: 4242\r\nServer: t\r\n\r\nHello from worker";
const std::string kChunked =
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    "5;ext=1\r\nHello\r\nc\r\n from worker\r\n0\r\nTrailer: x\r\n\r\n";
const std::string kUntilClose = "HTTP/1.0 200 OK\r\nX-Worker-Pid: 7\r\n\r\nHello from worker";

ResponseParser parsed(const std::string& bytes, ResponseLimits limits = {}) {
  ResponseParser p(limits);
  p.feed(bytes);
  return p;
}

TEST(HttpResponse, ContentLengthResponse) {
  const ResponseParser p = parsed(kHello);
  ASSERT_EQ(p.status(), ParseStatus::complete);
  EXPECT_EQ(p.status_code(), 200);
  EXPECT_EQ(p.reason(), "OK");
  EXPECT_EQ(p.body(), "Hello from worker");
  EXPECT_EQ(p.worker_pid(), 4242);
  EXPECT_EQ(p.header("SERVER"), "t");
  EXPECT_FALSE(p.header("missing").has_value());
  EXPECT_TRUE(p.keep_alive());
  EXPECT_EQ(p.unconsumed(), 0U);
}

TEST(HttpResponse, ChunkedResponseWithExtensionAndTrailer) {
  const ResponseParser p = parsed(kChunked);
  ASSERT_EQ(p.status(), ParseStatus::complete);
  EXPECT_EQ(p.body(), "Hello from worker");
  EXPECT_TRUE(p.keep_alive());
}

TEST(HttpResponse, ReadUntilCloseCompletesAtEof) {
  ResponseParser p = parsed(kUntilClose);
  EXPECT_EQ(p.status(), ParseStatus::need_more);
  EXPECT_EQ(p.finish_at_eof(), ParseStatus::complete);
  EXPECT_EQ(p.body(), "Hello from worker");
  EXPECT_EQ(p.worker_pid(), 7);
  EXPECT_FALSE(p.keep_alive());
}

TEST(HttpResponse, EverySplitPointGivesTheSameResult) {
  for (const std::string& whole : {kHello, kChunked, kUntilClose}) {
    for (std::size_t cut = 0; cut <= whole.size(); ++cut) {
      ResponseParser p;
      p.feed(std::string_view(whole).substr(0, cut));
      p.feed(std::string_view(whole).substr(cut));
      p.finish_at_eof();
      ASSERT_EQ(p.status(), ParseStatus::complete) << "cut at " << cut << " of " << whole;
      EXPECT_EQ(p.body(), "Hello from worker");
    }
  }
}

TEST(HttpResponse, ByteAtATime) {
  ResponseParser p;
  for (char c : kChunked) p.feed(std::string_view(&c, 1));
  ASSERT_EQ(p.status(), ParseStatus::complete);
  EXPECT_EQ(p.body(), "Hello from worker");
}

TEST(HttpResponse, ConnectionSemantics) {
  EXPECT_FALSE(parsed("HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n").keep_alive());
  EXPECT_FALSE(parsed("HTTP/1.1 200 OK\r\nConnection: foo, close\r\nContent-Length: 0\r\n\r\n").keep_alive());
  EXPECT_FALSE(parsed("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").keep_alive());
  EXPECT_TRUE(parsed("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n").keep_alive());
  EXPECT_TRUE(parsed("HTTP/1.1 204 No Content\r\n\r\n").keep_alive());
}

TEST(HttpResponse, InterimResponsesAreSkipped) {
  const ResponseParser p = parsed("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 500 Oops\r\nContent-Length: 2\r\n\r\nno");
  ASSERT_EQ(p.status(), ParseStatus::complete);
  EXPECT_EQ(p.status_code(), 500);
  EXPECT_EQ(p.body(), "no");
  EXPECT_EQ(parsed("HTTP/1.1 101 Switching\r\n\r\n").error(), ParseError::unexpected_upgrade);
  std::string many;
  for (int i = 0; i < 20; ++i) many += "HTTP/1.1 103 Early Hints\r\n\r\n";
  EXPECT_EQ(parsed(many).error(), ParseError::too_many_interim);
}

TEST(HttpResponse, BytesAfterTheResponseAreReported) {
  const ResponseParser p = parsed(kHello + "HTTP/1.1");
  ASSERT_EQ(p.status(), ParseStatus::complete);
  EXPECT_EQ(p.unconsumed(), 8U);
}

TEST(HttpResponse, ResetReusesTheParser) {
  ResponseParser p = parsed("garbage\r\n\r\n");
  EXPECT_EQ(p.status(), ParseStatus::error);
  p.reset();
  EXPECT_EQ(p.feed(kHello), ParseStatus::complete);
  EXPECT_EQ(p.body(), "Hello from worker");
}

TEST(HttpResponse, TruncatedResponseIsAnErrorAtEof) {
  ResponseParser p = parsed(kHello.substr(0, kHello.size() - 3));
  EXPECT_EQ(p.finish_at_eof(), ParseStatus::error);
  EXPECT_EQ(p.error(), ParseError::truncated);
  ResponseParser empty;
  EXPECT_EQ(empty.finish_at_eof(), ParseStatus::error);
  EXPECT_FALSE(empty.started());
}

struct BadCase {
  std::string bytes;
  ParseError error;
};

TEST(HttpResponse, MalformedInputIsAnError) {
  const BadCase cases[] = {
      {"SSH-2.0-OpenSSH\r\n\r\n", ParseError::bad_status_line},
      {"HTTP/2.0 200 OK\r\n\r\n", ParseError::bad_status_line},
      {"HTTP/1.1 20 OK\r\n\r\n", ParseError::bad_status_line},
      {"HTTP/1.1 200OK\r\n\r\n", ParseError::bad_status_line},
      {"HTTP/1.1 099 Low\r\n\r\n", ParseError::bad_status_line},
      {"HTTP/1.1 200 OK\r\nNo colon\r\n\r\n", ParseError::bad_header},
      {"HTTP/1.1 200 OK\r\n: empty\r\n\r\n", ParseError::bad_header},
      {"HTTP/1.1 200 OK\r\nA : space\r\n\r\n", ParseError::bad_header},
      {"HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n", ParseError::bad_header},
      {"HTTP/1.1 200 OK\r\nA: b\x01\r\n\r\n", ParseError::bad_header},
      {"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n", ParseError::bad_content_length},
      {"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", ParseError::bad_content_length},
      {"HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n", ParseError::bad_content_length},
      {"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", ParseError::bad_content_length},
      {"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", ParseError::bad_content_length},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", ParseError::bad_chunk},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", ParseError::bad_chunk},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\nab\r\n", ParseError::bad_chunk},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n", ParseError::body_too_large},
  };
  for (const BadCase& c : cases) {
    const ResponseParser p = parsed(c.bytes);
    EXPECT_EQ(p.status(), ParseStatus::error) << c.bytes;
    EXPECT_EQ(p.error(), c.error) << c.bytes << " gave " << to_string(p.error());
  }
}

TEST(HttpResponse, OversizedHeadIsAnErrorWithBoundedMemory) {
  ResponseParser p;
  const std::string chunk(64 * 1024, 'a');
  ParseStatus s = p.feed("HTTP/1.1 200 OK\r\nX-Big: ");
  for (int i = 0; i < 64 && s == ParseStatus::need_more; ++i) s = p.feed(chunk);
  EXPECT_EQ(s, ParseStatus::error);
  EXPECT_EQ(p.error(), ParseError::head_too_large);
}

TEST(HttpResponse, TooManyHeaders) {
  std::string head = "HTTP/1.1 200 OK\r\n";
  for (int i = 0; i < 100; ++i) {  // appended piece by piece: "A" + string trips a false g++ 12 -O3 -Wrestrict
    head += 'A';
    head += std::to_string(i);
    head += ": b\r\n";
  }
  EXPECT_EQ(parsed(head + "\r\n").error(), ParseError::too_many_headers);
}

TEST(HttpResponse, BodyLimits) {
  const ResponseLimits small{.max_body_bytes = 16};
  EXPECT_EQ(parsed("HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\n", small).error(), ParseError::body_too_large);
  EXPECT_EQ(parsed(kChunked, small).error(), ParseError::body_too_large);
  EXPECT_EQ(parsed(kUntilClose, small).error(), ParseError::body_too_large);
  const ResponseLimits tiny_wire{.max_wire_bytes = 40};
  EXPECT_EQ(parsed(kHello, tiny_wire).error(), ParseError::response_too_large);
}

TEST(HttpResponse, MalformedWorkerPidIsZero) {
  for (const char* value : {"abc", "-5", "99999999999", "", "12 3"}) {
    const ResponseParser p = parsed(std::string("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Worker-Pid: ") + value + "\r\n\r\n");
    EXPECT_EQ(p.status(), ParseStatus::complete) << value;
    EXPECT_EQ(p.worker_pid(), 0) << value;
  }
}

TEST(HttpResponse, RandomBytesNeverCrashOrHang) {
  std::mt19937 rng(12345);
  const std::string alphabet = "HTTP/1.0 2\r\n:;chunkedConnectio-Lg0123456789abcdef \t\x01\xff";
  for (int round = 0; round < 3000; ++round) {
    std::string bytes = round % 3 == 0 ? kChunked.substr(0, rng() % kChunked.size()) : "";
    const std::size_t length = rng() % 300;
    for (std::size_t i = 0; i < length; ++i) bytes += alphabet[rng() % alphabet.size()];
    ResponseParser p;
    for (std::size_t at = 0; at < bytes.size();) {
      const std::size_t piece = 1 + rng() % 17;
      p.feed(std::string_view(bytes).substr(at, piece));
      at += piece;
    }
    EXPECT_NE(p.finish_at_eof(), ParseStatus::need_more);
  }
}

TEST(HttpRequest, BuildsAGetWithHostAndConnection) {
  EXPECT_EQ(build_get_request("127.0.0.1", 8000, "/", true),
            "GET / HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_EQ(build_get_request("127.0.0.1", 80, "/x", false),
            "GET /x HTTP/1.1\r\nHost: 127.0.0.1:80\r\nConnection: close\r\n\r\n");
}

TEST(BuildGetRequest, ExtraHeadersInOrderAndAGivenHostReplacesTheDefault) {
  EXPECT_EQ(build_get_request("::1", 8000, "/h", true, {{"X-A", "1"}, {"X-B", "two"}}),
            "GET /h HTTP/1.1\r\nHost: [::1]:8000\r\nX-A: 1\r\nX-B: two\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_EQ(build_get_request("127.0.0.1", 80, "/", false, {{"host", "app.test"}}),
            "GET / HTTP/1.1\r\nhost: app.test\r\nConnection: close\r\n\r\n");
}

}  // namespace
}  // namespace forkcheck::harness
