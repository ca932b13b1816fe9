#pragma once
// What the timeline draws, reduced from a History in one pass over its requests with bounded memory:
// a run may record millions of requests, the picture keeps a few thousand points. Pure.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "harness/model/history.hpp"
#include "harness/model/scenario.hpp"

namespace forkcheck::harness {

// How a load request ended, as the picture colours it: a failure excused by a fault (on a killed
// worker's own connection: check/checker.hpp's excusing_fault) is not a dropped request.
enum class PointOutcome { ok, excused, failed };
constexpr std::size_t kPointOutcomes = 3;
std::string_view to_string(PointOutcome o);

struct RequestPoint {
  double t_ms = 0;        // intended send time, since the launch
  double latency_ms = 0;  // end - intended (as load_stats measures it)
  PointOutcome outcome = PointOutcome::ok;
  std::uint64_t id = 0;
  RequestError error = RequestError::ok;
};

// The live and ready worker counts from this instant on (a step line).
struct CountStep {
  double t_ms = 0;
  int live = 0;
  int ready = 0;
};

struct TimelineModel {
  double end_ms = 1;   // the time axis runs from the launch (0) to here
  int n = 0;           // N, the target's worker count
  std::vector<RequestPoint> points;             // what is drawn
  std::array<std::uint64_t, kPointOutcomes> seen{};   // load requests by outcome
  std::array<std::uint64_t, kPointOutcomes> drawn{};  // of those, drawn as points
  std::vector<CountStep> steps;                 // by time
};

struct TimelineLimits {
  int columns = 1000;            // successes: the fastest and the slowest of each column are drawn
  std::size_t max_failures = 2000;  // failed and excused requests: the first ones, in recorded order
};

TimelineModel build_timeline(const History& h, const Scenario& s, TimelineLimits limits = {});

}  // namespace forkcheck::harness
