#include "harness/report/report_wire_fuzz.hpp"

#include <cstdio>
#include <map>

#include "harness/wire/wire_fuzz_attribution.hpp"

namespace forkcheck::harness {
namespace {

using nlohmann::json;

std::string hex64(std::uint64_t v) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::map<WireOutcome, std::size_t> outcome_counts(const History& h) {
  std::map<WireOutcome, std::size_t> counts;
  for (const WireInputRecord& r : h.wire_inputs) ++counts[r.outcome];
  return counts;
}

json crash_input_to_json(const WireInputRecord& r) {
  return {{"file", crash_input_file_name(r)}, {"sequence", r.sequence}, {"fault_index", r.spec_index},
          {"index", r.index}, {"size", r.size}, {"fnv1a64", hex64(r.hash)}, {"local_port", r.local_port},
          {"connect_ns", r.connect_ns}, {"end_ns", r.end_ns}, {"outcome", to_string(r.outcome)},
          {"status", r.status}, {"worker_pid", r.worker_pid}};
}

}  // namespace

json wire_fuzz_to_json(const History& h) {
  json outcomes = json::object();
  for (const auto& [o, n] : outcome_counts(h)) outcomes[std::string(to_string(o))] = n;
  json saved = json::array();
  for (std::size_t i : crash_inputs_to_save(h)) saved.push_back(crash_input_to_json(h.wire_inputs[i]));
  return {{"inputs", h.wire_inputs.size()}, {"outcomes", outcomes}, {"crash_inputs", saved}};
}

json wire_fuzz_spec_to_json(const WireFuzzSpec& w) {
  return {{"inputs", w.inputs}, {"max_mutations", w.max_mutations}, {"max_bytes", w.max_bytes},
          {"timeout_ms", w.timeout_ms}, {"corpus", w.corpus}};
}

void write_wire_fuzz_markdown(std::ostream& o, const History& h, const Scenario& s) {
  if (!fuzzes_wire(s)) return;
  o << "## Wire fuzz\n\n| | |\n|---|---|\n| inputs sent | " << h.wire_inputs.size() << " |\n| connections ended |";
  std::string counts;
  for (const auto& [outcome, n] : outcome_counts(h))
    counts += (counts.empty() ? " " : ", ") + std::string(to_string(outcome)) + " " + std::to_string(n);
  o << (counts.empty() ? " none" : counts) << " |\n\n";
  const std::vector<std::size_t> saved = crash_inputs_to_save(h);
  if (saved.empty()) {
    o << "No worker died outside a harness fault: no input was saved.\n\n";
    return;
  }
  o << "Inputs in flight on a worker that died outside any harness fault, saved beside this report "
       "(see `no_worker_crash_on_input` for which worker):\n\n| File | Fault | Input | Bytes | FNV-1a 64 | Ended |\n"
       "|---|---:|---:|---:|---|---|\n";
  for (std::size_t i : saved) {
    const WireInputRecord& r = h.wire_inputs[i];
    o << "| `" << crash_input_file_name(r) << "` | " << r.spec_index + 1 << " | " << r.index << " | " << r.size
      << " | `" << hex64(r.hash) << "` | " << to_string(r.outcome);
    if (r.status) o << ' ' << r.status;  // streamed: " " + std::to_string() trips a false g++ 12 -O3 -Wrestrict
    o << " |\n";
  }
  o << "\n";
}

}  // namespace forkcheck::harness
