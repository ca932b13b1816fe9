// no_worker_crash_on_input: no worker died by a signal or a non-zero status that no harness fault
// caused. Each such death is quoted with the wire-fuzz inputs in flight on it (wire/wire_fuzz_attribution.hpp),
// and the run saves those inputs in the report directory under the names quoted here.
#include <algorithm>
#include <map>

#include "harness/check/checker_properties.hpp"
#include "harness/wire/wire_fuzz_attribution.hpp"

namespace forkcheck::harness::detail {
namespace {

std::string how_it_died(const UnexplainedDeath& d) {
  if (d.signal) return "died of " + signal_name(d.signal);
  if (d.status >= 0) return "exited with status " + std::to_string(d.status);
  return "exited (how is unknown)";
}

std::string describe_input(const History& h, std::size_t i, const std::vector<std::size_t>& saved) {
  const WireInputRecord& r = h.wire_inputs[i];
  const bool kept = std::find(saved.begin(), saved.end(), i) != saved.end();
  std::string line = (kept ? crash_input_file_name(r) : "input #" + std::to_string(r.sequence) + " (not saved: cap)") +
                     " (fault " + std::to_string(r.spec_index + 1) + " input " + std::to_string(r.index) + ", " +
                     std::to_string(r.size) + " bytes, port " + std::to_string(r.local_port) + ", connected " +
                     at_ms(h, r.connect_ns) + ", " + std::string(to_string(r.outcome));
  if (r.status) {  // appended in two steps: g++ 12 -O3 reports a false -Wrestrict on " " + string
    line += ' ';
    line += std::to_string(r.status);
  }
  return line + " at " + at_ms(h, r.end_ns) + ")";
}

std::string describe_death(const History& h, const UnexplainedDeath& d, const std::vector<std::size_t>& saved) {
  std::string line = "worker " + std::to_string(d.pid) + " " + how_it_died(d) + " at " + at_ms(h, d.exit_ns) +
                     ", no harness fault's doing; ";
  if (d.suspects.empty()) return line + "no wire-fuzz input was in flight on it";
  line += std::to_string(d.in_flight) + " wire-fuzz input(s) in flight on it, most likely first: ";
  for (std::size_t k = 0; k < d.suspects.size(); ++k) line += (k ? "; " : "") + describe_input(h, d.suspects[k], saved);
  if (d.in_flight > d.suspects.size()) line += "; and " + std::to_string(d.in_flight - d.suspects.size()) + " more";
  return line;
}

std::string outcomes_text(const History& h) {
  std::map<WireOutcome, std::size_t> counts;
  for (const WireInputRecord& r : h.wire_inputs) ++counts[r.outcome];
  std::string out;
  for (const auto& [o, n] : counts) out += (out.empty() ? "" : ", ") + std::string(to_string(o)) + " " + std::to_string(n);
  return out.empty() ? "none" : out;
}

}  // namespace

PropertyResult check_no_worker_crash_on_input(const History& h, const Scenario& s) {
  const Property p = Property::no_worker_crash_on_input;
  const std::vector<UnexplainedDeath> deaths = unexplained_deaths(h);
  const std::vector<std::size_t> saved = crash_inputs_to_save(h);
  const std::string sent = std::to_string(h.wire_inputs.size()) + " wire-fuzz input(s) sent (" + outcomes_text(h) + ")";
  std::vector<std::string> evidence{sent};
  std::size_t crashed = 0, unknown = 0;
  for (const UnexplainedDeath& d : deaths) {
    d.known() ? ++crashed : ++unknown;
    if (evidence.size() <= kMaxQuoted) evidence.push_back(describe_death(h, d, saved));
  }
  if (crashed > 0) {
    const UnexplainedDeath& first = *std::find_if(deaths.begin(), deaths.end(), [](const auto& d) { return d.known(); });
    std::string summary = std::to_string(crashed) + " worker(s) died outside any harness fault; first: pid " +
                          std::to_string(first.pid) + " " + how_it_died(first);
    if (!first.suspects.empty())
      summary += "; most likely input: " + crash_input_file_name(h.wire_inputs[first.suspects.front()]);
    return result(p, Verdict::fail, summary, std::move(evidence));
  }
  if (unknown > 0)
    return result(p, Verdict::unknown, std::to_string(unknown) + " worker death(s) outside any fault with an unknown exit status",
                  std::move(evidence));
  if (fuzzes_wire(s) && h.wire_inputs.empty())
    return result(p, Verdict::unknown, "the scenario fuzzes the wire but no input was sent", std::move(evidence));
  return result(p, Verdict::pass, "no worker died outside a harness fault; " + sent, std::move(evidence));
}

}  // namespace forkcheck::harness::detail
