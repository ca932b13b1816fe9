#pragma once
// The load generator: HTTP/1.1 GETs (path and extra headers as the scenario says) to a loopback
// target, open loop at a constant rate (latency from the intended send instant, so a stalled
// server cannot hide behind a waiting client) or
// closed loop, keep-alive or a fresh connection per request, plus fresh-connection readiness
// probes. Every request becomes a RequestRecord; errors are counted by kind and the load keeps
// going. Runs on its own threads (one epoll loop each, each owning its connections).
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.hpp"
#include "harness/model/history.hpp"
#include "harness/load/load_stats.hpp"
#include "harness/model/scenario.hpp"

namespace forkcheck::harness {

class LoadThread;
struct LoadTarget;

struct LoadCounters {
  std::uint64_t sent = 0;  // requests whose bytes were all written
  std::uint64_t ok = 0;
  std::array<std::uint64_t, kRequestErrorKinds> failed{};  // index: RequestError (ok unused)

  std::uint64_t failed_total() const;
};

class LoadGenerator {
 public:
  // Throws std::invalid_argument for a non-loopback host (127.0.0.0/8 or ::1) or a nonsensical spec
  // (a bad path or header). Every request and probe sends spec.path and spec.headers; a status not in
  // spec.accepted_statuses is bad_status; an empty expected_body accepts any body of an accepted one.
  // (host and expected_body are apart from the spec for callers without a scenario; run passes the spec's.)
  LoadGenerator(LoadSpec spec, std::string host, int port, std::string expected_body = "");
  LoadGenerator(const LoadGenerator&) = delete;
  LoadGenerator& operator=(const LoadGenerator&) = delete;
  ~LoadGenerator();  // stop() and join()

  // Sends the load scheduled in [start_ns, stop_ns); requests in flight at stop_ns finish or time
  // out, so join() returns by stop_ns + 2 * timeout_ms at the latest. Throws std::runtime_error
  // if the threads cannot be set up (the only fatal errors). Call once.
  void start(mono_ns start_ns, mono_ns stop_ns);
  // Moves the end of the schedule given to start() (the run fixes it once the target is ready:
  // docs/design.md, section 5), while both the old and the new end lie ahead.
  void set_stop_ns(mono_ns stop_ns);
  // Ends the load now (the run was interrupted, or gives up): requests in flight are recorded as
  // `cancelled` (sys_errno ECANCELED), the harness's doing, which no property counts.
  void stop();
  void join();

  // Records completed since the last call (any thread; in no particular order). The generator
  // keeps no drained record: a caller that drains as the load goes holds the memory of a run.
  std::vector<RequestRecord> drain_records();
  // Every record not drained yet, by id; after join() (without drains: every record).
  std::vector<RequestRecord> all_records() const;
  LoadCounters counters() const;
  // The first kBadBodySamples responses classified bad_body, with what came back, by request id.
  std::vector<BadBodySample> bad_bodies() const;
  int threads() const { return static_cast<int>(threads_.size()); }

 private:
  LoadSpec spec_;
  std::unique_ptr<LoadTarget> target_;
  std::atomic<std::uint64_t> next_id_{0};
  std::vector<std::unique_ptr<LoadThread>> threads_;
  std::vector<std::thread> running_;
};

}  // namespace forkcheck::harness
