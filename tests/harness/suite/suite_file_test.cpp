// The suite file parser: every key read, every error path with file:line: field.
#include <gtest/gtest.h>

#include <csignal>
#include <variant>

#include "harness/suite/suite_file.hpp"

namespace forkcheck::harness {
namespace {

SuiteFile parse_ok(const std::string& text, const std::string& file = "dir/suite.yaml") {
  auto r = parse_suite_file(text, file);
  if (auto* e = std::get_if<ScenarioError>(&r)) ADD_FAILURE() << e->to_string();
  return std::holds_alternative<SuiteFile>(r) ? std::get<SuiteFile>(r) : SuiteFile{};
}

std::string parse_error(const std::string& text) {
  auto r = parse_suite_file(text, "s.yaml");
  if (std::holds_alternative<SuiteFile>(r)) return "parsed";
  return std::get<ScenarioError>(r).to_string();
}

const std::string kMinimal = "scenarios: ['*']\n";

TEST(SuiteFile, MinimalFileTakesTheDefaults) {
  const SuiteFile s = parse_ok(kMinimal);
  EXPECT_EQ(s.name, "suite");
  EXPECT_FALSE(s.workers.has_value());
  EXPECT_EQ(s.repeat, 1);
  EXPECT_TRUE(s.targets.empty());
  EXPECT_EQ(s.scenarios, std::vector<std::string>{"*"});
}

TEST(SuiteFile, ReadsEveryKey) {
  const SuiteFile s = parse_ok(R"(name: conf
description: all of them
workers: 3
repeat: 4
scenarios: [kill_all, "../x/y.yaml", "random_*"]
exclude: [soak]
targets:
  - name: refcluster
    reference: true
  - name: node
    command: "node {suite_dir}/targets/node-cluster.mjs {port} {workers}"
    requires: [node]
    expected:
      - scenario: kill_all
        expect: fail
        properties: [service_available]
        reason: the primary keeps connections of a dead worker
      - scenario: burst
        expect: flaky
        reason: races
)");
  EXPECT_EQ(s.name, "conf");
  EXPECT_EQ(s.description, "all of them");
  EXPECT_EQ(s.workers, 3);
  EXPECT_EQ(s.repeat, 4);
  EXPECT_EQ(s.scenarios.size(), 3u);
  EXPECT_EQ(s.exclude, std::vector<std::string>{"soak"});
  ASSERT_EQ(s.targets.size(), 2u);
  EXPECT_TRUE(s.targets[0].reference);
  EXPECT_TRUE(s.targets[0].command.empty());
  EXPECT_EQ(s.targets[1].command, "node dir/targets/node-cluster.mjs {port} {workers}");
  EXPECT_EQ(s.targets[1].requires_programs, std::vector<std::string>{"node"});
  ASSERT_EQ(s.targets[1].expected.size(), 2u);
  EXPECT_EQ(s.targets[1].expected[0].expectation, Expectation::fail);
  EXPECT_EQ(s.targets[1].expected[0].properties, std::vector<std::string>{"service_available"});
  EXPECT_EQ(s.targets[1].expected[1].expectation, Expectation::flaky);
  EXPECT_TRUE(s.targets[1].expected[1].properties.empty());
}

TEST(SuiteFile, SuiteDirOfABareFileNameIsTheWorkingDirectory) {
  const SuiteFile s = parse_ok("scenarios: [a]\ntargets:\n  - {name: x, command: \"{suite_dir}/t {port}\"}\n", "s.yaml");
  EXPECT_EQ(s.targets.at(0).command, "./t {port}");
}

TEST(SuiteFile, EveryErrorNamesFileLineAndField) {
  EXPECT_EQ(parse_error(""), "s.yaml: the suite is empty (expected a mapping)");
  EXPECT_EQ(parse_error("name: x\n"), "s.yaml:1: scenarios: required (library names, files or globs such as '*')");
  EXPECT_EQ(parse_error(kMinimal + "colour: red\n"),
            "s.yaml:2: colour: unknown key (expected one of: name, description, workers, repeat, targets, scenarios, exclude)");
  EXPECT_EQ(parse_error(kMinimal + "scenarios: [a]\n"), "s.yaml:2: scenarios: duplicate key");
  EXPECT_EQ(parse_error(kMinimal + "repeat: 0\n"), "s.yaml:2: repeat: must be between 1 and 1000");
  EXPECT_EQ(parse_error(kMinimal + "workers: many\n"), "s.yaml:2: workers: expected an integer");
  EXPECT_EQ(parse_error("scenarios: ['']\n"), "s.yaml:1: scenarios[0]: must not be empty");
  EXPECT_EQ(parse_error("scenarios: a\n"), "s.yaml:1: scenarios: expected a list");
  EXPECT_EQ(parse_error(kMinimal + "exclude: {a: 1}\n"), "s.yaml:2: exclude: expected a list");
  EXPECT_EQ(parse_error(kMinimal + "targets: []\n"), "s.yaml:2: targets: expected a non-empty list");
  EXPECT_EQ(parse_error("scenarios: [\n"), parse_error("scenarios: [\n"));  // a syntax error: deterministic
  EXPECT_NE(parse_error("scenarios: [\n").find("s.yaml:"), std::string::npos);
}

TEST(SuiteFile, TargetErrors) {
  const std::string t = kMinimal + "targets:\n";
  EXPECT_EQ(parse_error(t + "  - {command: c}\n"), "s.yaml:3: targets[0].name: required");
  EXPECT_EQ(parse_error(t + "  - {name: x}\n"),
            "s.yaml:3: targets[0].command: required (only the reference may leave it out: refcluster)");
  EXPECT_EQ(parse_error(t + "  - {name: x, command: c, colour: red}\n"),
            "s.yaml:3: targets[0].colour: unknown key (expected one of: name, command, requires, reference, workers_match, "
            "expected, load, stop_signal)");
  EXPECT_EQ(parse_error(t + "  - {name: x, command: c}\n  - {name: x, command: d}\n"),
            "s.yaml:4: targets[1].name: duplicate target name");
  EXPECT_EQ(parse_error(t + "  - {name: x, reference: true}\n  - {name: y, reference: true}\n"),
            "s.yaml:4: targets[1].reference: only one target may be the reference");
  EXPECT_EQ(parse_error(t + "  - {name: x, command: c, reference: maybe}\n"),
            "s.yaml:3: targets[0].reference: expected true or false");
  EXPECT_EQ(parse_error(t + "  - {name: x, command: c, requires: node}\n"), "s.yaml:3: targets[0].requires: expected a list");
}

// A router in front of the workers hides them from the kernel: the target names them by command line,
// as a scenario's workers_match does, and the pattern is checked at the suite file's line.
TEST(SuiteFile, ATargetMayNameItsWorkersByCommandLine) {
  const SuiteFile s = parse_ok(kMinimal + "targets:\n  - {name: x, command: c}\n"
                                          "  - {name: y, command: d, workers_match: '^uWSGI worker'}\n");
  EXPECT_EQ(s.targets.at(0).workers_match, "");
  EXPECT_EQ(s.targets.at(1).workers_match, "^uWSGI worker");
  const std::string t = kMinimal + "targets:\n";
  EXPECT_EQ(parse_error(t + "  - {name: x, command: c, workers_match: ''}\n"),
            "s.yaml:3: targets[0].workers_match: must not be empty (omit it to find workers by the listening socket)");
  EXPECT_EQ(parse_error(t + "  - {name: x, command: c, workers_match: '(worker'}\n").rfind(
                "s.yaml:3: targets[0].workers_match: not a regular expression: ", 0),
            0u);
}

TEST(SuiteFile, ExpectationErrors) {
  const std::string t = kMinimal + "targets:\n  - name: x\n    command: c\n    expected:\n";
  EXPECT_EQ(parse_error(t + "      - {expect: fail, properties: [no_orphans], reason: r}\n"),
            "s.yaml:6: targets[0].expected[0].scenario: required");
  EXPECT_EQ(parse_error(t + "      - {scenario: a, expect: maybe, properties: [no_orphans], reason: r}\n"),
            "s.yaml:6: targets[0].expected[0].expect: expected fail or flaky");
  EXPECT_EQ(parse_error(t + "      - {scenario: a, expect: fail, reason: r}\n"),
            "s.yaml:6: targets[0].expected[0].properties: required with expect: fail (the properties that fail)");
  EXPECT_EQ(parse_error(t + "      - {scenario: a, expect: fail, properties: [no_such], reason: r}\n"),
            "s.yaml:6: targets[0].expected[0].properties[0]: unknown property");
  EXPECT_EQ(parse_error(t + "      - {scenario: a, expect: fail, properties: [no_orphans]}\n"),
            "s.yaml:6: targets[0].expected[0].reason: required");
  EXPECT_EQ(parse_error(t + "      - {scenario: a, expect: flaky, reason: ''}\n"),
            "s.yaml:6: targets[0].expected[0].reason: must not be empty");
  EXPECT_EQ(parse_error(t + "      - {scenario: a, expect: flaky, reason: r}\n      - {scenario: a, expect: flaky, reason: r}\n"),
            "s.yaml:7: targets[0].expected[1].scenario: duplicate scenario");
  EXPECT_EQ(parse_error(t + "      - {scenario: a, expect: flaky, reason: r, why: x}\n"),
            "s.yaml:6: targets[0].expected[0].why: unknown key (expected one of: scenario, expect, properties, reason)");
  EXPECT_EQ(parse_error(t + "      scenario: a\n"), "s.yaml:6: targets[0].expected: expected a list");
}

TEST(SuiteFile, AnExpectationMustNameAScenarioTheSuiteRunsSaidAtItsLine) {
  const SuiteFile s = parse_ok(R"(scenarios: ['*']
targets:
  - name: node
    command: c
    expected:
      - {scenario: kill_all, expect: flaky, reason: r}
  - name: mine
    command: d
    expected:
      - scenario: hang
        expect: fail
        properties: [workers_restored]
        reason: no watchdog
      - scenario: kil_all
        expect: flaky
        reason: a typo
)", "dir/suite.yaml");
  const auto error = check_expectations(s, {"kill_all", "hang"});
  ASSERT_TRUE(error);
  EXPECT_EQ(error->to_string(),
            "dir/suite.yaml:14: targets[1].expected[1].scenario: 'kil_all' is not a scenario this suite runs "
            "(its scenarios after exclude, by name)");
  EXPECT_FALSE(check_expectations(s, {"kill_all", "hang", "kil_all"}));
  // An excluded scenario is not run either: expecting something of it is the same mistake.
  EXPECT_EQ(check_expectations(s, {"hang", "kil_all"})->line, 6);
}

TEST(SuiteFile, ATargetCarriesItsOwnLoadAndStopSignal) {
  const SuiteFile s = parse_ok(R"(scenarios: ['*']
targets:
  - name: mine
    command: "mine --port {port}"
    stop_signal: QUIT
    load:
      path: /healthz
      headers:
        Authorization: Bearer x
      accepted_statuses: [200, 204]
      expected_body: "OK\n"
  - name: any
    command: "any --port {port}"
    load:
      expected_body: null
)");
  ASSERT_EQ(s.targets.size(), 2u);
  const TargetOverrides& o = s.targets[0].overrides;
  EXPECT_EQ(o.path, "/healthz");
  EXPECT_EQ(o.headers, (std::vector<std::pair<std::string, std::string>>{{"Authorization", "Bearer x"}}));
  EXPECT_EQ(o.accepted_statuses, (std::vector<int>{200, 204}));
  EXPECT_EQ(o.expected_body, "OK\n");
  EXPECT_EQ(o.stop_signal, SIGQUIT);
  EXPECT_EQ(target_override_arguments(s.targets[1].overrides), std::vector<std::string>{"--any-body"});
}

TEST(SuiteFile, ATargetsLoadIsCheckedAsAScenariosIs) {
  const std::string head = "scenarios: ['*']\ntargets:\n  - name: mine\n    command: \"m {port}\"\n";
  EXPECT_EQ(parse_error(head + "    load:\n      rate_rps: 5\n"),
            "s.yaml:6: targets[0].load.rate_rps: unknown key (expected one of: path, headers, accepted_statuses, expected_body)");
  EXPECT_EQ(parse_error(head + "    load:\n      path: healthz\n"),
            "s.yaml:6: targets[0].load.path: must start with '/' (origin form, e.g. /healthz)");
  EXPECT_EQ(parse_error(head + "    stop_signal: KILL\n"),
            "s.yaml:5: targets[0].stop_signal: SIGKILL cannot ask for a graceful stop (a kill_primary fault sends it)");
}

TEST(SuiteFile, MissingFileIsAnError) {
  auto r = load_suite_file("/nonexistent/suite.yaml");
  ASSERT_TRUE(std::holds_alternative<ScenarioError>(r));
  EXPECT_NE(std::get<ScenarioError>(r).to_string().find("cannot open the suite file"), std::string::npos);
}

}  // namespace
}  // namespace forkcheck::harness
