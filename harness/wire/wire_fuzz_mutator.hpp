#pragma once
// The wire fuzzer's inputs: HTTP/1.1 requests, valid, odd and malformed, and mutations of them.
// Pure and deterministic: input k of a WireInputSource is a function of its seeds, its limits, the
// run's seed and k alone, identical with any compiler or standard library (the random numbers come
// from our own splitmix64, never from std::*_distribution). So a run records only each input's
// index and hash, and regenerates the bytes of the inputs it saves.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace forkcheck::harness {

// splitmix64 (Steele, Lea, Flood 2014): tiny, fast, and the same numbers everywhere.
class WireRng {
 public:
  explicit WireRng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  std::uint64_t below(std::uint64_t n);  // [0, n); 0 when n == 0
 private:
  std::uint64_t state_;
};

// Built into the program, so a run never depends on the source tree: requests as clients send them,
// the edge cases servers get wrong, and malformed ones.
const std::vector<std::string>& builtin_wire_seeds();

struct MutatorLimits {
  int max_mutations = 4;         // stacked on one seed; 0: the seeds are sent verbatim, in turn
  std::size_t max_bytes = 4096;  // no input is longer
};

// 1..max_mutations mutations of `base` (`pool` is drawn on for splicing). The result is never
// empty and never longer than limits.max_bytes.
std::string mutate(std::string base, const std::vector<std::string>& pool, const MutatorLimits& limits, WireRng& rng);

class WireInputSource {
 public:
  // `seeds` must not be empty (the built-in ones are always there); each is cut to max_bytes.
  WireInputSource(std::vector<std::string> seeds, MutatorLimits limits, std::uint64_t seed);

  // Input k: the seeds verbatim first (k < seed_count()), as libFuzzer runs its corpus before
  // mutating it; then a mutation of a seed chosen by (seed, k).
  std::string input(std::uint64_t k) const;
  std::size_t seed_count() const { return seeds_.size(); }
  const MutatorLimits& limits() const { return limits_; }

 private:
  std::vector<std::string> seeds_;
  MutatorLimits limits_;
  std::uint64_t seed_;
};

// The per-fault seed: the run's seed mixed with the fault's index in the scenario.
std::uint64_t wire_fuzz_seed(std::uint64_t run_seed, std::size_t spec_index);

// FNV-1a, 64 bits: the recorded fingerprint of an input.
std::uint64_t fnv1a64(std::string_view bytes);

}  // namespace forkcheck::harness
