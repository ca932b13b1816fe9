// The scenario's load.path, load.headers, load.accepted_statuses and load.host: each read when good,
// each refused with file:line and the field when not.
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "harness/model/scenario.hpp"

namespace forkcheck::harness {
namespace {

Scenario parsed(const std::string& load_lines) {
  const auto result = parse_scenario("name: x\nload:\n" + load_lines, "s.yaml");
  if (const auto* e = std::get_if<ScenarioError>(&result)) ADD_FAILURE() << e->to_string();
  return std::holds_alternative<Scenario>(result) ? std::get<Scenario>(result) : Scenario{};
}

// The whole error text: "s.yaml:LINE: FIELD: message".
std::string error_of(const std::string& load_lines) {
  const auto result = parse_scenario("name: x\nload:\n" + load_lines, "s.yaml");
  const auto* e = std::get_if<ScenarioError>(&result);
  return e ? e->to_string() : "accepted";
}

TEST(ScenarioLoadRequest, DefaultsAreTheReferencesRequest) {
  const Scenario s = parsed("  rate_rps: 10\n");
  EXPECT_EQ(s.load.path, "/");
  EXPECT_TRUE(s.load.headers.empty());
  EXPECT_EQ(s.load.accepted_statuses, std::vector<int>{200});
  EXPECT_EQ(s.load.host, "127.0.0.1");
}

TEST(ScenarioLoadRequest, EveryKeyIsRead) {
  const Scenario s = parsed(
      "  path: /healthz?full=1\n"
      "  headers:\n    Authorization: Bearer abc\n    X-Trace: \"1\"\n"
      "  accepted_statuses: [200, 204, 404]\n"
      "  host: \"::1\"\n");
  EXPECT_EQ(s.load.path, "/healthz?full=1");
  ASSERT_EQ(s.load.headers.size(), 2U);
  EXPECT_EQ(s.load.headers[0], (std::pair<std::string, std::string>{"Authorization", "Bearer abc"}));
  EXPECT_EQ(s.load.headers[1], (std::pair<std::string, std::string>{"X-Trace", "1"}));
  EXPECT_EQ(s.load.accepted_statuses, (std::vector<int>{200, 204, 404}));
  EXPECT_EQ(s.load.host, "::1");
  EXPECT_EQ(parsed("  host: 127.0.0.2\n").load.host, "127.0.0.2");
  EXPECT_EQ(parsed("  headers:\n    Host: example.test\n").load.headers.size(), 1U);  // replaces the default Host
}

TEST(ScenarioLoadRequest, BadPathsAreRefused) {
  EXPECT_EQ(error_of("  path: healthz\n"), "s.yaml:3: load.path: must start with '/' (origin form, e.g. /healthz)");
  EXPECT_EQ(error_of("  path: \"/a b\"\n"), "s.yaml:3: load.path: must not contain spaces, CR, LF or other control characters");
  EXPECT_NE(error_of("  path: \"/a\\r\\nX: y\"\n").find("s.yaml:3: load.path: must not contain"), std::string::npos);
  EXPECT_NE(error_of("  path: [/]\n").find("s.yaml:3: load.path: expected a string"), std::string::npos);
}

TEST(ScenarioLoadRequest, BadHeadersAreRefused) {
  EXPECT_NE(error_of("  headers: [a]\n").find("s.yaml:3: load.headers: expected a mapping"), std::string::npos);
  EXPECT_NE(error_of("  headers:\n    \"Bad Name\": x\n").find("s.yaml:4: load.headers.Bad Name: 'Bad Name' is not a header name"),
            std::string::npos);
  EXPECT_NE(error_of("  headers:\n    X-A: \"a\\r\\nInjected: 1\"\n").find("s.yaml:4: load.headers.X-A: must not contain CR, LF"),
            std::string::npos);
  EXPECT_NE(error_of("  headers:\n    connection: close\n").find("s.yaml:4: load.headers.connection: Connection is set by the load"),
            std::string::npos);
  EXPECT_NE(error_of("  headers:\n    X-A: 1\n    x-a: 2\n").find("s.yaml:5: load.headers.x-a: duplicate header"),
            std::string::npos);
}

TEST(ScenarioLoadRequest, BadStatusesAreRefused) {
  EXPECT_NE(error_of("  accepted_statuses: []\n").find("s.yaml:3: load.accepted_statuses: expected a non-empty list"),
            std::string::npos);
  EXPECT_NE(error_of("  accepted_statuses: 200\n").find("s.yaml:3: load.accepted_statuses: expected a non-empty list"),
            std::string::npos);
  EXPECT_EQ(error_of("  accepted_statuses: [200,\n    600]\n"),
            "s.yaml:4: load.accepted_statuses[1]: must be between 100 and 599");
  EXPECT_NE(error_of("  accepted_statuses: [ok]\n").find("s.yaml:3: load.accepted_statuses[0]: expected an integer"),
            std::string::npos);
}

TEST(ScenarioLoadRequest, OnlyLoopbackHosts) {
  for (const char* host : {"10.0.0.1", "0.0.0.0", "localhost", "\"::\"", "\"2001:db8::1\"", "example.com"})
    EXPECT_NE(error_of(std::string("  host: ") + host + "\n").find("s.yaml:3: load.host: "), std::string::npos) << host;
  EXPECT_NE(error_of("  host: 10.0.0.1\n").find("not a loopback address"), std::string::npos);
}

}  // namespace
}  // namespace forkcheck::harness
