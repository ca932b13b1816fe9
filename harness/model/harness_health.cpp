#include "harness/model/harness_health.hpp"

#include <algorithm>
#include <bit>

#include "harness/model/history.hpp"

namespace forkcheck::harness {
namespace {

bool later_window(const LatenessWindow& a, const LatenessWindow& b) { return a.lateness_ns() > b.lateness_ns(); }

}  // namespace

const LatenessSource* HarnessHealth::find(std::string_view name) const {
  for (const LatenessSource& s : sources)
    if (s.name == name) return &s;
  return nullptr;
}

std::vector<HarnessStall> harness_stalls(const HarnessHealth& health) {
  std::vector<HarnessStall> out;
  for (std::string_view name : kStallSources)
    if (const LatenessSource* s = health.find(name))
      for (const LatenessWindow& w : s->worst) out.push_back({s->name, w});
  std::stable_sort(out.begin(), out.end(),
                   [](const HarnessStall& a, const HarnessStall& b) { return later_window(a.window, b.window); });
  return out;
}

std::size_t LatenessRecorder::bucket_of(std::uint64_t us) {
  if (us < 16) return static_cast<std::size_t>(us);
  const int e = std::bit_width(us) - 1;  // >= 4
  const std::uint64_t sub = (us >> (e - 4)) & 15U;
  return std::min(kBuckets - 1, 16 + static_cast<std::size_t>(e - 4) * 16 + static_cast<std::size_t>(sub));
}

std::uint64_t LatenessRecorder::upper_edge_us(std::size_t bucket) {
  if (bucket < 16) return bucket;
  const std::size_t e = (bucket - 16) / 16 + 4, sub = (bucket - 16) % 16;
  return ((16 + sub + 1) << (e - 4)) - 1;
}

void LatenessRecorder::add(mono_ns due_ns, mono_ns at_ns) {
  const LatenessWindow w{due_ns, std::max(at_ns, due_ns)};
  const mono_ns late = w.lateness_ns();
  ++samples_;
  max_ns_ = std::max(max_ns_, late);
  ++buckets_[bucket_of(static_cast<std::uint64_t>(late / 1000))];
  // Keep the worst kWorstLatenessWindows: a min-heap whose front is the least late kept.
  const auto less_late = later_window;
  if (worst_.size() < kWorstLatenessWindows) {
    worst_.push_back(w);
    std::push_heap(worst_.begin(), worst_.end(), less_late);
  } else if (late > worst_.front().lateness_ns()) {
    std::pop_heap(worst_.begin(), worst_.end(), less_late);
    worst_.back() = w;
    std::push_heap(worst_.begin(), worst_.end(), less_late);
  }
}

mono_ns LatenessRecorder::percentile_ns(double q) const {
  if (samples_ == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(q * static_cast<double>(samples_ - 1)) + 1;
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < kBuckets; ++b) {
    seen += buckets_[b];
    if (seen >= rank) return std::min(max_ns_, static_cast<mono_ns>(upper_edge_us(b)) * 1000 + 999);
  }
  return max_ns_;
}

LatenessSource LatenessRecorder::summary(std::string name) const {
  LatenessSource s{.name = std::move(name), .samples = samples_, .p50_ns = percentile_ns(0.50),
                   .p99_ns = percentile_ns(0.99), .max_ns = max_ns_, .worst = worst_};
  std::sort(s.worst.begin(), s.worst.end(), later_window);
  return s;
}

LatenessSource fault_lateness(const std::vector<FaultRecord>& faults) {
  LatenessRecorder r;
  for (const FaultRecord& f : faults)
    if (f.sent_ns > 0 && f.scheduled_ns > 0) r.add(f.scheduled_ns, f.sent_ns);
  return r.summary("fault");
}

}  // namespace forkcheck::harness
