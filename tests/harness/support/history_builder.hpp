#pragma once
// Hand-made histories for the checker, table and report tests. correct_cluster() is what a good
// pre-fork server looks like under the walkthrough: N workers, steady load, one SIGKILL, a prompt
// replacement. Tests break one thing at a time from there.
#include <algorithm>
#include <csignal>
#include <vector>

#include "harness/model/history.hpp"
#include "harness/model/scenario.hpp"

namespace forkcheck::harness::testing {

constexpr mono_ns kLaunch = 1'000'000'000;  // an arbitrary monotonic origin
constexpr pid_t kPrimary = 100;

// An instant `ms` milliseconds after the launch.
constexpr mono_ns at(double ms) { return kLaunch + static_cast<mono_ns>(ms * 1e6); }

struct ClusterShape {
  int n = 4;
  double load_start_ms = 100, load_end_ms = 2100;
  double request_every_ms = 5;  // 200 rps
  int connections = 8;
  bool kill = true;             // one SIGKILL of worker 2 at +1000 ms
  double kill_ms = 1000;
  double respawn_after_ms = 0.2;  // < 0: never respawned
};

inline pid_t worker_pid(int i) { return kPrimary + 1 + i; }  // 101, 102, ...

class HistoryBuilder {
 public:
  explicit HistoryBuilder(ClusterShape shape = {}) : shape_(shape) {}

  History build() {
    History h;
    h.target = {"", kPrimary, kLaunch, at(5.5), at(0.5), 8000, shape_.n, true,
                "netlink"};
    h.target.command = "refcluster --workers " + std::to_string(shape_.n) + " --port 8000";
    for (int i = 0; i < shape_.n; ++i)
      h.workers.push_back({worker_pid(i), at(1 + i * 0.1), at(5 + i * 0.1), std::nullopt, 0, -1});
    if (shape_.kill) add_kill(h);
    add_requests(h);
    h.load_start_ns = at(shape_.load_start_ms);
    h.load_end_ns = at(shape_.load_end_ms);
    h.stop.primary_exit_ns = at(2210);
    h.stop.primary_exit_status = 0;
    h.stop.stop_sent_ns = at(2200);
    h.stop.orphan_grace_ms = 500;
    h.stop.orphan_check_ns = at(2211);
    h.stop.orphan_check_done = true;
    for (auto& w : h.workers)
      if (!w.exit_ns) w.exit_ns = at(2205), w.exit_status = 0;
    h.run_end_ns = at(2300);
    h.seed = 1;
    return h;
  }

 private:
  void add_kill(History& h) {
    const int index = shape_.n > 1 ? 1 : 0;  // worker 2, or the only one
    const pid_t victim = worker_pid(index);
    FaultRecord f;
    f.kind = FaultKind::kill_worker;
    f.signal = SIGKILL;
    f.scheduled_ns = at(shape_.kill_ms - 0.05);
    f.sent_ns = at(shape_.kill_ms);
    f.victims = {victim};
    f.victim_client_ports = {victim_port()};
    f.death_seen_ns = at(shape_.kill_ms + 0.1);
    h.faults.push_back(f);
    h.workers[static_cast<std::size_t>(index)].exit_ns = at(shape_.kill_ms + 0.05);
    h.workers[static_cast<std::size_t>(index)].exit_signal = SIGKILL;
    if (shape_.respawn_after_ms >= 0) {
      const double fork_ms = shape_.kill_ms + 0.1 + shape_.respawn_after_ms;
      h.workers.push_back({worker_pid(shape_.n), at(fork_ms), at(fork_ms + 0.8), std::nullopt, 0, -1});
    }
  }

  // The connection the victim held: its in-flight request ends in EOF at the kill.
  static constexpr int kVictimConnection = 1;
  static std::uint16_t port_of(int connection, int generation) {
    return static_cast<std::uint16_t>(40000 + generation * 100 + connection);
  }
  std::uint16_t victim_port() const { return port_of(kVictimConnection, 0); }

  pid_t server_at(const History& h, mono_ns t, std::uint64_t id) const {
    std::vector<pid_t> ready;
    for (const auto& w : h.workers)
      if (w.fork_ns <= t && (!w.exit_ns || *w.exit_ns > t) && w.ready_ns && *w.ready_ns <= t) ready.push_back(w.pid);
    if (ready.empty()) return 0;
    return ready[id % ready.size()];
  }

  void add_requests(History& h) const {
    std::uint64_t id = 0;
    for (double t = shape_.load_start_ms; t < shape_.load_end_ms; t += shape_.request_every_ms) {
      RequestRecord r;
      r.id = ++id;
      r.connection_id = static_cast<int>(id % static_cast<std::uint64_t>(shape_.connections));
      const bool reopened = shape_.kill && r.connection_id == kVictimConnection && t > shape_.kill_ms;
      r.local_port = port_of(r.connection_id, reopened ? 1 : 0);
      r.connection_opened_ns = reopened ? at(shape_.kill_ms + 0.2) : at(shape_.load_start_ms);
      r.intended_ns = at(t);
      r.start_ns = at(t + 0.01);
      r.end_ns = at(t + 0.3);
      r.status = 200;
      r.worker_pid = server_at(h, r.end_ns, id);
      if (r.worker_pid == 0) continue;  // no ready worker (N = 1, between the kill and the replacement)
      h.requests.push_back(r);
    }
    if (shape_.kill) add_victim_request(h, ++id);
    add_probes(h, id);
    std::sort(h.requests.records().begin(), h.requests.records().end(), [](auto& a, auto& b) { return a.id < b.id; });
  }

  // In flight on the victim's own connection when it was killed: cut, and excused.
  void add_victim_request(History& h, std::uint64_t id) const {
    RequestRecord r;
    r.id = id;
    r.connection_id = kVictimConnection;
    r.local_port = victim_port();
    r.connection_opened_ns = at(shape_.load_start_ms);
    r.intended_ns = at(shape_.kill_ms - 0.2);
    r.start_ns = at(shape_.kill_ms - 0.2);
    r.end_ns = at(shape_.kill_ms + 0.06);
    r.error = RequestError::eof;
    h.requests.push_back(r);
  }

  void add_probes(History& h, std::uint64_t& id) const {
    for (double t = 2; t < shape_.load_end_ms; t += 100) {
      RequestRecord r;
      r.id = ++id;
      r.probe = true;
      r.fresh_connection = true;
      r.connection_id = -1;
      r.local_port = static_cast<std::uint16_t>(50000 + id % 1000);
      r.connection_opened_ns = r.intended_ns = r.start_ns = at(t);
      r.end_ns = at(t + 0.2);
      r.worker_pid = server_at(h, r.end_ns, id);
      if (r.worker_pid == 0) r.error = RequestError::refused, r.end_ns = at(t + 0.05);
      else r.status = 200;
      h.requests.push_back(r);
    }
  }

  ClusterShape shape_;
};

inline History correct_cluster(ClusterShape shape = {}) { return HistoryBuilder(shape).build(); }

inline Scenario walkthrough_scenario() {
  Scenario s;
  s.name = "walkthrough";
  s.source_path = "scenarios/walkthrough.yaml";
  s.walkthrough = true;
  s.duration_s = 2.0;
  FaultSpec f;
  f.at_s = 0.9;
  s.faults.push_back(f);
  return s;
}

}  // namespace forkcheck::harness::testing
