#include "harness/report/report_json.hpp"

#include "harness/model/history_json.hpp"
#include "harness/report/report_health.hpp"
#include "harness/report/report_wire_fuzz.hpp"

namespace forkcheck::harness {
namespace {

using nlohmann::json;

json opt(const std::optional<mono_ns>& t) { return t ? json(*t) : json(nullptr); }

json fault_spec_to_json(const FaultSpec& f) {
  if (f.kind == FaultKind::wire_fuzz)
    return json{{"kind", to_string(f.kind)}, {"at_s", f.at_s}, {"every_s", f.every_s}, {"jitter_s", f.jitter_s},
                {"count", f.count}, {"wire_fuzz", wire_fuzz_spec_to_json(f.wire)}};
  return {{"kind", to_string(f.kind)}, {"signal", signal_name(f.signal)}, {"at_s", f.at_s},
          {"every_s", f.every_s},      {"jitter_s", f.jitter_s},          {"count", f.count},
          {"victim", to_string(f.victim)}, {"victims", f.victims}};
}

json row_to_json(const TableRow& r, mono_ns launch_ns) {
  return {{"step", r.step},
          {"action", r.action},
          {"process_type", to_string(r.process)},
          {"t_ns", opt(r.t_ns)},
          {"t_ms", r.t_ns ? json(ns_to_ms(*r.t_ns - launch_ns)) : json(nullptr)},
          {"workers", r.workers ? json(*r.workers) : json(nullptr)},
          {"listening", r.listening ? json(*r.listening) : json(nullptr)},
          {"expected_workers", r.expected_workers},
          {"expected_listening", r.expected_listening},
          {"mismatch", r.mismatch()},
          {"spread", r.spread ? json(*r.spread) : json(nullptr)},
          {"spread_unknown", r.spread_unknown},
          {"notes", r.notes},
          {"fault_index", r.fault_index ? json(*r.fault_index) : json(nullptr)}};
}

json table_to_json(const ReportModel& m) {
  json rows = json::array();
  for (const auto& r : m.table.rows) rows.push_back(row_to_json(r, m.table.launch_ns));
  json tracker = json::array();
  for (const auto& row : m.tracker.rows) {
    json cells = json::object();
    for (std::size_t i = 0; i < row.cells.size() && i < m.tracker.columns.size(); ++i)
      cells[m.tracker.columns[i]] = {{"observed", row.cells[i].observed},
                                     {"expected", row.cells[i].expected},
                                     {"mismatch", row.cells[i].mismatch}};
    tracker.push_back({{"variable", row.variable}, {"cells", cells}});
  }
  json moments = json::array();
  for (const auto& k : m.moments)
    moments.push_back({{"question", k.question}, {"rows", k.rows}, {"status", to_string(k.status)}, {"evidence", k.evidence}});
  return {{"n", m.table.n}, {"matches", m.table.matches()}, {"rows", rows},
          {"variable_tracker", tracker}, {"key_moments", moments}};
}

// `excused`: the load's (probes are not counted).
json load_to_json(const LoadSummary& l, const ExcusedFailures* excused) {
  json by_kind = json::object();
  for (RequestError e : all_request_errors())
    if (e != RequestError::ok && e != RequestError::cancelled) by_kind[std::string(to_string(e))] = l.count(e);
  json out = {{"requests", l.requests},
              {"ok", l.ok},
              {"failed", l.failed()},
              {"cancelled", l.cancelled()},
              {"failures_by_kind", by_kind},
              {"latency_us",
               {{"count", l.latency.count}, {"mean", l.latency.mean_us}, {"p50", l.latency.p50_us},
                {"p90", l.latency.p90_us}, {"p99", l.latency.p99_us}, {"p999", l.latency.p999_us},
                {"max", l.latency.max_us}}}};
  if (excused) out["excused"] = excused->excused;
  return out;
}

json excused_failures_to_json(const History& h, const ExcusedFailures& e) {
  json out = json::array();
  for (const ExcusedByFault& f : e.by_fault) {
    json first = json::array();
    for (const RequestRecord& r : f.first)
      first.push_back({{"id", r.id}, {"connection_id", r.connection_id}, {"local_port", r.local_port},
                       {"intended_ns", r.intended_ns}, {"end_ns", r.end_ns}, {"error", to_string(r.error)}});
    out.push_back({{"fault_index", f.fault_index}, {"kind", to_string(h.faults[f.fault_index].kind)},
                   {"count", f.count}, {"first_requests", first}});
  }
  return out;
}

json recoveries_to_json(const ReportModel& m) {
  json out = json::array();
  for (const auto& r : m.recoveries)
    out.push_back({{"fault_index", r.fault_index},
                   {"death_ns", opt(r.death_ns)},
                   {"victim_exit_ns", opt(r.victim_exit_ns)},
                   {"replacements", r.replacements},
                   {"replacement_fork_ns", opt(r.replacement_fork_ns)},
                   {"restored_ns", opt(r.restored_ns)},
                   {"recovery_ns", opt(r.recovery_ns())}});
  return out;
}

// Milliseconds since the launch, null when unknown.
json ms_since_launch(const History& h, std::optional<mono_ns> t) {
  return t && *t > 0 ? json(ns_to_ms(*t - h.target.launch_ns)) : json(nullptr);
}

// How long the target took to have N ready workers, and where the service window starts.
json warm_up_to_json(const History& h) {
  return {{"load_begin_ms", ms_since_launch(h, h.load_begin_ns ? std::optional<mono_ns>(h.load_begin_ns) : std::nullopt)},
          {"ready_ms", ms_since_launch(h, h.target.ready_ns)},
          {"service_start_ms", ms_since_launch(h, h.target.service_start_ns)},
          {"schedule_start_ms", ms_since_launch(h, h.load_start_ns ? std::optional<mono_ns>(h.load_start_ns) : std::nullopt)}};
}

json helpers_to_json(const History& h) {
  json out = json::array();
  for (const HelperProcess& p : h.helpers)
    out.push_back({{"pid", p.pid}, {"command", p.command}, {"fork_ms", ms_since_launch(h, p.fork_ns)},
                   {"exit_ms", ms_since_launch(h, p.exit_ns)}});
  return out;
}

// The extra request headers in the file's order (an object would sort them).
nlohmann::json load_headers_json(const LoadSpec& l) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [name, value] : l.headers) out.push_back({{"name", name}, {"value", value}});
  return out;
}

}  // namespace

