// graceful_worker_stop: a worker sent SIGTERM (term_worker, or kill_worker with SIGTERM) ends
// cleanly, as graceful_stop asks of the primary: it exits 0 or dies of the SIGTERM it was sent.
// Its requests are no_dropped_requests' business (nothing on a terminated worker's connections is
// excused); how it ends is this property's.
#include <csignal>

#include "harness/check/checker_properties.hpp"

namespace forkcheck::harness::detail {
namespace {

enum class Ending { clean, unclean, unknown };

struct StopTally {
  std::vector<std::string> evidence;
  int clean = 0, unclean = 0, unknown = 0;
  std::string first_unclean;
};

Ending judge_ending(const WorkerLifetime& w, mono_ns end) {
  if (!w.exit_ns || *w.exit_ns >= end) return Ending::unknown;
  if (w.exit_signal == 0 && w.exit_status < 0) return Ending::unknown;
  if (w.exit_signal == SIGTERM || (w.exit_signal == 0 && w.exit_status == 0)) return Ending::clean;
  return Ending::unclean;
}

void judge_victim(const History& h, std::size_t i, const WorkerLifetime& w, StopTally& t) {
  const FaultRecord& f = h.faults[i];
  const mono_ns end = service_end_ns(h);
  std::string line = fault_label(h, i) + ": worker " + std::to_string(w.pid) + " ";
  switch (judge_ending(w, end)) {
    case Ending::clean:
      ++t.clean;
      line += exit_text(w) + " at " + at_ms(h, *w.exit_ns) + ", " + ms(*w.exit_ns - f.sent_ns) + " after the SIGTERM";
      break;
    case Ending::unclean:
      ++t.unclean;
      line += exit_text(w) + " at " + at_ms(h, *w.exit_ns) + ", " + ms(*w.exit_ns - f.sent_ns) +
              " after the SIGTERM: not exit status 0 nor the SIGTERM";
      if (t.first_unclean.empty()) t.first_unclean = "worker " + std::to_string(w.pid) + " " + exit_text(w);
      break;
    case Ending::unknown:
      ++t.unknown;
      line += w.exit_ns && *w.exit_ns < end ? exit_text(w) + " at " + at_ms(h, *w.exit_ns) + ": its exit status was not seen"
                                            : "had not exited when the service window ended (" + at_ms(h, end) + ")";
      break;
  }
  t.evidence.push_back(line);
}

}  // namespace

PropertyResult check_graceful_worker_stop(const History& h, const Scenario&) {
  const Property p = Property::graceful_worker_stop;
  StopTally t;
  bool sent = false;
  for (std::size_t i = 0; i < h.faults.size(); ++i) {
    const FaultRecord& f = h.faults[i];
    if (!terminates_workers(f) || f.sent_ns == 0) continue;
    sent = true;
    for (const WorkerLifetime& w : h.workers)
      if (is_victim(h, f, w)) judge_victim(h, i, w, t);
  }
  if (!sent) return result(p, Verdict::unknown, "no SIGTERM was sent to a worker (term_worker fault)");
  const std::string of = " of " + std::to_string(t.clean + t.unclean + t.unknown) + " terminated worker(s)";
  if (t.unclean > 0)
    return result(p, Verdict::fail,
                  std::to_string(t.unclean) + of + " did not end cleanly (exit status 0 or the SIGTERM); first: " +
                      t.first_unclean,
                  std::move(t.evidence));
  if (t.unknown > 0)
    return result(p, Verdict::unknown, "how " + std::to_string(t.unknown) + of + " ended is not known", std::move(t.evidence));
  if (t.clean == 0)
    return result(p, Verdict::unknown, "no worker was there to terminate (the SIGTERM had no victim)", std::move(t.evidence));
  return result(p, Verdict::pass, "each" + of + " ended cleanly (exit status 0 or the SIGTERM)", std::move(t.evidence));
}

}  // namespace forkcheck::harness::detail
