#pragma once
// A History as JSON and back: the "history" member of report.json (schema in reports/README.md),
// and the recorded histories under tests/fixtures/histories/ that the checker tests replay.
// Instants are integers (CLOCK_MONOTONIC ns); an absent optional instant is null.
#include <nlohmann/json.hpp>

#include "harness/model/history.hpp"

namespace forkcheck::harness {

nlohmann::json history_to_json(const History& h);

// Throws nlohmann::json::exception (or std::invalid_argument for an unknown enum name) when the
// JSON is not a history. Members that are missing keep their defaults, so the format can grow.
History history_from_json(const nlohmann::json& j);

}  // namespace forkcheck::harness
