#pragma once
// When the wire fuzzer sends what: the scenario's wire_fuzz faults as bursts of inputs. Pure and
// deterministic per seed, like faults/faults.hpp's plan (whose FaultDriver never sees these faults).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/clock.hpp"
#include "harness/model/scenario.hpp"

namespace forkcheck::harness {

struct WireBurst {
  std::size_t spec_index = 0;  // the scenario fault (a wire_fuzz one)
  int occurrence = 0;
  mono_ns offset_ns = 0;       // from the start of the load
  int inputs = 0;              // sent one after another, each on a fresh connection
};

// Occurrence j of a wire_fuzz fault at at_s + j*every_s, +- a uniform jitter_s from the seed, never
// before the load starts. Sorted by offset (stable).
std::vector<WireBurst> plan_wire_fuzz(const Scenario& s, std::uint64_t seed);

// The scenario without its wire_fuzz faults: what the FaultDriver plans and fires.
Scenario without_wire_fuzz(Scenario s);

}  // namespace forkcheck::harness
