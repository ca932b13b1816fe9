#include "harness/report/excused_failures.hpp"

#include <algorithm>
#include <cstdio>

#include "harness/check/checker.hpp"

namespace forkcheck::harness {

void ExcusedTally::add(const History& h, const Scenario& s, const RequestRecord& r) {
  if (r.probe || r.error == RequestError::ok || cut_by_harness(r)) return;
  ++counts_.failed;
  const auto fault = excusing_fault(h, s, r);
  if (!fault) return;
  ++counts_.excused;
  auto& per = counts_.by_fault;
  auto it = std::lower_bound(per.begin(), per.end(), *fault,
                             [](const ExcusedByFault& e, std::size_t i) { return e.fault_index < i; });
  if (it == per.end() || it->fault_index != *fault) it = per.insert(it, ExcusedByFault{*fault, 0, {}});
  ++it->count;
  if (it->first.size() < kExcusedQuotedPerFault) it->first.push_back(r);
}

ExcusedFailures count_excused_failures(const History& h, const Scenario& s) {
  ExcusedTally tally;
  for (const RequestRecord& r : h.requests) tally.add(h, s, r);
  return tally.result();
}

std::string failed_and_excused_text(std::uint64_t failed, std::uint64_t excused) {
  return std::to_string(failed) + " failed (" + std::to_string(excused) + " excused)";
}

std::string excused_per_fault_text(const ExcusedFailures& e) {
  std::string out;
  for (const ExcusedByFault& f : e.by_fault)
    out += (out.empty() ? "" : " · ") + ("F" + std::to_string(f.fault_index + 1)) + " " + std::to_string(f.count);
  return out;
}

std::string excused_request_text(const History& h, const RequestRecord& r) {
  char ended[48];
  std::snprintf(ended, sizeof ended, "%+.1f ms", ns_to_ms(r.end_ns - h.target.launch_ns));
  return "#" + std::to_string(r.id) + " " + std::string(to_string(r.error)) + " (port " + std::to_string(r.local_port) +
         ", ended " + ended + ")";
}

}  // namespace forkcheck::harness
