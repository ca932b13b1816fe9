// What a run is told about the user's server beyond its scenario: C escapes in --expect-body, the
// --path/--header/--expect-status/--any-body/--stop-signal flags, their layering (a suite target's
// own, then the command line's), the `run` flags that carry them to a suite's cells, and the
// scenario keys stop_signal, min_workers and max_workers.
#include <gtest/gtest.h>

#include <csignal>
#include <string>
#include <variant>

#include "harness/model/c_escape.hpp"
#include "harness/model/scenario.hpp"
#include "harness/model/target_overrides.hpp"

namespace forkcheck::harness {
namespace {

std::string unescaped(const std::string& text) {
  std::string error;
  const auto bytes = unescape_c(text, &error);
  return bytes ? *bytes : "ERROR: " + error;
}

TEST(CEscape, TheEscapesAUserTypesAreUnderstood) {
  EXPECT_EQ(unescaped("OK\\n"), "OK\n");
  EXPECT_EQ(unescaped("a\\tb\\r\\n\\\\\\\"\\'"), "a\tb\r\n\\\"'");
  EXPECT_EQ(unescaped("\\x41\\x7a\\x00!"), std::string("Az\0!", 4));
  EXPECT_EQ(unescaped("plain text"), "plain text");
}

TEST(CEscape, AnUnknownOrCutEscapeIsAnErrorThatSaysWhich) {
  EXPECT_EQ(unescaped("OK\\q"), "ERROR: unknown escape \\q (understood: \\n \\r \\t \\0 \\\\ \\\" \\' \\a \\b \\f \\v \\xHH)");
  EXPECT_EQ(unescaped("OK\\"), "ERROR: a backslash at the end (write \\\\ for a backslash)");
  EXPECT_EQ(unescaped("\\x4"), "ERROR: \\x needs two hex digits (e.g. \\x0d)");
}

TEST(CEscape, EscapingForDisplayRoundTripsEveryByte) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  const std::string shown = escape_c(all);
  for (char c : shown) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << "not printable: " << static_cast<int>(c);
  EXPECT_EQ(unescaped(shown), all);
  EXPECT_EQ(escape_c("OK\n\"x\"\\"), "OK\\n\\\"x\\\"\\\\");
}

TEST(CEscape, QuotedBytesAreCutWithTheirLength) {
  EXPECT_EQ(quote_bytes("OK\n", 200), "\"OK\\n\"");
  EXPECT_EQ(quote_bytes("abcdef", 3), "\"abc\"... (6 bytes)");
}

std::optional<TargetOverrides> parsed_flags(const TargetOverrideFlags& flags, std::string* error) {
  return parse_target_overrides(flags, error);
}

TEST(TargetOverrides, EveryFlagIsRead) {
  TargetOverrideFlags flags;
  flags.path = "/healthz";
  flags.headers = {"Authorization: Bearer abc", "X-Trace:1"};
  flags.expect_status = "200, 204";
  flags.expect_body = "OK\\n";
  flags.stop_signal = "QUIT";
  std::string error;
  const auto o = parsed_flags(flags, &error);
  ASSERT_TRUE(o) << error;
  EXPECT_EQ(o->path, "/healthz");
  ASSERT_EQ(o->headers.size(), 2U);
  EXPECT_EQ(o->headers[0], (std::pair<std::string, std::string>{"Authorization", "Bearer abc"}));
  EXPECT_EQ(o->headers[1], (std::pair<std::string, std::string>{"X-Trace", "1"}));
  EXPECT_EQ(o->accepted_statuses, (std::vector<int>{200, 204}));
  EXPECT_EQ(o->expected_body, "OK\n");
  EXPECT_EQ(o->stop_signal, SIGQUIT);
}

TEST(TargetOverrides, AnyBodyIsTheEmptyExpectation) {
  TargetOverrideFlags flags;
  flags.any_body = true;
  std::string error;
  const auto o = parsed_flags(flags, &error);
  ASSERT_TRUE(o) << error;
  EXPECT_EQ(o->expected_body, "");
}

TEST(TargetOverrides, EachRefusalNamesItsFlag) {
  const auto refused = [](TargetOverrideFlags flags) {
    std::string error;
    EXPECT_FALSE(parse_target_overrides(flags, &error));
    return error;
  };
  EXPECT_EQ(refused({.path = "healthz"}).rfind("--path: must start with '/'", 0), 0U);
  EXPECT_EQ(refused({.headers = {"no colon"}}).rfind("--header: expected 'Name: value'", 0), 0U);
  EXPECT_EQ(refused({.headers = {"Connection: close"}}).rfind("--header: Connection is set by the load", 0), 0U);
  EXPECT_EQ(refused({.headers = {"A: 1", "a: 2"}}), "--header: a given twice");
  EXPECT_EQ(refused({.expect_status = "200,600"}).rfind("--expect-status: expected HTTP statuses 100..599", 0), 0U);
  EXPECT_EQ(refused({.expect_status = "200,"}).rfind("--expect-status:", 0), 0U);
  EXPECT_EQ(refused({.expect_body = "OK\\q"}).rfind("--expect-body: unknown escape \\q", 0), 0U);
  EXPECT_EQ(refused({.expect_body = ""}), "--expect-body: empty: pass --any-body to accept any body");
  EXPECT_EQ(refused({.expect_body = "x", .any_body = true}), "--expect-body: give it or --any-body, not both");
  EXPECT_EQ(refused({.stop_signal = "SIGFOO"}), "--stop-signal: unknown signal 'SIGFOO' (e.g. SIGTERM, QUIT or 3)");
  EXPECT_EQ(refused({.stop_signal = "KILL"}).rfind("--stop-signal: SIGKILL cannot ask for a graceful stop", 0), 0U);
}

TEST(TargetOverrides, TheRunFlagsSayTheSameAndReadBack) {
  TargetOverrides o;
  o.path = "/a?c=1";
  o.headers = {{"X-Odd", "it's \"quoted\""}};
  o.accepted_statuses = std::vector<int>{200, 404};
  o.expected_body = std::string("OK\n\x01\xff", 5);
  o.stop_signal = SIGQUIT;
  const std::vector<std::string> args = target_override_arguments(o);
  TargetOverrideFlags flags;
  for (std::size_t i = 0; i + 1 < args.size(); i += 2) {
    if (args[i] == "--path") flags.path = args[i + 1];
    if (args[i] == "--header") flags.headers.push_back(args[i + 1]);
    if (args[i] == "--expect-status") flags.expect_status = args[i + 1];
    if (args[i] == "--expect-body") flags.expect_body = args[i + 1];
    if (args[i] == "--stop-signal") flags.stop_signal = args[i + 1];
  }
  std::string error;
  const auto back = parse_target_overrides(flags, &error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(back->path, o.path);
  EXPECT_EQ(back->headers, o.headers);
  EXPECT_EQ(back->accepted_statuses, o.accepted_statuses);
  EXPECT_EQ(back->expected_body, o.expected_body);
  EXPECT_EQ(back->stop_signal, o.stop_signal);
  TargetOverrides any;
  any.expected_body = "";
  EXPECT_EQ(target_override_arguments(any), std::vector<std::string>{"--any-body"});
  EXPECT_TRUE(target_override_arguments(TargetOverrides{}).empty());
}

TEST(TargetOverrides, TheCommandLineIsLayeredOverATargetsOwn) {
  TargetOverrides own;
  own.path = "/healthz";
  own.headers = {{"Authorization", "a"}, {"X-Mine", "1"}};
  own.expected_body = "OK\n";
  TargetOverrides flags;
  flags.headers = {{"authorization", "b"}};
  flags.expected_body = "";
  const TargetOverrides both = layered(own, flags);
  EXPECT_EQ(both.path, "/healthz");
  EXPECT_EQ(both.headers, (std::vector<std::pair<std::string, std::string>>{{"authorization", "b"}, {"X-Mine", "1"}}));
  EXPECT_EQ(both.expected_body, "");
}

Scenario scenario(const std::string& yaml) {
  const auto result = parse_scenario(yaml, "s.yaml");
  if (const auto* e = std::get_if<ScenarioError>(&result)) ADD_FAILURE() << e->to_string();
  return std::holds_alternative<Scenario>(result) ? std::get<Scenario>(result) : Scenario{};
}

std::string error_of(const std::string& yaml) {
  const auto result = parse_scenario(yaml, "s.yaml");
  const auto* e = std::get_if<ScenarioError>(&result);
  return e ? e->to_string() : "accepted";
}

TEST(TargetOverrides, OverridesReplaceTheScenariosLoadKeys) {
  Scenario s = scenario("name: x\nload:\n  path: /a\n  headers:\n    X-A: 1\n  expected_body: hello\n");
  TargetOverrides o;
  o.path = "/healthz";
  o.headers = {{"x-a", "2"}, {"X-B", "3"}};
  o.accepted_statuses = std::vector<int>{204};
  o.expected_body = "OK\n";
  apply_target_overrides(s, o);
  EXPECT_EQ(s.load.path, "/healthz");
  EXPECT_EQ(s.load.headers, (std::vector<std::pair<std::string, std::string>>{{"x-a", "2"}, {"X-B", "3"}}));
  EXPECT_EQ(s.load.accepted_statuses, std::vector<int>{204});
  EXPECT_EQ(s.load.expected_body, "OK\n");
}

TEST(ScenarioStopSignal, TermPrimarySendsTheStopSignal) {
  const std::string faults = "warmup_s: 0.5\nduration_s: 3\nfaults:\n  - kind: term_primary\n    at_s: 1\n";
  const Scenario plain = scenario("name: x\n" + faults);
  EXPECT_EQ(plain.stop_signal, SIGTERM);
  EXPECT_EQ(plain.faults.at(0).signal, SIGTERM);
  Scenario quit = scenario("name: x\nstop_signal: SIGQUIT\n" + faults);
  EXPECT_EQ(quit.stop_signal, SIGQUIT);
  EXPECT_EQ(quit.faults.at(0).signal, SIGQUIT);
  TargetOverrides o;
  o.stop_signal = SIGUSR2;  // --stop-signal over the file's
  apply_target_overrides(quit, o);
  EXPECT_EQ(quit.stop_signal, SIGUSR2);
  EXPECT_EQ(quit.faults.at(0).signal, SIGUSR2);
}

TEST(ScenarioStopSignal, BadValuesAreRefusedWithTheirLine) {
  EXPECT_EQ(error_of("name: x\nstop_signal: SIGFOO\n"), "s.yaml:2: stop_signal: unknown signal 'SIGFOO' (e.g. SIGTERM, QUIT or 3)");
  EXPECT_EQ(error_of("name: x\nstop_signal: 9\n"),
            "s.yaml:2: stop_signal: SIGKILL cannot ask for a graceful stop (a kill_primary fault sends it)");
  EXPECT_NE(error_of("name: x\nstop_signal: QUIT\nfaults:\n  - kind: term_primary\n    at_s: 2\n    signal: SIGTERM\n")
                .find("term_primary sends the scenario's stop_signal, here SIGQUIT"),
            std::string::npos);
}

TEST(ScenarioWorkersRange, TheRangeIsReadAndJudged) {
  const Scenario burst = scenario("name: x\nworkers: 3\nmin_workers: 3\n");
  EXPECT_EQ(burst.min_workers, 3);
  EXPECT_FALSE(workers_range_error(burst, 3));
  EXPECT_FALSE(workers_range_error(burst, 64));
  EXPECT_EQ(workers_range_error(burst, 2),
            "N = 2 is outside what the scenario means (N >= 3: its faults count workers; see min_workers/max_workers)");
  const Scenario fixed = scenario("name: x\nworkers: 1\nmin_workers: 1\nmax_workers: 1\n");
  EXPECT_EQ(workers_range_error(fixed, 2),
            "N = 2 is outside what the scenario means (N fixed at 1: its faults count workers; see min_workers/max_workers)");
  EXPECT_EQ(error_of("name: x\nworkers: 2\nmin_workers: 3\n"),
            "s.yaml:2: workers: N = 2 is outside what the scenario means (N >= 3: its faults count workers; see "
            "min_workers/max_workers)");
  EXPECT_EQ(error_of("name: x\nmin_workers: 4\nmax_workers: 3\n"), "s.yaml:3: max_workers: must not be less than min_workers");
}

TEST(ScenarioLoadBody, NoBodyIsExpectedUnlessTheScenarioSaysWhich) {
  EXPECT_EQ(scenario("name: x\n").load.expected_body, "");
  EXPECT_EQ(scenario("name: x\nload:\n  expected_body: \"OK\\n\"\n").load.expected_body, "OK\n");
}

}  // namespace
}  // namespace forkcheck::harness
