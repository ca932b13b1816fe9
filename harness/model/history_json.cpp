#include "harness/model/history_json.hpp"

#include <filesystem>
#include <stdexcept>

#include "harness/model/c_escape.hpp"

namespace forkcheck::harness {
namespace {

using nlohmann::json;

json opt(const std::optional<mono_ns>& t) { return t ? json(*t) : json(nullptr); }

template <typename T>
void get(const json& j, const char* key, T& out) {
  if (const auto it = j.find(key); it != j.end() && !it->is_null()) out = it->get<T>();
}

void get_opt(const json& j, const char* key, std::optional<mono_ns>& out) {
  if (const auto it = j.find(key); it != j.end() && !it->is_null()) out = it->get<mono_ns>();
}

template <typename Enum>
Enum enum_from(const json& j, const char* key, Enum fallback, std::optional<Enum> (*parse)(std::string_view)) {
  const auto it = j.find(key);
  if (it == j.end()) return fallback;
  const auto value = parse(it->get<std::string>());
  if (!value) throw std::invalid_argument(std::string("unknown ") + key + " '" + it->get<std::string>() + "'");
  return *value;
}

json to_json(const RequestRecord& r) {
  return {{"id", r.id},         {"connection_id", r.connection_id}, {"fresh_connection", r.fresh_connection},
          {"connection_opened_ns", r.connection_opened_ns}, {"local_port", r.local_port},
          {"intended_ns", r.intended_ns}, {"start_ns", r.start_ns}, {"end_ns", r.end_ns},
          {"status", r.status}, {"error", to_string(r.error)}, {"sys_errno", r.sys_errno},
          {"worker_pid", r.worker_pid}, {"probe", r.probe}};
}

RequestRecord request_from(const json& j) {
  RequestRecord r;
  get(j, "id", r.id);
  get(j, "connection_id", r.connection_id);
  get(j, "fresh_connection", r.fresh_connection);
  get(j, "connection_opened_ns", r.connection_opened_ns);
  get(j, "local_port", r.local_port);
  get(j, "intended_ns", r.intended_ns);
  get(j, "start_ns", r.start_ns);
  get(j, "end_ns", r.end_ns);
  get(j, "status", r.status);
  r.error = enum_from(j, "error", RequestError::ok, request_error_from_string);
  get(j, "sys_errno", r.sys_errno);
  get(j, "worker_pid", r.worker_pid);
  get(j, "probe", r.probe);
  return r;
}

json to_json(const WorkerLifetime& w) {
  return {{"pid", w.pid},         {"fork_ns", w.fork_ns},         {"ready_ns", opt(w.ready_ns)},
          {"exit_ns", opt(w.exit_ns)}, {"exit_signal", w.exit_signal}, {"exit_status", w.exit_status}};
}

WorkerLifetime worker_from(const json& j) {
  WorkerLifetime w;
  get(j, "pid", w.pid);
  get(j, "fork_ns", w.fork_ns);
  get_opt(j, "ready_ns", w.ready_ns);
  get_opt(j, "exit_ns", w.exit_ns);
  get(j, "exit_signal", w.exit_signal);
  get(j, "exit_status", w.exit_status);
  return w;
}

json to_json(const FaultRecord& f) {
  return {{"kind", to_string(f.kind)}, {"signal", f.signal}, {"scheduled_ns", f.scheduled_ns},
          {"sent_ns", f.sent_ns},      {"victims", f.victims}, {"victim_client_ports", f.victim_client_ports},
          {"death_seen_ns", opt(f.death_seen_ns)}, {"confirmed_ns", opt(f.confirmed_ns)}, {"path", f.path},
          {"note", f.note}, {"storm", f.storm}};
}

FaultRecord fault_from(const json& j) {
  FaultRecord f;
  f.kind = enum_from(j, "kind", FaultKind::kill_worker, fault_kind_from_string);
  get(j, "signal", f.signal);
  get(j, "scheduled_ns", f.scheduled_ns);
  get(j, "sent_ns", f.sent_ns);
  get(j, "victims", f.victims);
  get(j, "victim_client_ports", f.victim_client_ports);
  get_opt(j, "death_seen_ns", f.death_seen_ns);
  get_opt(j, "confirmed_ns", f.confirmed_ns);
  get(j, "path", f.path);
  get(j, "note", f.note);
  get(j, "storm", f.storm);
  return f;
}

json to_json(const TargetInfo& t) {
  return {{"command", t.command},   {"primary_pid", t.primary_pid},     {"launch_ns", t.launch_ns},
          {"listening_ns", opt(t.listening_ns)}, {"primary_start_ns", opt(t.primary_start_ns)},
          {"port", t.port},         {"workers", t.workers},             {"white_box", t.white_box},
          {"observer_source", t.observer_source}, {"workers_rule", t.workers_rule},
          {"kernel_attribution", t.kernel_attribution}, {"ready_ns", opt(t.ready_ns)},
          {"service_start_ns", opt(t.service_start_ns)}};
}

TargetInfo target_from(const json& j) {
  TargetInfo t;
  get(j, "command", t.command);
  get(j, "primary_pid", t.primary_pid);
  get(j, "launch_ns", t.launch_ns);
  get_opt(j, "listening_ns", t.listening_ns);
  get_opt(j, "primary_start_ns", t.primary_start_ns);
  get(j, "port", t.port);
  get(j, "workers", t.workers);
  get(j, "white_box", t.white_box);
  get(j, "observer_source", t.observer_source);
  get(j, "workers_rule", t.workers_rule);
  get(j, "kernel_attribution", t.kernel_attribution);
  get_opt(j, "ready_ns", t.ready_ns);
  get_opt(j, "service_start_ns", t.service_start_ns);
  return t;
}

json to_json(const HelperProcess& p) {
  return {{"pid", p.pid}, {"fork_ns", p.fork_ns}, {"exit_ns", opt(p.exit_ns)}, {"command", p.command}};
}

HelperProcess helper_from(const json& j) {
  HelperProcess p;
  get(j, "pid", p.pid);
  get(j, "fork_ns", p.fork_ns);
  get_opt(j, "exit_ns", p.exit_ns);
  get(j, "command", p.command);
  return p;
}

json to_json(const StopRecord& s) {
  json out = {{"primary_exited_during_run", s.primary_exited_during_run}, {"primary_exit_ns", opt(s.primary_exit_ns)},
              {"primary_exit_signal", s.primary_exit_signal}, {"primary_exit_status", s.primary_exit_status},
              {"stop_sent_ns", s.stop_sent_ns}, {"survivors", s.survivors}, {"survivor_commands", s.survivor_commands},
              {"orphan_grace_ms", s.orphan_grace_ms}, {"orphan_check_ns", s.orphan_check_ns},
              {"orphan_check_done", s.orphan_check_done}};
  if (s.stop_signal) out["stop_signal"] = s.stop_signal;  // absent from histories recorded before it existed
  return out;
}

StopRecord stop_from(const json& j) {
  StopRecord s;
  get(j, "primary_exited_during_run", s.primary_exited_during_run);
  get_opt(j, "primary_exit_ns", s.primary_exit_ns);
  get(j, "primary_exit_signal", s.primary_exit_signal);
  get(j, "primary_exit_status", s.primary_exit_status);
  get(j, "stop_sent_ns", s.stop_sent_ns);
  get(j, "stop_signal", s.stop_signal);
  get(j, "survivors", s.survivors);
  get(j, "survivor_commands", s.survivor_commands);
  get(j, "orphan_grace_ms", s.orphan_grace_ms);
  get(j, "orphan_check_ns", s.orphan_check_ns);
  get(j, "orphan_check_done", s.orphan_check_done);
  return s;
}

json health_to_json(const HarnessHealth& health) {
  json sources = json::array();
  for (const LatenessSource& s : health.sources) {
    json worst = json::array();
    for (const LatenessWindow& w : s.worst) worst.push_back({{"due_ns", w.due_ns}, {"at_ns", w.at_ns}});
    sources.push_back({{"name", s.name}, {"samples", s.samples}, {"p50_ns", s.p50_ns}, {"p99_ns", s.p99_ns},
                       {"max_ns", s.max_ns}, {"worst", worst}});
  }
  return {{"sources", sources}};
}

HarnessHealth health_from(const json& j) {
  HarnessHealth health;
  for (const auto& item : j.at("sources")) {
    LatenessSource s;
    get(item, "name", s.name);
    get(item, "samples", s.samples);
    get(item, "p50_ns", s.p50_ns);
    get(item, "p99_ns", s.p99_ns);
    get(item, "max_ns", s.max_ns);
    if (const auto it = item.find("worst"); it != item.end())
      for (const auto& w : *it) s.worst.push_back({w.at("due_ns").get<mono_ns>(), w.at("at_ns").get<mono_ns>()});
    health.sources.push_back(std::move(s));
  }
  return health;
}

json to_json(const BadBodySample& b) {
  return {{"request_id", b.request_id}, {"status", b.status}, {"body_bytes", b.body_bytes},
          {"body", escape_c(b.body)}};
}

BadBodySample bad_body_from(const json& j) {
  BadBodySample b;
  get(j, "request_id", b.request_id);
  get(j, "status", b.status);
  get(j, "body_bytes", b.body_bytes);
  std::string escaped;
  get(j, "body", escaped);
  b.body = unescape_c(escaped, nullptr).value_or(escaped);
  return b;
}

template <typename T, typename F>
std::vector<T> list_from(const json& j, const char* key, F parse) {
  std::vector<T> out;
  if (const auto it = j.find(key); it != j.end())
    for (const auto& item : *it) out.push_back(parse(item));
  return out;
}

}  // namespace

nlohmann::json history_to_json(const History& h, RequestsInJson requests) {
  json workers = json::array(), helpers = json::array(), faults = json::array(), events = json::array();
  for (const auto& w : h.workers) workers.push_back(to_json(w));
  for (const auto& p : h.helpers) helpers.push_back(to_json(p));
  for (const auto& f : h.faults) faults.push_back(to_json(f));
  // The events keep refcluster's own line format (common/event.hpp): one writer for both.
  for (const auto& e : h.events) events.push_back(json::parse(to_json_line(e)));
  json out = {{"target", to_json(h.target)}, {"workers", workers}, {"helpers", helpers}, {"faults", faults},
              {"events", events},            {"stop", to_json(h.stop)},
              {"load_start_ns", h.load_start_ns}, {"load_begin_ns", h.load_begin_ns}, {"load_end_ns", h.load_end_ns}, {"run_end_ns", h.run_end_ns},
              {"seed", h.seed}};
  if (h.harness_health.measured()) out["harness_health"] = health_to_json(h.harness_health);
  if (!h.bad_bodies.empty()) {
    json bodies = json::array();
    for (const auto& b : h.bad_bodies) bodies.push_back(to_json(b));
    out["bad_bodies"] = std::move(bodies);
  }
  if (requests == RequestsInJson::listed) {
    json listed = json::array();
    for (const auto& r : h.requests) listed.push_back(to_json(r));
    out["requests"] = std::move(listed);
  } else {
    out["request_count"] = h.requests.size();
    const std::string& path = h.requests.path();
    out["request_log"] = path.empty() ? json(nullptr) : json(std::filesystem::path(path).filename().string());
  }
  return out;
}

History history_from_json(const nlohmann::json& j) {
  History h;
  if (const auto it = j.find("target"); it != j.end()) h.target = target_from(*it);
  if (const auto it = j.find("stop"); it != j.end()) h.stop = stop_from(*it);
  h.workers = list_from<WorkerLifetime>(j, "workers", worker_from);
  h.helpers = list_from<HelperProcess>(j, "helpers", helper_from);
  for (const auto& r : list_from<RequestRecord>(j, "requests", request_from)) h.requests.push_back(r);
  h.faults = list_from<FaultRecord>(j, "faults", fault_from);
  h.events = list_from<Event>(j, "events", [](const json& e) {
    std::string error;
    auto event = parse_event_line(e.dump(), &error);
    if (!event) throw std::invalid_argument("bad event: " + error);
    return *event;
  });
  get(j, "load_start_ns", h.load_start_ns);
  get(j, "load_begin_ns", h.load_begin_ns);
  get(j, "load_end_ns", h.load_end_ns);
  get(j, "run_end_ns", h.run_end_ns);
  get(j, "seed", h.seed);
  if (const auto it = j.find("harness_health"); it != j.end()) h.harness_health = health_from(*it);
  h.bad_bodies = list_from<BadBodySample>(j, "bad_bodies", bad_body_from);
  return h;
}

}  // namespace forkcheck::harness
