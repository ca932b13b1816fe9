// The strict request-head parser, one test per rule (RFC 9110/9112): what is accepted, and for
// each violation the named error and the status it is answered with.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "reference/http_head.hpp"

namespace forkcheck::reference {
namespace {

HeadResult parse(const std::string& head, HeadLimits limits = {}) {
  Request request;
  return parse_head(head, limits, request);
}

HeadError error_of(const std::string& head, HeadLimits limits = {}) {
  const HeadResult r = parse(head, limits);
  return r.verdict == Verdict::rejected ? r.error : HeadError::none;
}

TEST(HttpHead, AcceptsAWellFormedHeadAndFillsTheRequest) {
  Request request;
  const std::string head = "GET /a%20b/c?x=1&y=2 HTTP/1.1\r\nHost: t\r\nX-Thing:  v  \r\n\r\nrest";
  const HeadResult r = parse_head(head, {}, request);
  ASSERT_EQ(r.verdict, Verdict::complete);
  EXPECT_EQ(r.head.head_bytes, head.size() - 4);
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.path, "/a b/c");
  EXPECT_EQ(request.get_param_value("y"), "2");
  EXPECT_EQ(request.version, "HTTP/1.1");
  EXPECT_EQ(request.get_header_value("x-thing"), "v");
  EXPECT_TRUE(r.head.keep_alive);
  EXPECT_EQ(r.head.framing, BodyFraming::none);
}

TEST(HttpHead, PathAndQueryAreDecodedOnceAMalformedEscapeAnywhereIsRefused) {
  Request request;
  ASSERT_EQ(parse_head("GET http://t/a+%2Fb?k+1=%41%3D&k+1=2&=e HTTP/1.1\r\nHost: t\r\n\r\n", {}, request).verdict,
            Verdict::complete);
  EXPECT_EQ(request.path, "/a+/b");
  const std::vector<QueryParam> expected{{"k 1", "A="}, {"k 1", "2"}, {"", "e"}};
  EXPECT_EQ(request.params, expected);
  for (const char* target : {"/?a=%zz", "/?%4", "/?a=%u0041"})
    EXPECT_EQ(error_of(std::string("GET ") + target + " HTTP/1.1\r\nHost: t\r\n\r\n"), HeadError::bad_target) << target;
}

TEST(HttpHead, IncompleteUntilTheEmptyLine) {
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: t\r\n").verdict, Verdict::incomplete);
  EXPECT_EQ(parse("GET / HTT").verdict, Verdict::incomplete);
}

TEST(HttpHead, LeadingEmptyLinesAreIgnored) {
  EXPECT_EQ(parse("\r\n\r\nGET / HTTP/1.1\r\nHost: t\r\n\r\n").verdict, Verdict::complete);
}

TEST(HttpHead, HeadSizeAndFieldCountAreLimited) {
  HeadLimits limits;
  limits.head_max_bytes = 64;
  EXPECT_EQ(error_of("GET /" + std::string(100, 'a') + " HTTP/1.1\r\n", limits), HeadError::head_too_large);
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\nHost: t\r\nX: " + std::string(100, 'a'), limits), HeadError::head_too_large);
  limits = {};
  limits.fields_max = 2;
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\nHost: t\r\nA: 1\r\nB: 2\r\n\r\n", limits), HeadError::too_many_fields);
  EXPECT_EQ(status_for(HeadError::head_too_large), 431);
  EXPECT_EQ(status_for(HeadError::too_many_fields), 431);
}

TEST(HttpHead, LinesEndWithCrLf) {
  EXPECT_EQ(error_of("GET / HTTP/1.1\nHost: t\n\n"), HeadError::bare_line_feed);
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\nHost: t\n"), HeadError::bare_line_feed);
}

TEST(HttpHead, RequestLineIsMethodSpTargetSpVersion) {
  for (const char* head : {"GET  / HTTP/1.1\r\n", "GET /\r\n", "GET / HTTP/1.1 x\r\n", "GARBAGE\r\n"})
    EXPECT_EQ(error_of(head), HeadError::bad_request_line) << head;
}

TEST(HttpHead, MethodIsAToken) {
  EXPECT_EQ(error_of("G(T / HTTP/1.1\r\nHost: t\r\n\r\n"), HeadError::bad_method);
  EXPECT_EQ(error_of("G\x01T / HTTP/1.1\r\nHost: t\r\n\r\n"), HeadError::bad_method);
}

TEST(HttpHead, TargetIsVisibleAsciiWithValidPercentEncoding) {
  for (const char* target : {"/a\"b", "/a<b", "/%zz", "/%4", "/\x80", "/a{b}", "a/b", "/#frag"})
    EXPECT_EQ(error_of(std::string("GET ") + target + " HTTP/1.1\r\nHost: t\r\n\r\n"), HeadError::bad_target) << target;
  EXPECT_EQ(error_of("GET * HTTP/1.1\r\nHost: t\r\n\r\n"), HeadError::bad_target) << "* is for OPTIONS only";
  EXPECT_EQ(error_of("OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n"), HeadError::none);
  EXPECT_EQ(error_of("GET http://t/x?y HTTP/1.1\r\nHost: t\r\n\r\n"), HeadError::none);
  EXPECT_EQ(error_of("GET /%41~!$&'()*+,;=:@/? HTTP/1.1\r\nHost: t\r\n\r\n"), HeadError::none);
}

TEST(HttpHead, VersionIsHttp10Or11) {
  EXPECT_EQ(error_of("GET / HTTP/9.9\r\n\r\n"), HeadError::unsupported_version);
  EXPECT_EQ(status_for(HeadError::unsupported_version), 505);
  EXPECT_EQ(error_of("GET / HTTX/1.1\r\n\r\n"), HeadError::bad_version);
  EXPECT_EQ(error_of("GET / HTTP/1.10\r\n\r\n"), HeadError::bad_version);
  EXPECT_EQ(error_of("GET / http/1.1\r\n\r\n"), HeadError::bad_version);
}

TEST(HttpHead, FieldLinesHaveATokenNameAndAColonWithNoSpaceBefore) {
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\nHost t\r\n\r\n"), HeadError::missing_colon);
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\nHost : t\r\n\r\n"), HeadError::space_before_colon);
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\nHost\t: t\r\n\r\n"), HeadError::space_before_colon);
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\nHo(st: t\r\n\r\n"), HeadError::bad_field_name);
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\n: t\r\n\r\n"), HeadError::bad_field_name);
}

TEST(HttpHead, ObsFoldIsRejected) {
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\nHost: t\r\nX: a\r\n b\r\n\r\n"), HeadError::obs_fold);
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\n\tHost: t\r\n\r\n"), HeadError::obs_fold);
}

TEST(HttpHead, FieldValuesHaveNoControlCharacters) {
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\nHost: t\r\nX: a\rb\r\n\r\n"), HeadError::bad_field_value);
  EXPECT_EQ(error_of(std::string("GET / HTTP/1.1\r\nHost: t\r\nX: a\0b\r\n\r\n", 36)), HeadError::bad_field_value);
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\nHost: t\r\nX: a\tb \xff\r\n\r\n"), HeadError::none);
}

TEST(HttpHead, Http11NeedsExactlyOneHost) {
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\n\r\n"), HeadError::missing_host);
  EXPECT_EQ(error_of("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n"), HeadError::duplicate_host);
  EXPECT_EQ(error_of("GET / HTTP/1.0\r\n\r\n"), HeadError::none);
}

TEST(HttpHead, ContentLengthIsDigitsAndOneValue) {
  for (const char* cl : {"-1", "+1", "1x", "", "1 2", "0x10", "99999999999999999999999"})
    EXPECT_EQ(error_of(std::string("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: ") + cl + "\r\n\r\n"),
              HeadError::bad_content_length) << cl;
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
            HeadError::bad_content_length);
  const HeadResult same = parse("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n");
  ASSERT_EQ(same.verdict, Verdict::complete);
  EXPECT_EQ(same.head.framing, BodyFraming::length);
  EXPECT_EQ(same.head.content_length, 3u);
}

TEST(HttpHead, ContentLengthWithTransferEncodingIsRejected) {
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"),
            HeadError::length_and_chunked);
}

