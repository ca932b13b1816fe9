#include <gtest/gtest.h>

#include <algorithm>

#include "tests/harness/support/fixture_path.hpp"
#include "harness/model/scenario.hpp"

namespace forkcheck::harness {
namespace {

using testing::source_path;

Scenario load_ok(const std::string& relative) {
  auto result = load_scenario_file(source_path(relative));
  if (auto* e = std::get_if<ScenarioError>(&result)) ADD_FAILURE() << e->to_string();
  return std::holds_alternative<Scenario>(result) ? std::get<Scenario>(result) : Scenario{};
}

TEST(Scenario, WalkthroughFileIsTheSeedExperiment) {
  const Scenario s = load_ok("scenarios/walkthrough.yaml");
  EXPECT_EQ(s.name, "walkthrough");
  EXPECT_FALSE(s.workers);  // auto
  EXPECT_EQ(s.port, 8000);
  EXPECT_TRUE(s.walkthrough);
  EXPECT_TRUE(s.target.empty());
  EXPECT_TRUE(s.load.keep_alive);
  EXPECT_GT(s.load.rate_rps, 0);
  ASSERT_EQ(s.faults.size(), 1u);
  EXPECT_EQ(s.faults[0].kind, FaultKind::kill_worker);
  EXPECT_EQ(s.faults[0].signal, SIGKILL);
  EXPECT_EQ(s.faults[0].victim, VictimSelector::random);
  EXPECT_GE(s.faults[0].at_s, s.warmup_s);
  EXPECT_LT(s.faults[0].at_s, s.duration_s);
  EXPECT_TRUE(s.properties.empty());
  // The walkthrough's properties, without those that need a key or a fault it does not have.
  const auto checked = properties_to_check(s);
  for (Property p : {Property::workers_restored, Property::no_overshoot, Property::no_dropped_requests,
                     Property::service_available, Property::primary_alive, Property::no_orphans,
                     Property::steps_match_walkthrough}) {
    EXPECT_NE(std::find(checked.begin(), checked.end(), p), checked.end()) << to_string(p);
  }
  EXPECT_EQ(std::find(checked.begin(), checked.end(), Property::bounded_restarts), checked.end());
  EXPECT_EQ(std::find(checked.begin(), checked.end(), Property::graceful_stop), checked.end());
}

TEST(Scenario, LibraryFilesParse) {
  for (const char* name : {"random_kills_keepalive", "random_kills_new_connections", "burst", "kill_all",
                           "kill_at_fork_storm", "hang", "primary_kill", "graceful_stop", "crash_loop", "soak"}) {
    const Scenario s = load_ok(std::string("scenarios/") + name + ".yaml");
    EXPECT_EQ(s.name, name);
    EXPECT_FALSE(s.description.empty()) << name;
  }
}

TEST(Scenario, StormFileAndForkLimitKeys) {
  const auto result = parse_scenario(
      "duration_s: 4\nmax_forks_per_s: 30\nfaults:\n  - kind: kill_new_workers\n    at_s: 1.0\n    for_s: 1.5\n"
      "  - kind: create_file\n    at_s: 1.0\n  - kind: remove_file\n    at_s: 2.0\n    path: /tmp/x-{crash_file}\n"
      "  - kind: term_primary\n    at_s: 3.0\n",
      "s.yaml");
  ASSERT_TRUE(std::holds_alternative<Scenario>(result)) << std::get<ScenarioError>(result).to_string();
  const Scenario& s = std::get<Scenario>(result);
  EXPECT_EQ(s.max_forks_per_s, 30);
  ASSERT_EQ(s.faults.size(), 4u);
  EXPECT_EQ(s.faults[0].kind, FaultKind::kill_new_workers);
  EXPECT_DOUBLE_EQ(s.faults[0].for_s, 1.5);
  EXPECT_EQ(s.faults[1].path, "{crash_file}");
  EXPECT_EQ(s.faults[2].path, "/tmp/x-{crash_file}");
  const auto checked = properties_to_check(s);
  EXPECT_NE(std::find(checked.begin(), checked.end(), Property::bounded_restarts), checked.end());
  EXPECT_NE(std::find(checked.begin(), checked.end(), Property::graceful_stop), checked.end());
}

TEST(Scenario, EveryKeyIsRead) {
  const Scenario s = load_ok("tests/fixtures/scenarios/good/every_key.yaml");
  EXPECT_EQ(s.name, "every-key");
  EXPECT_EQ(s.target, "mycluster --port {port} --workers {workers}");
  EXPECT_EQ(s.workers, 3);
  EXPECT_EQ(s.port, 0);
  EXPECT_DOUBLE_EQ(s.warmup_s, 0.5);
  EXPECT_DOUBLE_EQ(s.duration_s, 10);
  EXPECT_DOUBLE_EQ(s.recovery_deadline_s, 2.5);
  EXPECT_DOUBLE_EQ(s.start_timeout_s, 4);
  EXPECT_DOUBLE_EQ(s.stop_grace_s, 3);
  EXPECT_DOUBLE_EQ(s.orphan_grace_s, 1.5);
  EXPECT_EQ(s.seed, 18446744073709551615ull);
  EXPECT_DOUBLE_EQ(s.load.rate_rps, 50.5);
  EXPECT_TRUE(s.load.closed_loop);
  EXPECT_EQ(s.load.connections, 2);
  EXPECT_FALSE(s.load.keep_alive);
  EXPECT_EQ(s.load.timeout_ms, 500);
  EXPECT_DOUBLE_EQ(s.load.probe_rate_hz, 0);
  EXPECT_EQ(s.load.expected_body, "ok");
  ASSERT_EQ(s.faults.size(), 4u);
  const FaultSpec& f = s.faults[0];
  EXPECT_EQ(f.signal, SIGTERM);
  EXPECT_DOUBLE_EQ(f.every_s, 2);
  EXPECT_DOUBLE_EQ(f.jitter_s, 0.25);
  EXPECT_EQ(f.count, 3);
  EXPECT_EQ(f.victim, VictimSelector::newest);
  EXPECT_EQ(f.victims, 2);
  EXPECT_EQ(s.faults[1].signal, SIGSTOP);  // each kind has its default signal
  EXPECT_EQ(s.faults[2].signal, SIGKILL);
  EXPECT_EQ(s.faults[2].victim, VictimSelector::all);
  EXPECT_EQ(s.faults[3].signal, SIGTERM);
  EXPECT_EQ(s.properties,
            (std::vector<Property>{Property::workers_restored, Property::no_overshoot, Property::no_orphans}));
}

TEST(Scenario, MinimalFileTakesTheDefaults) {
  const Scenario s = load_ok("tests/fixtures/scenarios/good/minimal.yaml");
  EXPECT_EQ(s.name, "minimal");  // the file's stem
  EXPECT_EQ(s.port, 8000);
  EXPECT_TRUE(s.faults.empty());
  const auto props = properties_to_check(s);
  // The design's six run properties; steps_match_walkthrough, bounded_restarts, graceful_stop and
  // the input property need a key or a fault the minimal file does not have.
  EXPECT_EQ(props.size(), 6u);
}

struct BadFile {
  const char* file;
  int line;
  const char* field;
  const char* message_part;
};

class BadScenario : public ::testing::TestWithParam<BadFile> {};

TEST_P(BadScenario, NamesFileLineAndField) {
  const BadFile& bad = GetParam();
  const std::string path = source_path(std::string("tests/fixtures/scenarios/bad/") + bad.file);
  const auto result = load_scenario_file(path);
  ASSERT_TRUE(std::holds_alternative<ScenarioError>(result)) << bad.file << " was accepted";
  const ScenarioError& e = std::get<ScenarioError>(result);
  EXPECT_EQ(e.file, path);
  EXPECT_EQ(e.line, bad.line) << e.to_string();
  EXPECT_EQ(e.field, bad.field) << e.to_string();
  EXPECT_NE(e.message.find(bad.message_part), std::string::npos) << e.to_string();
}

INSTANTIATE_TEST_SUITE_P(
    Files, BadScenario,
    ::testing::Values(BadFile{"unknown_key.yaml", 3, "duraton_s", "unknown key"},
                      BadFile{"unknown_load_key.yaml", 4, "load.rate", "unknown key"},
                      BadFile{"bad_signal.yaml", 8, "faults[1].signal", "unknown signal 'SIGFOO'"},
                      BadFile{"bad_kind.yaml", 3, "faults[0].kind", "unknown fault kind 'explode'"},
                      BadFile{"missing_kind.yaml", 3, "faults[0].kind", "missing"},
                      BadFile{"workers_not_a_number.yaml", 2, "workers", "'auto'"},
                      BadFile{"port_out_of_range.yaml", 2, "port", "between 0 and 65535"},
                      BadFile{"zero_rate.yaml", 3, "load.rate_rps", "greater than 0"},
                      BadFile{"fault_after_end.yaml", 5, "faults[0].at_s", "before duration_s"},
                      BadFile{"fault_during_warmup.yaml", 5, "faults[0].at_s", "warm-up"},
                      BadFile{"count_without_every.yaml", 5, "faults[0].count", "every_s"},
                      BadFile{"unknown_property.yaml", 4, "properties[1]", "unknown property 'fast'"},
                      BadFile{"walkthrough_property.yaml", 2, "properties[0]", "walkthrough: true"},
                      BadFile{"victims_for_kill_all.yaml", 4, "faults[0].victims", "victim: random or newest"},
                      BadFile{"duplicate_key.yaml", 3, "name", "duplicate key"},
                      BadFile{"syntax_error.yaml", 4, "", ""},
                      BadFile{"not_a_mapping.yaml", 1, "", "expected a mapping"},
                      BadFile{"warmup_after_duration.yaml", 2, "warmup_s", "less than duration_s"},
                      BadFile{"not_a_bool.yaml", 2, "walkthrough", "true or false"},
                      BadFile{"empty.yaml", 0, "", "empty"},
                      BadFile{"storm_without_for.yaml", 3, "faults[0].for_s", "needs for_s"},
                      BadFile{"for_without_storm.yaml", 4, "faults[0].for_s", "kill_new_workers only"},
                      BadFile{"signal_for_file.yaml", 4, "faults[0].signal", "sends no signal"},
                      BadFile{"signal_for_term_worker.yaml", 4, "faults[0].signal", "term_worker always sends SIGTERM"},
                      BadFile{"graceful_stop_without_term.yaml", 3, "properties[0]", "term_primary"},
                      BadFile{"graceful_worker_stop_without_term.yaml", 3, "properties[0]", "needs a term_worker fault"},
                      BadFile{"kill_worker_sigstop.yaml", 4, "faults[0].signal",
                              "SIGSTOP stops a worker, it does not kill it: use kind: stop_worker"},
                      BadFile{"kill_worker_sigcont.yaml", 4, "faults[0].signal", "use kind: cont_worker"},
                      BadFile{"kill_worker_sigwinch.yaml", 4, "faults[0].signal", "SIGWINCH does not kill"},
                      BadFile{"zero_fork_limit.yaml", 2, "max_forks_per_s", "greater than 0"}),
    [](const auto& info) {
      std::string name = info.param.file;
      return name.substr(0, name.find('.'));
    });

TEST(Scenario, MissingFileIsAnErrorNamingIt) {
  const auto result = load_scenario_file("/nonexistent/walk.yaml");
  ASSERT_TRUE(std::holds_alternative<ScenarioError>(result));
  const auto& e = std::get<ScenarioError>(result);
  EXPECT_EQ(e.to_string().rfind("/nonexistent/walk.yaml: cannot open", 0), 0u) << e.to_string();
}

TEST(Scenario, ErrorTextIsFileLineFieldMessage) {
  const ScenarioError e{"s.yaml", 7, "faults[1].signal", "unknown signal"};
  EXPECT_EQ(e.to_string(), "s.yaml:7: faults[1].signal: unknown signal");
  EXPECT_EQ((ScenarioError{"s.yaml", 0, "", "empty"}.to_string()), "s.yaml: empty");
}

TEST(Scenario, ParseIsPureAndNamesTheGivenFile) {
  const auto result = parse_scenario("workers: 0\n", "inline.yaml");
  ASSERT_TRUE(std::holds_alternative<ScenarioError>(result));
  EXPECT_EQ(std::get<ScenarioError>(result).to_string(), "inline.yaml:1: workers: must be between 1 and 1024, or 'auto'");
}

// One limit for N: the file's `workers` and every --workers flag (kMaxWorkers).
TEST(Scenario, WorkersLimitIsTheCommandLinesLimit) {
  EXPECT_TRUE(std::holds_alternative<Scenario>(parse_scenario("workers: 1024\n", "inline.yaml")));
  EXPECT_TRUE(std::holds_alternative<ScenarioError>(parse_scenario("workers: 1025\n", "inline.yaml")));
  EXPECT_EQ(kMaxWorkers, 1024);
}

TEST(Scenario, NonFiniteNumbersAreRejected) {
  const auto result = parse_scenario("duration_s: .inf\n", "x.yaml");
  ASSERT_TRUE(std::holds_alternative<ScenarioError>(result));
  EXPECT_EQ(std::get<ScenarioError>(result).field, "duration_s");
}

// kill_worker's SIGTERM is a termination: the worker must drain and end cleanly (graceful_worker_stop
// applies, as with term_worker).
TEST(Scenario, ASigtermToAWorkerBringsGracefulWorkerStop) {
  for (const char* fault : {"kind: kill_worker\n    signal: SIGTERM", "kind: term_worker"}) {
    const auto result =
        parse_scenario(std::string("duration_s: 3\nfaults:\n  - ") + fault + "\n    at_s: 1.5\n", "inline.yaml");
    ASSERT_TRUE(std::holds_alternative<Scenario>(result)) << std::get<ScenarioError>(result).to_string();
    const auto props = properties_to_check(std::get<Scenario>(result));
    EXPECT_NE(std::find(props.begin(), props.end(), Property::graceful_worker_stop), props.end()) << fault;
  }
  const auto kill = parse_scenario("duration_s: 3\nfaults:\n  - kind: kill_worker\n    at_s: 1.5\n", "inline.yaml");
  const auto props = properties_to_check(std::get<Scenario>(kill));
  EXPECT_EQ(std::find(props.begin(), props.end(), Property::graceful_worker_stop), props.end());
}

TEST(Signals, NamesAndNumbers) {
  EXPECT_EQ(signal_from_string("SIGKILL"), SIGKILL);
  EXPECT_EQ(signal_from_string("KILL"), SIGKILL);
  EXPECT_EQ(signal_from_string("kill"), SIGKILL);
  EXPECT_EQ(signal_from_string("9"), SIGKILL);
  EXPECT_EQ(signal_from_string("SIGSTOP"), SIGSTOP);
  EXPECT_FALSE(signal_from_string("0"));
  EXPECT_FALSE(signal_from_string("SIGFOO"));
  EXPECT_FALSE(signal_from_string(""));
  EXPECT_EQ(signal_name(SIGKILL), "SIGKILL");
  EXPECT_EQ(signal_name(SIGTERM), "SIGTERM");
  EXPECT_EQ(signal_name(SIGRTMIN + 1), "signal " + std::to_string(SIGRTMIN + 1));
}

}  // namespace
TEST(Scenario, AFileFaultOnATargetWithoutTheCrashFilePlaceholderIsWarnedOf) {
  Scenario s;
  FaultSpec create;
  create.kind = FaultKind::create_file;
  s.faults = {create};
  const auto warnings = fault_placeholders_missing(s, "nginx-target.sh {port} {workers}");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("fault 1 (create_file) acts on {crash_file} but the target command has no {crash_file}"),
            std::string::npos)
      << warnings[0];
  EXPECT_TRUE(fault_placeholders_missing(s, "brokencluster --crash-file {crash_file} --port {port}").empty());
  s.faults[0].path = "/tmp/fixed-path";
  EXPECT_TRUE(fault_placeholders_missing(s, "nginx-target.sh {port}").empty());
}

}  // namespace forkcheck::harness
