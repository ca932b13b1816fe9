#include "common/event.hpp"

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <utility>

#include "common/name_table.hpp"

namespace forkcheck {
namespace {

constexpr NameTable<EventKind, 10> kKindNames{{
    {EventKind::primary_start, "primary_start"},
    {EventKind::listening, "listening"},
    {EventKind::fork, "fork"},
    {EventKind::ready, "ready"},
    {EventKind::exit, "exit"},
    {EventKind::respawn, "respawn"},
    {EventKind::backoff, "backoff"},
    {EventKind::hung, "hung"},
    {EventKind::shutdown, "shutdown"},
    {EventKind::shutdown_complete, "shutdown_complete"},
}};

bool has_slot(EventKind k) {
  return k == EventKind::fork || k == EventKind::ready || k == EventKind::exit ||
         k == EventKind::respawn || k == EventKind::backoff || k == EventKind::hung;
}

bool has_pid(EventKind k) { return has_slot(k) && k != EventKind::backoff; }

template <typename T>
bool read_field(const nlohmann::json& j, const char* name, T& out, std::string* error) {
  const auto it = j.find(name);
  if (it == j.end()) return true;
  if constexpr (std::is_same_v<T, std::string>) {
    if (!it->is_string()) {
      if (error) *error = std::string("field '") + name + "' must be a string";
      return false;
    }
  } else {
    // A number the field cannot hold is an error, not a silently wrapped value.
    const bool fits = it->is_number_unsigned() ? std::in_range<T>(it->template get<std::uint64_t>())
                      : it->is_number_integer() && std::in_range<T>(it->template get<std::int64_t>());
    if (!fits) {
      if (error) *error = std::string("field '") + name + "' must be an integer that fits";
      return false;
    }
  }
  out = it->get<T>();
  return true;
}

}  // namespace

std::string_view to_string(EventKind kind) {
  return name_in(kKindNames, kind).value_or("unknown");
}

std::optional<EventKind> event_kind_from_string(std::string_view name) {
  return value_named(kKindNames, name);
}

std::string to_json_line(const Event& e) {
  nlohmann::json j;
  j["t_ns"] = e.t_ns;
  j["event"] = to_string(e.kind);
  if (has_slot(e.kind)) j["slot"] = e.slot;
  if (has_pid(e.kind) || e.kind == EventKind::primary_start) j["pid"] = e.pid;
  switch (e.kind) {
    case EventKind::primary_start:
      j["workers"] = e.workers;
      j["sched"] = e.detail;
      break;
    case EventKind::listening:
      j["host"] = e.host;
      j["port"] = e.port;
      break;
    case EventKind::exit:
      if (e.signal != 0) j["signal"] = e.signal;
      else j["status"] = e.status;
      j["uptime_ns"] = e.uptime_ns;
      break;
    case EventKind::backoff:
      j["delay_ms"] = e.delay_ms;
      break;
    case EventKind::shutdown:
      j["reason"] = e.detail;
      break;
    default:
      break;
  }
  return j.dump();
}

std::optional<Event> parse_event_line(std::string_view line, std::string* error) {
  const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    if (error) *error = "not a JSON object";
    return std::nullopt;
  }
  const auto kind_it = j.find("event");
  if (kind_it == j.end() || !kind_it->is_string()) {
    if (error) *error = "missing string field 'event'";
    return std::nullopt;
  }
  const auto kind = event_kind_from_string(kind_it->get_ref<const std::string&>());
  if (!kind) {
    if (error) *error = "unknown event '" + kind_it->get<std::string>() + "'";
    return std::nullopt;
  }
  Event e;
  e.kind = *kind;
  if (!j.contains("t_ns")) {
    if (error) *error = "missing field 't_ns'";
    return std::nullopt;
  }
  std::string sched, reason;
  const bool ok = read_field(j, "t_ns", e.t_ns, error) && read_field(j, "slot", e.slot, error) &&
                  read_field(j, "pid", e.pid, error) && read_field(j, "workers", e.workers, error) &&
                  read_field(j, "signal", e.signal, error) && read_field(j, "status", e.status, error) &&
                  read_field(j, "uptime_ns", e.uptime_ns, error) &&
                  read_field(j, "delay_ms", e.delay_ms, error) && read_field(j, "host", e.host, error) &&
                  read_field(j, "port", e.port, error) && read_field(j, "sched", sched, error) &&
                  read_field(j, "reason", reason, error);
  if (!ok) return std::nullopt;
  e.detail = e.kind == EventKind::shutdown ? reason : sched;
  return e;
}

}  // namespace forkcheck