TEST(HttpHead, TransferEncodingMustEndWithChunked) {
  const HeadResult chunked = parse("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: Chunked\r\n\r\n");
  ASSERT_EQ(chunked.verdict, Verdict::complete);
  EXPECT_EQ(chunked.head.framing, BodyFraming::chunked);
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"), HeadError::unsupported_coding);
  EXPECT_EQ(status_for(HeadError::unsupported_coding), 501);
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"), HeadError::bad_transfer_encoding);
  EXPECT_EQ(error_of("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), HeadError::bad_transfer_encoding);
}

TEST(HttpHead, AnnouncedBodyOverTheLimitIs413) {
  HeadLimits limits;
  limits.body_max_bytes = 10;
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\n", limits), HeadError::body_too_large);
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n", limits), HeadError::none);
  EXPECT_EQ(status_for(HeadError::body_too_large), 413);
}

TEST(HttpHead, OnlyTheContinueExpectationIsMet) {
  const HeadResult r = parse("POST / HTTP/1.1\r\nHost: t\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n");
  EXPECT_TRUE(r.head.expect_continue);
  EXPECT_EQ(error_of("POST / HTTP/1.1\r\nHost: t\r\nExpect: teapot\r\n\r\n"), HeadError::unsupported_expectation);
  EXPECT_EQ(status_for(HeadError::unsupported_expectation), 417);
}

TEST(HttpHead, ConnectionDecidesKeepAlive) {
  EXPECT_FALSE(parse("GET / HTTP/1.1\r\nHost: t\r\nConnection: foo, Close\r\n\r\n").head.keep_alive);
  EXPECT_FALSE(parse("GET / HTTP/1.0\r\n\r\n").head.keep_alive);
  EXPECT_TRUE(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").head.keep_alive);
}

ChunkedResult chunked(const std::string& body, std::string& out, HeadLimits limits = {}) {
  return decode_chunked(body, limits, out);
}

TEST(HttpChunked, DecodesChunksExtensionsAndTrailers) {
  std::string body;
  const std::string wire = "3;ext=1\r\nabc\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\nNEXT";
  const ChunkedResult r = chunked(wire, body);
  ASSERT_EQ(r.verdict, Verdict::complete);
  EXPECT_EQ(body, "abc0123456789");
  EXPECT_EQ(r.consumed, wire.size() - 4);
  EXPECT_EQ(chunked("3\r\nab", body).verdict, Verdict::incomplete);
  EXPECT_EQ(chunked("3\r\nabc\r\n0\r\n", body).verdict, Verdict::incomplete);
}

TEST(HttpChunked, BadChunkSizesAreRejected) {
  std::string body;
  for (const char* wire : {"x\r\n", "\r\n", "-1\r\n", "3\r\nabcd\r\n", "3\nabc\r\n", "0x3\r\nabc\r\n"})
    EXPECT_EQ(chunked(wire, body).error, HeadError::bad_chunk) << wire;
  EXPECT_EQ(chunked("fffffffffffffffffffff\r\n", body).error, HeadError::body_too_large);
  HeadLimits limits;
  limits.body_max_bytes = 4;
  EXPECT_EQ(chunked("3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", body, limits).error, HeadError::body_too_large);
  EXPECT_EQ(chunked("3\r\nabc\r\n0\r\nBad : t\r\n\r\n", body).error, HeadError::space_before_colon);
}

}  // namespace
}  // namespace forkcheck::reference
