#include "common/event.hpp"

#include <gtest/gtest.h>

namespace forkcheck {
namespace {

TEST(Event, EveryKindRoundTrips) {
  const std::vector<Event> events = {
      {.kind = EventKind::primary_start, .t_ns = 1, .pid = 10, .workers = 4, .detail = "shared"},
      {.kind = EventKind::listening, .t_ns = 2, .host = "127.0.0.1", .port = 8000},
      {.kind = EventKind::fork, .t_ns = 3, .slot = 0, .pid = 11},
      {.kind = EventKind::ready, .t_ns = 4, .slot = 0, .pid = 11},
      {.kind = EventKind::exit, .t_ns = 5, .slot = 0, .pid = 11, .signal = 9, .uptime_ns = 2},
      {.kind = EventKind::exit, .t_ns = 5, .slot = 1, .pid = 12, .status = 3, .uptime_ns = 7},
      {.kind = EventKind::respawn, .t_ns = 6, .slot = 0, .pid = 11},
      {.kind = EventKind::backoff, .t_ns = 7, .slot = 0, .delay_ms = 200},
      {.kind = EventKind::hung, .t_ns = 8, .slot = 1, .pid = 12},
      {.kind = EventKind::shutdown, .t_ns = 9, .detail = "SIGTERM"},
      {.kind = EventKind::shutdown_complete, .t_ns = 10},
  };
  for (const Event& e : events) {
    std::string error;
    const auto parsed = parse_event_line(to_json_line(e), &error);
    ASSERT_TRUE(parsed) << to_json_line(e) << ": " << error;
    EXPECT_EQ(*parsed, e) << to_json_line(e);
  }
}

TEST(Event, RejectsWhatIsNotAnEvent) {
  for (const char* bad : {"", "[]", "{", R"({"t_ns":1})", R"({"event":"fork"})",
                          R"({"event":"explode","t_ns":1})", R"({"event":"fork","t_ns":"x"})",
                          R"({"event":"fork","t_ns":1,"pid":"12"})",
                          R"({"event":"fork","t_ns":1,"pid":99999999999})", R"({"event":"fork","t_ns":18446744073709551615})", R"({"event":7,"t_ns":1})"}) {
    std::string error;
    EXPECT_FALSE(parse_event_line(bad, &error)) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

TEST(Event, IgnoresUnknownFieldsSoTheFormatCanGrow) {
  const auto e = parse_event_line(R"({"event":"ready","t_ns":5,"slot":1,"pid":3,"extra":[1]})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, EventKind::ready);
  EXPECT_EQ(e->pid, 3);
}

}  // namespace
}  // namespace forkcheck
