// A replacement worker's start-up does no lazy symbol binding: everything it calls between fork
// and ready was bound in the primary (linked -z now, thread start warmed up before forking), so it
// pays no symbol lookups and their page faults on the way to ready. Checked with the dynamic
// linker's own trace (LD_DEBUG=bindings), which names the process of every binding.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "tests/reference/cluster_fixture.hpp"

namespace forkcheck::testing {
namespace {

// Sets LD_DEBUG for the programs started while it lives: the dynamic linker's trace then goes to
// <prefix>.<pid of the program>; forked workers write to the file they inherit.
class LinkerTraceEnv {
 public:
  explicit LinkerTraceEnv(const std::string& prefix) {
    setenv("LD_DEBUG", "bindings", 1);
    setenv("LD_DEBUG_OUTPUT", prefix.c_str(), 1);
  }
  ~LinkerTraceEnv() {
    unsetenv("LD_DEBUG");
    unsetenv("LD_DEBUG_OUTPUT");
  }
  LinkerTraceEnv(const LinkerTraceEnv&) = delete;
  LinkerTraceEnv& operator=(const LinkerTraceEnv&) = delete;
};

// The symbols `pid` has bound so far, one trace line each (every line starts with its writer's pid).
std::vector<std::string> bindings_of(const std::filesystem::path& trace, pid_t pid) {
  std::vector<std::string> out;
  std::ifstream in(trace);
  const std::string mark = std::to_string(pid) + ":";
  for (std::string line; std::getline(in, line);) {
    const auto start = line.find_first_not_of(' ');
    if (start != std::string::npos && line.compare(start, mark.size(), mark) == 0 &&
        line.find("binding file") != std::string::npos)
      out.push_back(line);
  }
  return out;
}

TEST(ReplacementStart, BindsNoSymbolBetweenForkAndReady) {
  const TempDir trace_dir;
  std::optional<Cluster> c;
  {
    const LinkerTraceEnv env((trace_dir.path() / "ld").string());
    c.emplace(Cluster::start(1));
  }
  const auto trace = trace_dir.path() / ("ld." + std::to_string(c->process().pid()));
  const pid_t victim = c->ready_workers().at(0);
  ASSERT_TRUE(Cluster::kill_worker(victim));
  ASSERT_TRUE(c->wait_for_event(forkcheck::EventKind::ready, 2, 3000)) << c->output();
  const pid_t replacement = c->events_of(forkcheck::EventKind::ready).back().pid;
  ASSERT_NE(replacement, victim);
  const auto bound = bindings_of(trace, replacement);
  EXPECT_TRUE(bound.empty()) << bound.size() << " lazy bindings, the first: " << bound.front();
  EXPECT_FALSE(bindings_of(trace, c->process().pid()).empty())
      << "the trace names the primary's own bindings (LD_DEBUG works here)";
}

}  // namespace
}  // namespace forkcheck::testing
