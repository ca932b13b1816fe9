// The wire fuzzer's inputs: deterministic per seed, bounded, seeds first, able to reach a target's
// special paths.
#include <gtest/gtest.h>

#include <set>

#include "harness/wire/wire_fuzz_mutator.hpp"

namespace forkcheck::harness {
namespace {

WireInputSource builtin_source(std::uint64_t seed, MutatorLimits limits = {}) {
  return WireInputSource(builtin_wire_seeds(), limits, seed);
}

TEST(WireRng, IsSplitmix64) {
  // The first outputs of splitmix64 seeded with 0, as published with the algorithm.
  WireRng rng(0);
  EXPECT_EQ(rng.next(), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(rng.next(), 0x6e789e6aa1b965f4ULL);
  WireRng bounded(7);
  for (int i = 0; i < 1000; ++i) EXPECT_LT(bounded.below(13), 13u);
  EXPECT_EQ(bounded.below(0), 0u);
}

TEST(WireInputSource, SameSeedSameInputs) {
  const WireInputSource a = builtin_source(1), b = builtin_source(1);
  for (std::uint64_t k = 0; k < 500; ++k) ASSERT_EQ(a.input(k), b.input(k)) << "input " << k;
}

TEST(WireInputSource, InputsAreAFunctionOfTheirIndexAlone) {
  const WireInputSource source = builtin_source(9);
  const std::string late = source.input(321);
  for (std::uint64_t k = 0; k < 321; ++k) (void)source.input(k);
  EXPECT_EQ(source.input(321), late);
}

TEST(WireInputSource, OtherSeedOtherInputs) {
  const WireInputSource a = builtin_source(1), b = builtin_source(2);
  int differ = 0;
  for (std::uint64_t k = a.seed_count(); k < a.seed_count() + 100; ++k) differ += a.input(k) != b.input(k);
  EXPECT_GT(differ, 80);
}

// A golden fingerprint of the first 300 inputs of seed 1: the same bytes with g++ and clang, libstdc++
// or libc++. If the mutator changes on purpose, this number changes with it.
TEST(WireInputSource, GoldenFingerprint) {
  const WireInputSource source = builtin_source(1);
  std::string all;
  for (std::uint64_t k = 0; k < 300; ++k) all += source.input(k) + '\x1e';
  EXPECT_EQ(fnv1a64(all), 0x50e357d4dbcc2825ULL) << std::hex << fnv1a64(all);
}

TEST(WireInputSource, SeedsComeFirstVerbatim) {
  const WireInputSource source = builtin_source(5);
  for (std::size_t k = 0; k < builtin_wire_seeds().size(); ++k) EXPECT_EQ(source.input(k), builtin_wire_seeds()[k]);
}

TEST(WireInputSource, NoMutationsCyclesTheSeeds) {
  const WireInputSource source = builtin_source(5, {.max_mutations = 0, .max_bytes = 4096});
  const std::size_t n = builtin_wire_seeds().size();
  EXPECT_EQ(source.input(n + 3), builtin_wire_seeds()[3]);
}

TEST(WireInputSource, SizesAreBoundedAndNeverEmpty) {
  for (std::size_t max_bytes : {1u, 16u, 64u, 4096u}) {
    const WireInputSource source = builtin_source(3, {.max_mutations = 16, .max_bytes = max_bytes});
    for (std::uint64_t k = 0; k < 2000; ++k) {
      const std::string in = source.input(k);
      ASSERT_FALSE(in.empty()) << "input " << k;
      ASSERT_LE(in.size(), max_bytes) << "input " << k;
    }
  }
}

TEST(WireInputSource, EmptySeedsFallBackToTheBuiltIns) {
  const WireInputSource source({"", ""}, {}, 1);
  EXPECT_EQ(source.seed_count(), builtin_wire_seeds().size());
}

TEST(WireInputSource, CorpusSeedsAreCutToMaxBytes) {
  const WireInputSource source({std::string(100, 'x')}, {.max_mutations = 2, .max_bytes = 10}, 1);
  EXPECT_EQ(source.input(0), std::string(10, 'x'));
}

TEST(WireInputSource, MutationsAreVaried) {
  const WireInputSource source = builtin_source(1);
  std::set<std::string> distinct;
  for (std::uint64_t k = source.seed_count(); k < source.seed_count() + 200; ++k) distinct.insert(source.input(k));
  EXPECT_GT(distinct.size(), 180u);
}

// The request target is where routing happens; the mutator reaches the special paths it knows
// (brokencluster's crash_on_input trigger among them) within a few hundred inputs.
TEST(WireInputSource, ReachesTheCrashPathEarly) {
  const WireInputSource source = builtin_source(1);
  std::uint64_t first = 0;
  for (std::uint64_t k = 0; k < 400 && first == 0; ++k)
    if (source.input(k).substr(0, source.input(k).find('\n')).find("/crash") != std::string::npos) first = k;
  EXPECT_GT(first, 0u);
  EXPECT_LT(first, 120u);
}

TEST(Fnv1a64, KnownValues) {
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
}

TEST(WireFuzzSeed, DependsOnTheFault) {
  EXPECT_EQ(wire_fuzz_seed(1, 0), wire_fuzz_seed(1, 0));
  EXPECT_NE(wire_fuzz_seed(1, 0), wire_fuzz_seed(1, 1));
  EXPECT_NE(wire_fuzz_seed(1, 0), wire_fuzz_seed(2, 0));
}

}  // namespace
}  // namespace forkcheck::harness
