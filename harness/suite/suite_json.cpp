#include "harness/suite/suite_json.hpp"

#include <nlohmann/json.hpp>

#include "harness/suite/suite_file.hpp"
#include "harness/suite/suite_plan.hpp"
#include "harness/suite/suite_render_text.hpp"
#include "harness/suite/suite_status.hpp"

namespace forkcheck::harness {

using nlohmann::json;

// Found by argument-dependent lookup from nlohmann::json's conversions.
void to_json(json& j, const ExpectedOutcome& e) {
  j = {{"scenario", e.scenario}, {"expect", to_string(e.expectation)}, {"properties", e.properties}, {"reason", e.reason}};
}

void from_json(const json& j, ExpectedOutcome& e) {
  j.at("scenario").get_to(e.scenario);
  e.expectation = j.at("expect").get<std::string>() == "flaky" ? Expectation::flaky : Expectation::fail;
  j.at("properties").get_to(e.properties);
  j.at("reason").get_to(e.reason);
}

void to_json(json& j, const SuiteTarget& t) {
  j = {{"name", t.name}, {"command", t.command}, {"requires", t.requires_programs}, {"reference", t.reference},
       {"workers_match", t.workers_match}, {"skipped_because", t.skipped_because}, {"expected", t.expected}};
}

void from_json(const json& j, SuiteTarget& t) {
  j.at("name").get_to(t.name);
  j.at("command").get_to(t.command);
  j.at("requires").get_to(t.requires_programs);
  j.at("reference").get_to(t.reference);
  t.workers_match = j.value("workers_match", "");  // absent from suite.json written before the key
  j.at("skipped_because").get_to(t.skipped_because);
  j.at("expected").get_to(t.expected);
}

void to_json(json& j, const SuiteScenario& s) {
  j = {{"name", s.name}, {"path", s.path}, {"description", s.description}, {"seed", s.seed}};
}

void from_json(const json& j, SuiteScenario& s) {
  j.at("name").get_to(s.name);
  j.at("path").get_to(s.path);
  j.at("description").get_to(s.description);
  j.at("seed").get_to(s.seed);
}

void to_json(json& j, const CellRun& r) {
  j = {{"seed", r.seed},       {"exit_code", r.exit_code},   {"failed", r.failed}, {"unknown", r.unknown},
       {"error", r.error},     {"report_dir", r.report_dir}, {"wall_s", r.wall_s},
       {"recovery_median_ms", r.recovery_median_ms ? json(*r.recovery_median_ms) : json(nullptr)},
       {"rerun", r.rerun}, {"requests_failed", r.requests_failed}, {"requests_excused", r.requests_excused}};
}

void from_json(const json& j, CellRun& r) {
  j.at("seed").get_to(r.seed);
  j.at("exit_code").get_to(r.exit_code);
  j.at("failed").get_to(r.failed);
  j.at("unknown").get_to(r.unknown);
  j.at("error").get_to(r.error);
  j.at("report_dir").get_to(r.report_dir);
  j.at("wall_s").get_to(r.wall_s);
  const json& m = j.at("recovery_median_ms");
  r.recovery_median_ms = m.is_null() ? std::nullopt : std::optional<double>(m.get<double>());
  r.rerun = j.value("rerun", 0);  // absent before --rerun-failed
  // Absent in a suite.json written before they were counted: none known.
  r.requests_failed = j.value("requests_failed", std::uint64_t{0});
  r.requests_excused = j.value("requests_excused", std::uint64_t{0});
}

void to_json(json& j, const Cell& c) {
  j = {{"scenario", c.scenario}, {"target", c.target}, {"status", to_string(c.status)}, {"runs", c.runs},
       {"failing_properties", c.failing_properties}, {"note", c.note}, {"wall_s", cell_wall_s(c)}};
}

void from_json(const json& j, Cell& c) {
  j.at("scenario").get_to(c.scenario);
  j.at("target").get_to(c.target);
  c.status = cell_status_from_string(j.at("status").get<std::string>()).value_or(CellStatus::skipped);
  j.at("runs").get_to(c.runs);
  j.at("failing_properties").get_to(c.failing_properties);
  j.at("note").get_to(c.note);
}

void to_json(json& j, const CellName& c) { j = {{"scenario", c.scenario}, {"target", c.target}}; }

void from_json(const json& j, CellName& c) {
  j.at("scenario").get_to(c.scenario);
  j.at("target").get_to(c.target);
}

void to_json(json& j, const ShardPlan& p) { j = {{"index", p.index}, {"count", p.count}, {"scenarios", p.scenarios}}; }

void from_json(const json& j, ShardPlan& p) {
  j.at("index").get_to(p.index);
  j.at("count").get_to(p.count);
  j.at("scenarios").get_to(p.scenarios);
}

void to_json(json& j, const MissingShard& m) { j = {{"shard", m.shard}, {"reason", m.reason}, {"cells", m.cells}}; }

void from_json(const json& j, MissingShard& m) {
  j.at("shard").get_to(m.shard);
  j.at("reason").get_to(m.reason);
  j.at("cells").get_to(m.cells);
}

namespace {

// A suite.json written before shard_plan was recorded: the plan follows from its `shard` and its
// scenarios by the dealing rule (in_shard), which has not changed since.
ShardPlan plan_of_older_result(const SuiteResult& r) {
  return plan_shards(r.scenarios, r.shard.empty() ? Shard{} : parse_shard(r.shard).value_or(Shard{}));
}

}  // namespace

std::string render_suite_json(const SuiteResult& r) {
  const json j = {{"schema_version", kSuiteSchemaVersion},
                  {"name", r.name},
                  {"suite_file", r.suite_file},
                  {"forkcheck_version", r.forkcheck_version},
                  {"targets", r.targets},
                  {"scenarios", r.scenarios},
                  {"cells", r.cells},
                  {"repeat", r.repeat},
                  {"shard", r.shard},
                  {"shard_plan", r.shard_plan},
                  {"merged_shards", r.merged_shards},
                  {"partial", !r.missing_shards.empty()},
                  {"missing_shards", r.missing_shards},
                  {"rerun_failed", r.rerun_failed},
                  {"started_utc", r.started_utc},
                  {"wall_s", r.wall_s},
                  {"exit_code", r.exit_code}};
  return j.dump(2) + "\n";
}

std::optional<SuiteResult> parse_suite_json(const std::string& text, std::string* error) {
  try {
    const json j = json::parse(text);
    if (j.at("schema_version").get<int>() != kSuiteSchemaVersion) {
      *error = "suite.json schema_version " + j.at("schema_version").dump() + ", expected " +
               std::to_string(kSuiteSchemaVersion);
      return std::nullopt;
    }
    SuiteResult r;
    j.at("name").get_to(r.name);
    j.at("suite_file").get_to(r.suite_file);
    j.at("forkcheck_version").get_to(r.forkcheck_version);
    j.at("targets").get_to(r.targets);
    j.at("scenarios").get_to(r.scenarios);
    j.at("cells").get_to(r.cells);
    j.at("repeat").get_to(r.repeat);
    j.at("shard").get_to(r.shard);
    // Added to schema 1 later (a reader of the first files ignores them; these have defaults).
    r.shard_plan = j.contains("shard_plan") ? j["shard_plan"].get<ShardPlan>() : plan_of_older_result(r);
    r.merged_shards = j.value("merged_shards", std::vector<std::string>{});
    r.missing_shards = j.value("missing_shards", std::vector<MissingShard>{});
    r.rerun_failed = j.value("rerun_failed", 0);
    j.at("started_utc").get_to(r.started_utc);
    j.at("wall_s").get_to(r.wall_s);
    j.at("exit_code").get_to(r.exit_code);
    return r;
  } catch (const json::exception& e) {
    *error = std::string("not a suite.json: ") + e.what();
    return std::nullopt;
  }
}

}  // namespace forkcheck::harness
