// Percent-decoding of targets and queries (RFC 3986 §2.1; WHATWG form-urlencoded for the query),
// the malformed escapes refused, and the message types' lookups.
#include <gtest/gtest.h>

#include <string>

#include "reference/http_message.hpp"
#include "reference/percent_decode.hpp"

namespace forkcheck::reference {
namespace {

TEST(PercentDecode, DecodesEveryEscapeInEitherCase) {
  EXPECT_EQ(percent_decode("/a%20b/%41%4a%4A%7e"), "/a b/AJJ~");
  EXPECT_EQ(percent_decode("%2F%3f%25"), "/?%") << "an escaped delimiter is data, decoded once";
  EXPECT_EQ(percent_decode("%2525"), "%25") << "decoded once, not twice";
  EXPECT_EQ(percent_decode(""), "");
}

TEST(PercentDecode, PlusIsASpaceOnlyWhereAskedFor) {
  EXPECT_EQ(percent_decode("/a+b"), "/a+b");
  EXPECT_EQ(percent_decode("a+b%2B", PlusSign::space), "a b+");
}

TEST(PercentDecode, BytesAreNotInterpreted) {
  EXPECT_EQ(percent_decode("a%00b"), std::string("a\0b", 3));
  EXPECT_EQ(percent_decode("%C3%A9%FF"), "\xC3\xA9\xFF");
}

TEST(PercentDecode, MalformedEscapesAreRefused) {
  for (const char* s : {"%", "a%", "%4", "a%4", "%zz", "%4g", "%g4", "%u00e9", "%%41", "/%2"})
    EXPECT_EQ(percent_decode(s), std::nullopt) << s;
  EXPECT_TRUE(is_escape_at("x%41", 1));
  EXPECT_FALSE(is_escape_at("x%4", 1));
}

TEST(ParseQuery, PairsInOrderWithRepeatsKept) {
  const std::vector<QueryParam> expected{{"a", "1"}, {"b", "2"}, {"a", "1"}, {"a", "3"}};
  EXPECT_EQ(parse_query("a=1&b=2&a=1&a=3"), expected);
}

TEST(ParseQuery, SplitsAtTheFirstEqualsSign) {
  const std::vector<QueryParam> expected{{"a", "b=c"}, {"", "v"}, {"k", ""}, {"e", ""}};
  EXPECT_EQ(parse_query("a=b=c&=v&k&e="), expected);
}

TEST(ParseQuery, EmptyPiecesAreSkippedAndBothSidesDecoded) {
  const std::vector<QueryParam> expected{{"a=b", "c&d"}, {"k 1", "v 2"}};
  EXPECT_EQ(parse_query("&&a%3Db=c%26d&&k+1=v+2&"), expected);
  EXPECT_EQ(parse_query(""), std::vector<QueryParam>{});
}

TEST(ParseQuery, AMalformedEscapeRefusesTheQuery) {
  EXPECT_EQ(parse_query("a=1&b=%zz"), std::nullopt);
  EXPECT_EQ(parse_query("%4=1"), std::nullopt);
}

TEST(HttpMessage, HeaderLookupIgnoresCaseAndTheFirstFieldWins) {
  Request request;
  request.headers.add("X-Thing", "one");
  request.headers.add("x-thing", "two");
  EXPECT_TRUE(request.has_header("x-THING"));
  EXPECT_EQ(request.get_header_value("X-THING"), "one");
  EXPECT_FALSE(request.has_header("X-Thin"));
  EXPECT_EQ(request.get_header_value("Host"), "");
}

TEST(HttpMessage, ParamLookupIsCaseSensitive) {
  Request request;
  request.params = {{"y", "2"}, {"Y", "3"}};
  EXPECT_EQ(request.get_param_value("Y"), "3");
  EXPECT_TRUE(request.has_param("y"));
  EXPECT_FALSE(request.has_param("z"));
  EXPECT_EQ(request.get_param_value("z"), "");
}

}  // namespace
}  // namespace forkcheck::reference
