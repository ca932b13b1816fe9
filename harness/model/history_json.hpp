#pragma once
// A History as JSON and back: the "history" member of report.json (schema in reports/README.md),
// and the recorded histories under tests/fixtures/histories/ that the checker tests replay.
// Instants are integers (CLOCK_MONOTONIC ns); an absent optional instant is null.
#include <nlohmann/json.hpp>

#include "harness/model/history.hpp"

namespace forkcheck::harness {

// How the requests appear: `listed` as a "requests" array (recorded fixtures; every request, so only
// for small histories), `counted` as "request_count" and "request_log" (the streamed log's file
// name, null when in memory): what report.json holds, whose run streamed every request to a file.
enum class RequestsInJson { listed, counted };

nlohmann::json history_to_json(const History& h, RequestsInJson requests = RequestsInJson::listed);

// Throws nlohmann::json::exception (or std::invalid_argument for an unknown enum name) when the
// JSON is not a history. Members that are missing keep their defaults, so the format can grow.
// A `counted` history comes back without requests (read the request log with RequestLog::open_file).
History history_from_json(const nlohmann::json& j);

}  // namespace forkcheck::harness