nlohmann::json scenario_to_json(const Scenario& s) {
  json faults = json::array();
  for (const auto& f : s.faults) faults.push_back(fault_spec_to_json(f));
  json properties = json::array();
  for (Property p : properties_to_check(s)) properties.push_back(to_string(p));
  const auto& l = s.load;
  return {{"name", s.name}, {"description", s.description}, {"source_path", s.source_path}, {"target", s.target},
          {"workers", s.workers ? json(*s.workers) : json("auto")}, {"workers_match", s.workers_match},
          {"port", s.port}, {"warmup_s", s.warmup_s},
          {"duration_s", s.duration_s}, {"recovery_deadline_s", s.recovery_deadline_s},
          {"start_timeout_s", s.start_timeout_s}, {"stop_grace_s", s.stop_grace_s}, {"seed", s.seed},
          {"walkthrough", s.walkthrough},
          {"load",
           {{"rate_rps", l.rate_rps}, {"closed_loop", l.closed_loop}, {"connections", l.connections},
            {"keep_alive", l.keep_alive}, {"timeout_ms", l.timeout_ms}, {"probe_rate_hz", l.probe_rate_hz},
            {"expected_body", l.expected_body}, {"path", l.path}, {"headers", load_headers_json(l)},
            {"accepted_statuses", l.accepted_statuses}, {"host", l.host}}},
          {"faults", faults}, {"properties", properties}};
}

nlohmann::json report_to_json(const History& h, const Scenario& s, const std::vector<PropertyResult>& results,
                              const ReportMeta& meta) {
  const ReportModel m = build_report_model(h, s, results, meta);
  json properties = json::array();
  for (const auto& r : results)
    properties.push_back({{"name", to_string(r.property)}, {"verdict", to_string(r.verdict)},
                          {"summary", r.summary}, {"evidence", r.evidence}});
  json report = {{"schema_version", kReportSchemaVersion},
                 {"forkcheck_version", meta.forkcheck_version},
                 {"command", meta.command_line},
                 {"report_dir", meta.report_dir},
                 {"verdict", meta.interrupted.empty() ? std::string(to_string(m.overall)) : "interrupted"},
                 {"exit_code", to_int(m.exit_code)},
                 {"scenario", scenario_to_json(s)},
                 {"properties", properties},
                 {"execution_table", table_to_json(m)},
                 {"load", load_to_json(m.load, &m.excused)},
                 {"probes", load_to_json(m.probes, nullptr)},
                 {"excused_failures", excused_failures_to_json(h, m.excused)},
                 {"recoveries", recoveries_to_json(m)},
                 // Every request is in the request log beside report.json, not here.
                 {"history", history_to_json(h, RequestsInJson::counted)}};
  report["warm_up"] = warm_up_to_json(h);
  report["helpers"] = helpers_to_json(h);
  report["harness_health"] = harness_health_to_json(h, s);
  if (fuzzes_wire(s) || !h.wire_inputs.empty()) report["wire_fuzz"] = wire_fuzz_to_json(h);
  if (!meta.interrupted.empty()) report["interrupted"] = meta.interrupted;
  return report;
}

std::string render_json_report(const History& h, const Scenario& s, const std::vector<PropertyResult>& results,
                               const ReportMeta& meta) {
  return report_to_json(h, s, results, meta).dump(2) + "\n";
}

}  // namespace forkcheck::harness
