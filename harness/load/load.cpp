#include "harness/load/load.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <system_error>

#include "harness/load/http_response.hpp"
#include "harness/load/load_thread.hpp"
#include "harness/model/load_request.hpp"

namespace forkcheck::harness {

namespace {

constexpr int kProbeConnections = 4;
// A closed loop runs as fast as the target answers: reserve for this rate (more grows the vector).
constexpr double kClosedLoopReserveRps = 100'000;
// Records wait in a thread only until drained (a run drains every tick): reserve for a few seconds.
constexpr std::size_t kMaxReserve = std::size_t{1} << 16;

void validate(const LoadSpec& spec, int port) {
  if (spec.connections < 1 || spec.connections > 10'000) throw std::invalid_argument("load: connections must be 1..10000");
  if (spec.timeout_ms < 1) throw std::invalid_argument("load: timeout_ms must be positive");
  if (!(spec.rate_rps >= 0) || !(spec.probe_rate_hz >= 0)) throw std::invalid_argument("load: rates must be >= 0");
  if (spec.threads < 0) throw std::invalid_argument("load: threads must be >= 0");
  if (port < 1 || port > 65535) throw std::invalid_argument("load: port must be 1..65535");
}

// The request every connection sends, checked as the scenario parser checks it (a program that
// builds a LoadSpec by hand gets the same refusals).
void validate_request(const LoadSpec& spec) {
  if (auto error = request_path_error(spec.path)) throw std::invalid_argument("load: path " + *error);
  for (const auto& [name, value] : spec.headers) {
    if (auto error = header_name_error(name)) throw std::invalid_argument("load: header " + *error);
    if (auto error = header_value_error(value)) throw std::invalid_argument("load: header " + name + " " + *error);
  }
  if (spec.accepted_statuses.empty()) throw std::invalid_argument("load: accepted_statuses is empty");
}

LoadTarget make_target(const LoadSpec& spec, const std::string& host, int port, std::string expected_body) {
  LoadTarget target;
  auto address = loopback_endpoint(host, port);
  if (!address) throw std::invalid_argument("load: " + *load_host_error(host));
  validate_request(spec);
  target.address = *address;
  target.keep_alive_request = build_get_request(host, port, spec.path, true, spec.headers);
  target.close_request = build_get_request(host, port, spec.path, false, spec.headers);
  target.accepted_statuses = spec.accepted_statuses;
  target.expected_body = std::move(expected_body);
  target.timeout_ns = ms_to_ns(spec.timeout_ms);
  return target;
}

int thread_count(const LoadSpec& spec) {
  const int cores = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  return std::clamp(spec.threads > 0 ? spec.threads : cores, 1, spec.connections);
}

std::size_t expected_records(double rate_hz, mono_ns duration_ns, int share) {
  const double per_thread = rate_hz * static_cast<double>(duration_ns) / 1e9 / share;
  return std::min(kMaxReserve, static_cast<std::size_t>(per_thread * 1.05) + 64);
}

ThreadPlan plan_thread(const LoadSpec& spec, int thread, int threads, mono_ns start_ns, mono_ns stop_ns) {
  LaneSpec load{.rate_hz = spec.rate_rps, .closed_loop = spec.closed_loop, .keep_alive = spec.keep_alive,
                .first_index = static_cast<std::uint64_t>(thread), .stride = static_cast<std::uint64_t>(threads)};
  for (int c = thread; c < spec.connections; c += threads) load.connection_ids.push_back(c);
  ThreadPlan plan{.start_ns = start_ns, .stop_ns = stop_ns};
  const mono_ns duration_ns = std::max<mono_ns>(stop_ns - start_ns, 0);
  const double rate_hz = spec.closed_loop ? kClosedLoopReserveRps : spec.rate_rps;
  plan.expected_records = expected_records(rate_hz, duration_ns, threads);
  plan.lanes.push_back(std::move(load));
  if (thread == 0 && spec.probe_rate_hz > 0) {
    LaneSpec probe{.rate_hz = spec.probe_rate_hz, .keep_alive = false, .probe = true};
    for (int c = 0; c < kProbeConnections; ++c) probe.connection_ids.push_back(spec.connections + c);
    plan.expected_records += expected_records(spec.probe_rate_hz, duration_ns, 1);
    plan.lanes.push_back(std::move(probe));
  }
  return plan;
}

}  // namespace

std::uint64_t LoadCounters::failed_total() const {
  return std::accumulate(failed.begin(), failed.end(), std::uint64_t{0});
}

LoadGenerator::LoadGenerator(LoadSpec spec, std::string host, int port, std::string expected_body)
    : spec_(spec) {
  validate(spec_, port);
  target_ = std::make_unique<LoadTarget>(make_target(spec_, host, port, std::move(expected_body)));
}

LoadGenerator::~LoadGenerator() {
  stop();
  join();
}

void LoadGenerator::start(mono_ns start_ns, mono_ns stop_ns) {
  if (!threads_.empty()) throw std::logic_error("load: start() called twice");
  if (stop_ns < start_ns) throw std::invalid_argument("load: stop_ns before start_ns");
  const int threads = thread_count(spec_);
  for (int t = 0; t < threads; ++t) {
    threads_.push_back(std::make_unique<LoadThread>(*target_, plan_thread(spec_, t, threads, start_ns, stop_ns), next_id_));
  }
  try {
    for (auto& thread : threads_) running_.emplace_back([&thread] { thread->run(); });
  } catch (const std::system_error& e) {
    stop();
    join();
    throw std::runtime_error(std::string("load: cannot start a thread: ") + e.what());
  }
}

void LoadGenerator::set_stop_ns(mono_ns stop_ns) {
  for (auto& thread : threads_) thread->set_stop_ns(stop_ns);
}

void LoadGenerator::stop() {
  for (auto& thread : threads_) thread->request_stop();
}

void LoadGenerator::join() {
  for (std::thread& t : running_) {
    if (t.joinable()) t.join();
  }
}

std::vector<RequestRecord> LoadGenerator::drain_records() {
  std::vector<RequestRecord> out;
  for (auto& thread : threads_) thread->drain_into(out);
  return out;
}

std::vector<RequestRecord> LoadGenerator::all_records() const {
  std::vector<RequestRecord> out;
  for (const auto& thread : threads_) thread->append_all(out);
  std::sort(out.begin(), out.end(), [](const RequestRecord& a, const RequestRecord& b) { return a.id < b.id; });
  return out;
}

std::vector<BadBodySample> LoadGenerator::bad_bodies() const {
  std::vector<BadBodySample> out;
  for (const auto& thread : threads_) thread->append_bad_bodies(out);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.request_id < b.request_id; });
  if (out.size() > kBadBodySamples) out.resize(kBadBodySamples);
  return out;
}

LoadCounters LoadGenerator::counters() const {
  LoadCounters total;
  for (const auto& thread : threads_) thread->add_to(total);
  return total;
}

}  // namespace forkcheck::harness
