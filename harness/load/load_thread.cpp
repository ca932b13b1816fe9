#include "harness/load/load_thread.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

namespace forkcheck::harness {

namespace {

constexpr std::uint64_t kStopTag = ~std::uint64_t{0};
constexpr std::size_t kReadBufferBytes = 64 * 1024;
constexpr std::size_t kMaxEventsPerWait = 256;
constexpr std::size_t kMaxStartsPerPass = 4096;
constexpr mono_ns kNever = std::numeric_limits<mono_ns>::max();
constexpr mono_ns kMaxWaitNs = ms_to_ns(100);

[[noreturn]] void throw_system_error(const char* what) {
  throw std::runtime_error(std::string("load generator: ") + what + ": " + std::strerror(errno));
}

}  // namespace

mono_ns LoadThread::Lane::instant(std::uint64_t j, mono_ns start_ns) const {
  if (spec.rate_hz <= 0) return kNever;
  const double k = static_cast<double>(spec.first_index + j * spec.stride);
  return start_ns + static_cast<mono_ns>(std::llround(k * 1e9 / spec.rate_hz));
}

void LoadThread::Lane::push_idle(std::uint32_t slot) {
  idle[(idle_head + idle_count) % idle.size()] = slot;
  ++idle_count;
}

std::uint32_t LoadThread::Lane::pop_idle() {
  const std::uint32_t slot = idle[idle_head];
  idle_head = (idle_head + 1) % idle.size();
  --idle_count;
  return slot;
}

LoadThread::LoadThread(const LoadTarget& target, ThreadPlan plan, std::atomic<std::uint64_t>& next_id)
    : target_(target),
      plan_(std::move(plan)),
      next_id_(next_id),
      epoll_(::epoll_create1(EPOLL_CLOEXEC)),
      stop_event_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)),
      stop_ns_(plan_.stop_ns),
      buffer_(kReadBufferBytes) {
  if (!epoll_) throw_system_error("epoll_create1");
  if (!stop_event_) throw_system_error("eventfd");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kStopTag;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, stop_event_.get(), &ev) != 0) throw_system_error("epoll_ctl");
  std::size_t connections = 0;
  for (const LaneSpec& spec : plan_.lanes) connections += spec.connection_ids.size();
  slots_.reserve(connections);
  for (const LaneSpec& spec : plan_.lanes) {
    Lane lane{.spec = spec};
    lane.idle.resize(std::max<std::size_t>(spec.connection_ids.size(), 1));
    for (int id : spec.connection_ids) {
      const auto slot = static_cast<std::uint32_t>(slots_.size());
      slots_.emplace_back(target_, epoll_.get(), slot, id, spec.keep_alive, spec.probe, sent_);
      slot_lane_.push_back(static_cast<std::uint32_t>(lanes_.size()));
      lane.push_idle(slot);
    }
    lanes_.push_back(std::move(lane));
  }
  records_.reserve(plan_.expected_records);
}

void LoadThread::run() {
  std::array<epoll_event, kMaxEventsPerWait> events{};
  // The stop may be moved (set_stop_ns) while the thread runs: the hard end follows it.
  const auto hard_end = [this] { return stop_ns() + 2 * target_.timeout_ns + kMaxWaitNs; };
  for (mono_ns now = monotonic_ns(); now < hard_end(); now = monotonic_ns()) {
    if (stop_requested_.load(std::memory_order_relaxed)) break;
    for (Lane& lane : lanes_) feed(lane, now);
    if (done(now)) break;
    const int n = wait_events(events, std::min(next_wake(now), hard_end()) - now);
    for (int i = 0; i < n; ++i) dispatch(events[static_cast<std::size_t>(i)]);
    expire_overdue(monotonic_ns());
  }
  cancel_all();
}

void LoadThread::set_stop_ns(mono_ns stop_ns) { stop_ns_.store(stop_ns, std::memory_order_relaxed); }

void LoadThread::request_stop() {
  stop_requested_.store(true, std::memory_order_relaxed);
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t written = ::write(stop_event_.get(), &one, sizeof one);
}

void LoadThread::feed(Lane& lane, mono_ns now) {
  if (now < plan_.start_ns) return;
  if (lane.spec.closed_loop) return feed_closed_loop(lane, now);
  for (std::size_t pass = 0; pass < kMaxStartsPerPass; ++pass) {
    const mono_ns intended = lane.instant(lane.next_arrival, plan_.start_ns);
    if (intended > now || intended >= stop_ns()) return;
    if (now - intended >= target_.timeout_ns) {
      // It waited for a connection longer than a request may take: a timeout, never sent.
      record_unsent(lane, intended, now);
    } else if (lane.idle_count > 0) {
      begin(lane, intended, now);
    } else {
      return;
    }
    ++lane.next_arrival;
  }
}

void LoadThread::feed_closed_loop(Lane& lane, mono_ns now) {
  for (std::size_t pass = 0; pass < kMaxStartsPerPass && lane.idle_count > 0 && now < stop_ns(); ++pass) {
    begin(lane, now, now);
  }
}

void LoadThread::begin(Lane& lane, mono_ns intended_ns, mono_ns now) {
  const std::uint32_t slot = lane.pop_idle();
  const std::uint64_t id = next_id_.fetch_add(1, std::memory_order_relaxed);
  if (slots_[slot].begin(id, intended_ns, now) == Progress::finished) finish(slot);
}

