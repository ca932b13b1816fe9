#pragma once
// One load thread: an epoll loop over the connections it owns, fed by one or more lanes (the load,
// and on one thread the readiness prober). Internal to the load module.
#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <span>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/unique_fd.hpp"
#include "harness/load/load.hpp"
#include "harness/load/load_connection.hpp"

struct epoll_event;

namespace forkcheck::harness {

// A schedule and the connections that carry it. Open loop: arrivals first_index + j * stride of
// a global schedule of rate_hz, instant k at start_ns + k / rate_hz. Closed loop: each connection
// sends again as soon as its last request ended.
struct LaneSpec {
  double rate_hz = 0;
  bool closed_loop = false;
  bool keep_alive = true;
  bool probe = false;
  std::uint64_t first_index = 0;
  std::uint64_t stride = 1;
  std::vector<int> connection_ids;
};

struct ThreadPlan {
  std::vector<LaneSpec> lanes;
  mono_ns start_ns = 0;
  mono_ns stop_ns = 0;
  std::size_t expected_records = 0;
};

class LoadThread {
 public:
  // Throws std::runtime_error when epoll or the stop eventfd cannot be created.
  LoadThread(const LoadTarget& target, ThreadPlan plan, std::atomic<std::uint64_t>& next_id);

  void run();
  void request_stop();  // any thread
  // Moves the end of the schedule (any thread), while both the old and the new end lie ahead: a
  // thread checks it before every send, and one past its end may have finished.
  void set_stop_ns(mono_ns stop_ns);
  void drain_into(std::vector<RequestRecord>& out);
  void append_all(std::vector<RequestRecord>& out) const;
  void add_to(LoadCounters& total) const;
  void append_bad_bodies(std::vector<BadBodySample>& out) const;

 private:
  struct Lane {
    LaneSpec spec;
    std::vector<std::uint32_t> idle;  // ring of idle slots, oldest first: requests rotate over connections
    std::size_t idle_head = 0;
    std::size_t idle_count = 0;
    std::uint64_t next_arrival = 0;   // j of the oldest arrival not yet sent or expired

    mono_ns instant(std::uint64_t j, mono_ns start_ns) const;
    void push_idle(std::uint32_t slot);
    std::uint32_t pop_idle();
  };

  void feed(Lane& lane, mono_ns now);
  void feed_closed_loop(Lane& lane, mono_ns now);
  void begin(Lane& lane, mono_ns intended_ns, mono_ns now);
  void record_unsent(const Lane& lane, mono_ns intended_ns, mono_ns now);
  void dispatch(const epoll_event& event);
  void expire_overdue(mono_ns now);
  void cancel_all();
  void finish(std::uint32_t slot);
  void store(const RequestRecord& record);
  void keep_bad_body(const RequestRecord& record, std::string_view body);
  bool done(mono_ns now) const;
  bool lane_pending(const Lane& lane) const;
  mono_ns next_wake(mono_ns now) const;
  int wait_events(std::span<epoll_event> events, mono_ns timeout_ns);

  const LoadTarget& target_;
  ThreadPlan plan_;
  std::atomic<std::uint64_t>& next_id_;
  UniqueFd epoll_;
  UniqueFd stop_event_;
  std::atomic<bool> stop_requested_{false};
  std::atomic<mono_ns> stop_ns_;
  mono_ns stop_ns() const { return stop_ns_.load(std::memory_order_relaxed); }
  std::vector<Lane> lanes_;
  std::vector<Connection> slots_;
  std::vector<std::uint32_t> slot_lane_;
  std::vector<char> buffer_;

  std::atomic<std::uint64_t> sent_{0};
  std::atomic<std::uint64_t> ok_{0};
  std::array<std::atomic<std::uint64_t>, kRequestErrorKinds> failed_{};

  mutable std::mutex records_mutex_;
  std::vector<RequestRecord> records_;  // completed and not drained yet
  std::vector<BadBodySample> bad_bodies_;  // this thread's first kBadBodySamples
};

}  // namespace forkcheck::harness
