#include "harness/report/report_health.hpp"

#include "harness/check/checker_harness_late.hpp"
#include "harness/report/report_summary.hpp"

namespace forkcheck::harness {
namespace {

using nlohmann::json;

std::string since_launch(const History& h, mono_ns t) { return "+" + format_ns_as_ms(t - h.target.launch_ns); }

std::string what_it_measures(std::string_view source) {
  if (source == "tick") return "the run loop's 2 ms tick: each iteration against its start + 2 ms (an iteration that sent a fault is not counted)";
  if (source == "probe") return "a thread sleeping 1 ms in a loop (scheduling latency)";
  if (source == "fault") return "each fault's signal against its schedule (a kill's includes freezing its victims)";
  if (source == "request") return "each load request's send against its intended instant (includes waiting for a free connection)";
  return "";
}

json window_json(const History& h, const LatenessWindow& w) {
  return {{"due_ms", ns_to_ms(w.due_ns - h.target.launch_ns)}, {"at_ms", ns_to_ms(w.at_ns - h.target.launch_ns)},
          {"lateness_ms", ns_to_ms(w.lateness_ns())}};
}

}  // namespace

std::string harness_health_line(const History& h, const Scenario& s) {
  if (!h.harness_health.measured()) return {};
  const std::string rule = std::to_string(static_cast<int>(kHarnessLateFraction * 100)) + " %";
  if (const auto late = harness_was_late(h, s))
    return "Late: " + describe_stall(h, *late) + ", more than " + rule +
           " of one of the run's timing bounds; a timing fail judged during a stall that long is unknown, not fail.";
  const std::vector<HarnessStall> stalls = harness_stalls(h.harness_health);
  return "On time: the harness's longest stall (" +
         (stalls.empty() ? std::string("none") : stalls.front().source + " " + format_ns_as_ms(stalls.front().window.lateness_ns()) + " ms") +
         ") was within " + rule + " of every timing bound of the run.";
}

void write_harness_health_markdown(std::ostream& o, const History& h, const Scenario& s) {
  if (!h.harness_health.measured()) return;
  o << "## Harness health\n\n" << harness_health_line(h, s) << "\n\n";
  o << "| Source | Measures | Samples | p50 (ms) | p99 (ms) | max (ms) | Worst window (ms since launch) |\n"
       "|---|---|---:|---:|---:|---:|---|\n";
  for (const LatenessSource& src : h.harness_health.sources) {
    o << "| " << src.name << " | " << what_it_measures(src.name) << " | " << src.samples << " | "
      << format_ns_as_ms(src.p50_ns) << " | " << format_ns_as_ms(src.p99_ns) << " | " << format_ns_as_ms(src.max_ns) << " | ";
    if (src.worst.empty()) o << "—";
    else o << since_launch(h, src.worst.front().due_ns) << " to " << since_launch(h, src.worst.front().at_ns);
    o << " |\n";
  }
  o << "\nHow late forkcheck itself was against its own schedule. Only tick and probe make a stall of the "
       "harness: a timing fail whose bound held a stall longer than "
    << static_cast<int>(kHarnessLateFraction * 100) << " % of it is unknown (docs/design.md, section 6).\n\n";
}

json harness_health_to_json(const History& h, const Scenario& s) {
  if (!h.harness_health.measured()) return nullptr;
  json sources = json::array();
  for (const LatenessSource& src : h.harness_health.sources)
    sources.push_back({{"name", src.name}, {"samples", src.samples}, {"p50_ms", ns_to_ms(src.p50_ns)},
                       {"p99_ms", ns_to_ms(src.p99_ns)}, {"max_ms", ns_to_ms(src.max_ns)},
                       {"worst", src.worst.empty() ? json(nullptr) : window_json(h, src.worst.front())}});
  const auto late = harness_was_late(h, s);
  return {{"fraction", kHarnessLateFraction},
          {"late", late.has_value()},
          {"worst_stall", late ? json{{"source", late->source}, {"window", window_json(h, late->window)}} : json(nullptr)},
          {"summary", harness_health_line(h, s)},
          {"sources", sources}};
}

}  // namespace forkcheck::harness
