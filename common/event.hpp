#pragma once
// refcluster's event feed (`--events PATH`): one JSON object per line, CLOCK_MONOTONIC ns stamps.
// refcluster writes these with to_json_line(); forkcheck reads them with parse_event_line(). One
// definition of the format serves both, so they cannot drift. The schema is in reports/README.md.
#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"

namespace forkcheck {

enum class EventKind {
  primary_start,  // pid, workers (N), sched
  listening,      // host, port
  fork,           // slot, pid
  ready,          // slot, pid: the worker is accepting
  exit,           // slot, pid, signal or status, uptime_ns
  respawn,        // slot, pid (the dead one it replaces); a fork event follows
  backoff,        // slot, delay_ms: the slot waits before its next fork (crash loop)
  hung,           // slot, pid: no heartbeat within the timeout; it is killed
  shutdown,       // reason: the primary stops respawning and drains
  shutdown_complete,  // every worker is gone; the primary exits next
};

std::string_view to_string(EventKind kind);
std::optional<EventKind> event_kind_from_string(std::string_view name);

struct Event {
  EventKind kind{};
  mono_ns t_ns = 0;
  int slot = -1;
  pid_t pid = 0;
  int workers = 0;
  int signal = 0;      // exit: the signal that killed it, 0 if it exited
  int status = -1;     // exit: the exit status, -1 if it was signalled
  mono_ns uptime_ns = 0;
  long delay_ms = 0;
  std::string host;
  int port = 0;
  std::string detail;  // primary_start: sched; shutdown: reason

  bool operator==(const Event&) const = default;
};

// One line of JSON, without the trailing newline. Fields that do not belong to the kind are omitted.
std::string to_json_line(const Event& event);

// Empty (and *error set) when the line is not a valid event: bad JSON, unknown kind, a field of the
// wrong type, a missing t_ns. Unknown extra fields are ignored so the format can grow.
std::optional<Event> parse_event_line(std::string_view line, std::string* error = nullptr);

}  // namespace forkcheck
