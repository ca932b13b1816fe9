// The primary's event feed: lines reach the file only at flush(), in order, once; a forked
// worker's close() drops the primary's unflushed lines instead of writing them a second time.
#include "reference/event_log.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/reference/cluster_fixture.hpp"

namespace forkcheck::reference {
namespace {

std::vector<Event> read_events(const std::filesystem::path& path) {
  std::vector<Event> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);)
    if (auto e = parse_event_line(line)) out.push_back(*e);
  return out;
}

Event exit_of(pid_t pid, mono_ns t_ns) {
  return {.kind = EventKind::exit, .t_ns = t_ns, .slot = 0, .pid = pid, .signal = 9, .uptime_ns = 5};
}

TEST(EventLog, WritesAddedEventsOnlyAtFlushInOrder) {
  const testing::TempDir dir;
  const auto path = dir.path() / "events.jsonl";
  EventLog log;
  ASSERT_TRUE(log.open(path.string(), nullptr));
  const Event fork{.kind = EventKind::fork, .t_ns = 20, .slot = 0, .pid = 101};
  log.add(exit_of(100, 10));
  log.add(fork);
  EXPECT_TRUE(read_events(path).empty());
  log.flush();
  EXPECT_EQ(read_events(path), (std::vector<Event>{exit_of(100, 10), fork}));
  log.flush();  // nothing new: nothing written twice
  EXPECT_EQ(read_events(path).size(), 2u);
}

TEST(EventLog, CloseDropsUnflushedLines) {
  const testing::TempDir dir;
  const auto path = dir.path() / "events.jsonl";
  EventLog log;
  ASSERT_TRUE(log.open(path.string(), nullptr));
  log.add(exit_of(100, 10));
  log.flush();
  log.add(exit_of(200, 30));  // what a worker inherits from the primary by fork
  log.close();
  log.flush();
  EXPECT_FALSE(log.enabled());
  EXPECT_EQ(read_events(path), (std::vector<Event>{exit_of(100, 10)}));
}

}  // namespace
}  // namespace forkcheck::reference
