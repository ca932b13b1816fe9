#pragma once
// "Harness health": how late forkcheck itself was against its own schedule (model/harness_health.hpp)
// and whether the harness-lateness rule could apply (check/checker_harness_late.hpp), for report.md,
// report.json and report.html. Pure. A history that did not measure it (hand-made, older) shows nothing.
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "harness/model/history.hpp"
#include "harness/model/scenario.hpp"

namespace forkcheck::harness {

// One sentence: the worst stall and whether it was late enough for the rule; empty when not measured.
std::string harness_health_line(const History& h, const Scenario& s);
// report.md's "## Harness health" section (the line and a table per source); nothing when not measured.
void write_harness_health_markdown(std::ostream& o, const History& h, const Scenario& s);
// report.json's `harness_health` (reports/README.md); null when not measured.
nlohmann::json harness_health_to_json(const History& h, const Scenario& s);

}  // namespace forkcheck::harness
