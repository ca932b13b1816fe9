#include "harness/report/html/timeline_model.hpp"

#include <algorithm>
#include <optional>

#include "common/name_table.hpp"
#include "harness/check/checker.hpp"

namespace forkcheck::harness {
namespace {

// The last instant the picture must show: the run's end, or whatever was recorded last.
mono_ns last_instant(const History& h) {
  mono_ns end = std::max({h.run_end_ns, h.load_end_ns, h.stop.stop_sent_ns, h.target.launch_ns});
  for (const auto& w : h.workers) end = std::max({end, w.fork_ns, w.exit_ns.value_or(0), w.ready_ns.value_or(0)});
  for (const auto& f : h.faults) end = std::max({end, f.sent_ns, f.death_seen_ns.value_or(0)});
  if (h.stop.primary_exit_ns) end = std::max(end, *h.stop.primary_exit_ns);
  return end;
}

// Live and ready counts as a step line: +1/-1 changes at each fork, ready and exit, summed in time order.
std::vector<CountStep> count_steps(const History& h) {
  struct Change {
    mono_ns t;
    int live, ready;
  };
  std::vector<Change> changes;
  for (const auto& w : h.workers) {
    changes.push_back({w.fork_ns, +1, 0});
    const bool ready = w.ready_ns && (!w.exit_ns || *w.ready_ns <= *w.exit_ns);
    if (ready) changes.push_back({*w.ready_ns, 0, +1});
    if (w.exit_ns) changes.push_back({*w.exit_ns, -1, ready ? -1 : 0});
  }
  std::stable_sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) { return a.t < b.t; });
  std::vector<CountStep> steps{{0, 0, 0}};
  for (const Change& c : changes) {
    const double t_ms = ns_to_ms(c.t - h.target.launch_ns);
    CountStep next{t_ms, steps.back().live + c.live, steps.back().ready + c.ready};
    if (steps.back().t_ms == t_ms) steps.back() = next;  // same instant: one step
    else steps.push_back(next);
  }
  return steps;
}

PointOutcome outcome_of(const History& h, const Scenario& s, const RequestRecord& r) {
  if (r.error == RequestError::ok) return PointOutcome::ok;
  return excusing_fault(h, s, r) ? PointOutcome::excused : PointOutcome::failed;
}

}  // namespace

std::string_view to_string(PointOutcome o) {
  static constexpr NameTable<PointOutcome, kPointOutcomes> kNames{
      {{PointOutcome::ok, "ok"}, {PointOutcome::excused, "excused"}, {PointOutcome::failed, "failed"}}};
  return name_in(kNames, o).value_or("?");
}

TimelineModel build_timeline(const History& h, const Scenario& s, TimelineLimits limits) {
  TimelineModel m;
  m.n = h.target.workers;
  m.end_ms = std::max(1.0, ns_to_ms(last_instant(h) - h.target.launch_ns));
  m.steps = count_steps(h);
  const auto columns = static_cast<std::size_t>(std::max(1, limits.columns));
  // Per column, the fastest and the slowest success: the envelope of the latency, in fixed memory.
  std::vector<std::optional<RequestPoint>> fastest(columns), slowest(columns);
  for (const auto& r : h.requests) {
    if (r.probe || cut_by_harness(r)) continue;  // the harness's own interrupt cut it: not the target's
    const RequestPoint p{ns_to_ms(r.intended_ns - h.target.launch_ns), ns_to_ms(r.end_ns - r.intended_ns),
                         outcome_of(h, s, r), r.id, r.error};
    const auto o = static_cast<std::size_t>(p.outcome);
    ++m.seen[o];
    if (p.outcome != PointOutcome::ok) {
      if (m.drawn[1] + m.drawn[2] < limits.max_failures) m.points.push_back(p), ++m.drawn[o];
      continue;
    }
    const double share = std::clamp(p.t_ms / m.end_ms, 0.0, 1.0);
    const auto c = std::min(columns - 1, static_cast<std::size_t>(share * static_cast<double>(columns)));
    if (!fastest[c] || p.latency_ms < fastest[c]->latency_ms) fastest[c] = p;
    if (!slowest[c] || p.latency_ms > slowest[c]->latency_ms) slowest[c] = p;
  }
  for (std::size_t c = 0; c < columns; ++c) {
    if (fastest[c]) m.points.push_back(*fastest[c]), ++m.drawn[0];
    if (slowest[c] && slowest[c]->id != fastest[c]->id) m.points.push_back(*slowest[c]), ++m.drawn[0];
  }
  return m;
}

}  // namespace forkcheck::harness
