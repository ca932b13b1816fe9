#pragma once
// A fuzz target's invariant: when it does not hold, print what and where, then abort, which
// libFuzzer reports as a crash (and saves the input) and the replay main turns into a failed test.
#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition, what)                                                          \
  do {                                                                                       \
    if (!(condition)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s (%s)\n", __FILE__, __LINE__, what, \
                   #condition);                                                              \
      std::abort();                                                                          \
    }                                                                                        \
  } while (false)
