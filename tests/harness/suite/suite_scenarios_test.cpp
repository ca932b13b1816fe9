// The suite's scenario patterns on disk (files and file globs relative to the suite file, exclude,
// suite files skipped by a glob) and the PATH check of `requires`.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <variant>

#include "harness/suite/suite_scenarios.hpp"

namespace forkcheck::harness {
namespace {

namespace fs = std::filesystem;

class SuiteScenarios : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("forkcheck-suite-test-" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "more");
    write("a.yaml", "name: alpha\nseed: 7\ndescription: first line\n  and more\n");
    write("b.yaml", "seed: 2\n");
    write("more/c.yaml", "{}\n");
    write("suite.yaml", "scenarios: ['*.yaml']\n");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  SuiteFile suite(std::vector<std::string> patterns, std::vector<std::string> exclude = {}) {
    SuiteFile s;
    s.path = (dir_ / "suite.yaml").string();
    s.scenarios = std::move(patterns);
    s.exclude = std::move(exclude);
    return s;
  }
  std::vector<std::string> names(const SuiteFile& s, std::string* error) {
    std::vector<std::string> out;
    if (auto found = expand_scenarios(s, {}, error))
      for (const auto& sc : *found) out.push_back(sc.name);
    return out;
  }
  fs::path dir_;
};

TEST_F(SuiteScenarios, GlobsAreRelativeToTheSuiteFileSortedAndSkipSuiteFiles) {
  std::string error;
  EXPECT_EQ(names(suite({"*.yaml"}), &error), (std::vector<std::string>{"alpha", "b"})) << error;
  EXPECT_EQ(names(suite({"more/c.yaml", "a.yaml"}), &error), (std::vector<std::string>{"c", "alpha"})) << error;
}

TEST_F(SuiteScenarios, ReadsNameSeedAndDescriptionAndExcludesByNameOrFileName) {
  std::string error;
  const auto found = expand_scenarios(suite({"a.yaml"}), {}, &error);
  ASSERT_TRUE(found) << error;
  EXPECT_EQ(found->at(0).seed, 7u);
  EXPECT_EQ(found->at(0).description, "first line and more");
  EXPECT_EQ(names(suite({"*.yaml"}, {"alpha"}), &error), std::vector<std::string>{"b"});
  EXPECT_EQ(names(suite({"*.yaml"}, {"a"}), &error), std::vector<std::string>{"b"});
  EXPECT_TRUE(names(suite({"*.yaml"}, {"*"}), &error).empty());
  EXPECT_NE(error.find("no scenario left"), std::string::npos);
}

TEST_F(SuiteScenarios, ErrorsNameWhatFailed) {
  std::string error;
  EXPECT_TRUE(names(suite({"nothing-*.yaml"}), &error).empty());
  EXPECT_NE(error.find("'nothing-*.yaml' matches no scenario file"), std::string::npos) << error;
  write("bad.yaml", "colour: red\n");
  EXPECT_TRUE(names(suite({"bad.yaml"}), &error).empty());
  EXPECT_NE(error.find("bad.yaml:1: colour: unknown key"), std::string::npos) << error;
  write("more/alpha.yaml", "{}\n");
  EXPECT_TRUE(names(suite({"a.yaml", "more/alpha.yaml"}), &error).empty());
  EXPECT_NE(error.find("two scenarios named 'alpha'"), std::string::npos) << error;
}

// The suite files forkcheck ships: the default suite and the CI recipe's example (ci/), each with
// every expectation naming a scenario it runs; the example fills 3 shards and shows an expected
// failure with its reason.
TEST(SuiteShippedFiles, TheDefaultSuiteAndTheCiExampleExpectOnlyScenariosTheyRun) {
  const char* source = std::getenv("FORKCHECK_SOURCE_DIR");
  if (source == nullptr) GTEST_SKIP() << "needs FORKCHECK_SOURCE_DIR (ctest sets it)";
  for (const char* relative : {"scenarios/conformance.yaml", "ci/example-suite.yaml"}) {
    auto loaded = load_suite_file((fs::path(source) / relative).string());
    ASSERT_TRUE(std::holds_alternative<SuiteFile>(loaded)) << std::get<ScenarioError>(loaded).to_string();
    const SuiteFile& file = std::get<SuiteFile>(loaded);
    std::string error;
    const auto scenarios = expand_scenarios(file, {}, &error);
    ASSERT_TRUE(scenarios) << relative << ": " << error;
    std::vector<std::string> names;
    for (const auto& sc : *scenarios) names.push_back(sc.name);
    const auto unused = check_expectations(file, names);
    EXPECT_FALSE(unused) << unused->to_string();
    if (std::string(relative) != "ci/example-suite.yaml") continue;
    EXPECT_GE(scenarios->size(), 3u) << "the workflow deals it to 3 shards";
    ASSERT_EQ(file.targets.size(), 1u) << "the user's server (refcluster is added as the reference)";
    ASSERT_FALSE(file.targets[0].expected.empty()) << "an expected failure, to show one";
    EXPECT_EQ(file.targets[0].expected[0].expectation, Expectation::fail);
  }
}

TEST(SuiteRequires, ATargetWhoseProgramIsNotOnPathIsSkipped) {
  std::vector<SuiteTarget> targets(3);
  targets[0].requires_programs = {"sh"};
  targets[1].requires_programs = {"sh", "forkcheck-no-such-program"};
  targets[2].requires_programs = {"/bin/sh"};
  mark_missing_programs(targets);
  EXPECT_EQ(targets[0].skipped_because, "");
  EXPECT_EQ(targets[1].skipped_because, "forkcheck-no-such-program is not on PATH");
  EXPECT_EQ(targets[2].skipped_because, "");
}

}  // namespace
}  // namespace forkcheck::harness
