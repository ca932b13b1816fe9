#pragma once
// Shared by the load generator's tests: run a load for a while and collect what it recorded.
#include <algorithm>
#include <set>
#include <vector>

#include "common/clock.hpp"
#include "harness/load/load.hpp"

namespace forkcheck::harness {

inline LoadSpec open_loop(double rate_rps, int connections, bool keep_alive = true) {
  return LoadSpec{.rate_rps = rate_rps, .connections = connections, .keep_alive = keep_alive,
                  .timeout_ms = 1000, .probe_rate_hz = 0, .threads = 2};
}

struct LoadRun {
  std::vector<RequestRecord> records;
  LoadCounters counters;
  std::vector<BadBodySample> bad_bodies;
  mono_ns start_ns = 0;
  mono_ns stop_ns = 0;
  mono_ns joined_ns = 0;
};

inline LoadRun run_load(const LoadSpec& spec, int port, int duration_ms) {
  LoadGenerator load(spec, spec.host, port, spec.expected_body);
  LoadRun run;
  run.start_ns = monotonic_ns() + ms_to_ns(20);
  run.stop_ns = run.start_ns + ms_to_ns(duration_ms);
  load.start(run.start_ns, run.stop_ns);
  load.join();
  run.joined_ns = monotonic_ns();
  run.records = load.all_records();
  run.counters = load.counters();
  run.bad_bodies = load.bad_bodies();
  return run;
}

inline std::size_t count_error(const std::vector<RequestRecord>& records, RequestError e) {
  return static_cast<std::size_t>(
      std::count_if(records.begin(), records.end(), [e](const RequestRecord& r) { return r.error == e; }));
}

inline std::size_t distinct_local_ports(const std::vector<RequestRecord>& records) {
  std::set<std::uint16_t> ports;
  for (const RequestRecord& r : records) ports.insert(r.local_port);
  return ports.size();
}

}  // namespace forkcheck::harness
