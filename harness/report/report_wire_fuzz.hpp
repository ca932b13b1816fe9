#pragma once
// The wire fuzzer's part of the reports: what was sent, how the connections ended, and which inputs
// were saved as crash inputs (their files sit beside report.md). Pure.
#include <nlohmann/json.hpp>
#include <ostream>

#include "harness/model/history.hpp"
#include "harness/model/scenario.hpp"

namespace forkcheck::harness {

// {"inputs", "outcomes": {answered: n, ...}, "crash_inputs": [{file, sequence, fault_index, index,
// size, fnv1a64, local_port, connect_ns, end_ns, outcome, status, worker_pid}]}.
nlohmann::json wire_fuzz_to_json(const History& h);

// The wire_fuzz keys of a fault spec, merged into report.json's scenario faults.
nlohmann::json wire_fuzz_spec_to_json(const WireFuzzSpec& w);

// "## Wire fuzz" for report.md; nothing when the scenario fuzzes nothing.
void write_wire_fuzz_markdown(std::ostream& o, const History& h, const Scenario& s);

}  // namespace forkcheck::harness