void LoadThread::record_unsent(const Lane& lane, mono_ns intended_ns, mono_ns now) {
  store(RequestRecord{.id = next_id_.fetch_add(1, std::memory_order_relaxed),
                      .connection_id = -1,
                      .intended_ns = intended_ns,
                      .start_ns = 0,
                      .end_ns = now,
                      .error = RequestError::timeout,
                      .probe = lane.spec.probe});
}

void LoadThread::dispatch(const epoll_event& event) {
  if (event.data.u64 == kStopTag) {
    stop_requested_.store(true, std::memory_order_relaxed);
    return;
  }
  const auto slot = static_cast<std::uint32_t>(event.data.u64 & 0xffff'ffffU);
  const auto generation = static_cast<std::uint32_t>(event.data.u64 >> 32);
  if (slot >= slots_.size()) return;
  if (slots_[slot].on_event(event.events, generation, buffer_) == Progress::finished) finish(slot);
}

void LoadThread::expire_overdue(mono_ns now) {
  for (std::uint32_t slot = 0; slot < slots_.size(); ++slot) {
    if (slots_[slot].expire_if_overdue(now) == Progress::finished) finish(slot);
  }
}

void LoadThread::cancel_all() {
  for (std::uint32_t slot = 0; slot < slots_.size(); ++slot) {
    if (slots_[slot].cancel() == Progress::finished) finish(slot);
  }
}

void LoadThread::finish(std::uint32_t slot) {
  const RequestRecord& record = slots_[slot].record();
  if (record.error == RequestError::bad_body) keep_bad_body(record, slots_[slot].body());
  store(record);
  lanes_[slot_lane_[slot]].push_idle(slot);
}

void LoadThread::store(const RequestRecord& record) {
  if (record.error == RequestError::ok) {
    ok_.fetch_add(1, std::memory_order_relaxed);
  } else {
    failed_[static_cast<std::size_t>(record.error)].fetch_add(1, std::memory_order_relaxed);
  }
  const std::lock_guard lock(records_mutex_);
  records_.push_back(record);
}

void LoadThread::keep_bad_body(const RequestRecord& record, std::string_view body) {
  const std::lock_guard lock(records_mutex_);
  if (bad_bodies_.size() >= kBadBodySamples) return;
  bad_bodies_.push_back({record.id, record.status, body.size(), std::string(body.substr(0, kBadBodyKeptBytes))});
}

void LoadThread::append_bad_bodies(std::vector<BadBodySample>& out) const {
  const std::lock_guard lock(records_mutex_);
  out.insert(out.end(), bad_bodies_.begin(), bad_bodies_.end());
}

bool LoadThread::lane_pending(const Lane& lane) const {
  return !lane.spec.closed_loop && lane.instant(lane.next_arrival, plan_.start_ns) < stop_ns();
}

bool LoadThread::done(mono_ns now) const {
  if (now < stop_ns()) return false;
  for (const Lane& lane : lanes_) {
    if (lane_pending(lane)) return false;
  }
  return std::none_of(slots_.begin(), slots_.end(), [](const Connection& c) { return c.busy(); });
}

mono_ns LoadThread::next_wake(mono_ns now) const {
  mono_ns wake = now < plan_.start_ns ? plan_.start_ns : now < stop_ns() ? stop_ns() : kNever;
  for (const Lane& lane : lanes_) {
    if (!lane_pending(lane)) continue;
    const mono_ns arrival = lane.instant(lane.next_arrival, plan_.start_ns);
    wake = std::min(wake, arrival > now ? arrival : arrival + target_.timeout_ns);
  }
  for (const Connection& c : slots_) {
    if (c.busy()) wake = std::min(wake, c.deadline_ns());
  }
  return std::clamp(wake, now, now + kMaxWaitNs);
}

int LoadThread::wait_events(std::span<epoll_event> events, mono_ns timeout_ns) {
  timeout_ns = std::max<mono_ns>(timeout_ns, 0);
  const timespec timeout{.tv_sec = timeout_ns / 1'000'000'000, .tv_nsec = timeout_ns % 1'000'000'000};
  const auto capacity = static_cast<int>(events.size());
  int n = ::epoll_pwait2(epoll_.get(), events.data(), capacity, &timeout, nullptr);
  if (n < 0 && errno == ENOSYS) {
    n = ::epoll_wait(epoll_.get(), events.data(), capacity, static_cast<int>((timeout_ns + 999'999) / 1'000'000));
  }
  return std::max(n, 0);
}

void LoadThread::drain_into(std::vector<RequestRecord>& out) {
  const std::lock_guard lock(records_mutex_);
  out.insert(out.end(), records_.begin(), records_.end());
  // A drained record is the caller's: keeping it would hold the whole run in memory.
  records_.clear();
}

void LoadThread::append_all(std::vector<RequestRecord>& out) const {
  const std::lock_guard lock(records_mutex_);
  out.insert(out.end(), records_.begin(), records_.end());
}

void LoadThread::add_to(LoadCounters& total) const {
  total.sent += sent_.load(std::memory_order_relaxed);
  total.ok += ok_.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < kRequestErrorKinds; ++i) total.failed[i] += failed_[i].load(std::memory_order_relaxed);
}

}  // namespace forkcheck::harness
