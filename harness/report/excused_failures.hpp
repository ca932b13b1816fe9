#pragma once
// Excused failures, counted for every summary (console, report.md/.html/.json, the CI step summary,
// and through report.json the suite): failed load requests that a fault excuses, in total and per
// fault with the first few. The excuse itself is the checker's decision (excusing_fault); this only
// counts what it says, so a pass of no_dropped_requests never hides them. Pure.
//
// Counted: load requests (not probes), every one the run recorded, as the Load figures count them;
// a request the harness cut (cancelled) is no failure.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "harness/model/history.hpp"
#include "harness/model/scenario.hpp"

namespace forkcheck::harness {

// Per fault, this many excused requests are kept to be quoted.
constexpr std::size_t kExcusedQuotedPerFault = 3;

struct ExcusedByFault {
  std::size_t fault_index = 0;       // into History::faults
  std::uint64_t count = 0;
  std::vector<RequestRecord> first;  // the first kExcusedQuotedPerFault, in the order read
};

struct ExcusedFailures {
  std::uint64_t failed = 0;   // every failed load request, excused or not
  std::uint64_t excused = 0;  // of those, the ones a fault excuses
  std::vector<ExcusedByFault> by_fault;  // faults that excused at least one, by fault index
};

// Counts one request at a time (the run's console counts as requests arrive; the report reads a
// streamed log once). `h` supplies the faults and `s` the excuse's bound (recovery_deadline_s): a fault sent after a request ended cannot excuse it.
class ExcusedTally {
 public:
  void add(const History& h, const Scenario& s, const RequestRecord& r);
  const ExcusedFailures& result() const { return counts_; }

 private:
  ExcusedFailures counts_;
};

ExcusedFailures count_excused_failures(const History& h, const Scenario& s);

// "10 failed (8 excused)": the failures and, beside them, how many of those a fault excused.
std::string failed_and_excused_text(std::uint64_t failed, std::uint64_t excused);
// "F1 5 · F2 3" (fault number from 1 and its count), empty when none was excused.
std::string excused_per_fault_text(const ExcusedFailures& e);
// One quoted request: "#12 reset (port 40312, ended +1000.2 ms)", instants since the launch.
std::string excused_request_text(const History& h, const RequestRecord& r);

}  // namespace forkcheck::harness
