// Properties about the target's life cycle: bounded_restarts (a crash loop does not become a fork
// bomb, and the target recovers once workers stop dying) and graceful_stop (the stop signal to the
// primary ends it cleanly within the grace period).
#include <algorithm>
#include <cstdio>

#include "harness/check/checker_properties.hpp"
#include "harness/model/pid_list.hpp"

namespace forkcheck::harness::detail {
namespace {

constexpr mono_ns kRateWindow = ms_to_ns(1000);

struct Burst {
  int forks = 0;
  mono_ns from = 0;
};

// The busiest one-second window of forks after the first N (start-up is not a restart).
Burst busiest_second(const History& h) {
  std::vector<mono_ns> forks;
  for (const auto& w : h.workers) forks.push_back(w.fork_ns);
  std::sort(forks.begin(), forks.end());
  const auto skip = std::min(forks.size(), static_cast<std::size_t>(std::max(0, h.target.workers)));
  forks.erase(forks.begin(), forks.begin() + static_cast<long>(skip));
  Burst best;
  for (std::size_t i = 0, j = 0; i < forks.size(); ++i) {
    while (j < forks.size() && forks[j] < forks[i] + kRateWindow) ++j;
    if (static_cast<int>(j - i) > best.forks) best = Burst{static_cast<int>(j - i), forks[i]};
  }
  return best;
}

// When workers stopped being made to die: each remove_file's sent instant, and each storm's last kill
// (its death instant, else its signal). Every one is judged: a later one does not stand for another.
struct DeathsStopped {
  mono_ns at = 0;
  std::string what;
};

std::vector<DeathsStopped> deaths_stopped(const History& h) {
  std::vector<DeathsStopped> out;
  for (std::size_t i = 0; i < h.faults.size(); ++i) {
    const FaultRecord& f = h.faults[i];
    if (f.kind == FaultKind::remove_file)
      out.push_back({f.sent_ns, fault_label(h, i)});
    else if (f.kind == FaultKind::kill_new_workers && !later_kill_of_the_same_storm(h, i))
      out.push_back({f.death_seen_ns.value_or(f.sent_ns),
                     "the last kill of storm " + std::to_string(f.storm) + " (" + fault_label(h, i) + ")"});
  }
  return out;
}

std::string rate_text(double limit) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%g forks/s", limit);
  return buf;
}

}  // namespace

PropertyResult check_bounded_restarts(const History& h, const Scenario& s) {
  const Property p = Property::bounded_restarts;
  if (h.target.workers < 1) return result(p, Verdict::unknown, "N (the target's worker count) is not known");
  const double limit = s.max_forks_per_s.value_or(kDefaultMaxForksPerS);
  const Burst burst = busiest_second(h);
  std::vector<std::string> evidence{"busiest second after start-up: " + std::to_string(burst.forks) + " forks" +
                                    (burst.forks ? " from " + at_ms(h, burst.from) : std::string()) + " (limit " +
                                    rate_text(limit) + ", observer " + h.target.observer_source + ")"};
  if (burst.forks > limit)
    return result(p, Verdict::fail, std::to_string(burst.forks) + " forks within one second, over " + rate_text(limit),
                  std::move(evidence));
  // A crash loop the target was never told of (its command has no {crash_file}) was not exercised.
  for (std::size_t i = 0; i < h.faults.size(); ++i)
    if (const std::string cannot = file_fault_cannot_act(h, h.faults[i]); !cannot.empty())
      return result(p, Verdict::unknown,
                    "fault " + std::to_string(i + 1) + " (" + std::string(to_string(h.faults[i].kind)) + ") " + cannot,
                    std::move(evidence));
  if (!sees_every_fork(h))
    return result(p, Verdict::unknown,
                  "at most " + std::to_string(burst.forks) + " forks in any second " + kSampledCaveat,
                  std::move(evidence));
  const std::vector<DeathsStopped> stops = deaths_stopped(h);
  const std::string most = "at most " + std::to_string(burst.forks) + " forks in any second";
  if (stops.empty()) return result(p, Verdict::pass, most, std::move(evidence));
  const auto deadline = seconds_to_ns(s.recovery_deadline_s);
  const std::string n = std::to_string(h.target.workers);
  int failed = 0, undecided = 0;
  mono_ns slowest = 0;
  for (const DeathsStopped& stop : stops) {
    const auto back = first_full_ready(h, stop.at);
    const std::string when = "deaths stopped at " + at_ms(h, stop.at) + " (" + stop.what + ")";
    if (back && *back - stop.at <= deadline) {
      slowest = std::max(slowest, *back - stop.at);
      evidence.push_back(when + "; " + n + " ready workers " + ms(*back - stop.at) + " later");
    } else if (!back && service_end_ns(h) - stop.at < deadline) {
      ++undecided;
      evidence.push_back(when + "; the service window ended " + ms(service_end_ns(h) - stop.at) +
                         " later, before the recovery deadline, without " + n + " ready workers");
    } else {
      ++failed;
      evidence.push_back(when + "; " + (back ? n + " ready only after " + ms(*back - stop.at) : "never " + n + " ready workers again"));
    }
  }
  const std::string of =
      stops.size() == 1 ? "" : " (" + std::to_string(failed) + " of " + std::to_string(stops.size()) + " times)";
  if (failed > 0)
    return result(p, Verdict::fail, "not back to " + n + " ready workers within " + ms(deadline) + " once deaths stopped" + of,
                  std::move(evidence));
  if (undecided > 0)
    return result(p, Verdict::unknown, "the service window ended before the recovery deadline", std::move(evidence));
  const std::string after = stops.size() == 1 ? " after the deaths stopped" : " or less after each time the deaths stopped";
  return result(p, Verdict::pass, most + "; " + n + " ready " + ms(slowest) + after, std::move(evidence));
}

namespace {

// A primary that died of its stop signal stopped cleanly when it had drained first: every worker gone
// by its death and no request dropped (systemd counts a death by SIGTERM as a clean stop, and servers
// re-raise the signal with its default disposition so that their parent sees exactly that). Empty
// when it did; else why not.
std::string unclean_reraise(const History& h, const Scenario& s, const FaultRecord& term, mono_ns exit_ns, std::vector<std::string>& evidence) {
  std::vector<pid_t> alive;
  mono_ns last_exit = 0;
  for (const auto& w : h.workers) {
    if (w.exit_ns && *w.exit_ns <= exit_ns) last_exit = std::max(last_exit, *w.exit_ns);
    else if (w.fork_ns <= exit_ns) alive.push_back(w.pid);
  }
  if (!alive.empty())
    return std::to_string(alive.size()) + " worker(s) still alive at its death (" + pid_list(alive) +
           "): it did not drain them first";
  const mono_ns start = window_start(h), end = service_end_ns(h);
  std::size_t considered = 0, dropped = 0;
  for (const auto& r : h.requests) {
    if (r.probe || !in_window(r, start, end)) continue;
    ++considered;
    if (r.error != RequestError::ok && !excusing_fault(h, s, r)) ++dropped;
  }
  if (dropped > 0)
    return std::to_string(dropped) + " of " + std::to_string(considered) +
           " requests dropped (no_dropped_requests has them): not a clean drain";
  evidence.push_back("every worker had exited by " + (last_exit ? at_ms(h, last_exit) : std::string("then")) +
                     "; no request dropped of " + std::to_string(considered) + " sent before " +
                     signal_name(term.signal));
  return {};
}

}  // namespace

PropertyResult check_graceful_stop(const History& h, const Scenario& s) {
  const Property p = Property::graceful_stop;
  const auto term = std::find_if(h.faults.begin(), h.faults.end(),
                                 [](const FaultRecord& f) { return f.kind == FaultKind::term_primary; });
  if (term == h.faults.end() || term->sent_ns == 0)
    return result(p, Verdict::unknown, "no stop signal was sent to the primary (term_primary fault)");
  const std::string sig = signal_name(term->signal ? term->signal : s.stop_signal);
  const auto grace = seconds_to_ns(s.stop_grace_s);
  if (!h.stop.primary_exited_during_run)
    return result(p, Verdict::fail, "the primary did not exit after its " + sig, {sig + " at " + at_ms(h, term->sent_ns)});
  const mono_ns exit_ns = h.stop.primary_exit_ns.value_or(term->death_seen_ns.value_or(0));
  const int died_of = h.stop.primary_exit_signal;
  const std::string how = died_of ? "was killed by " + signal_name(died_of)
                                  : "exited with status " + std::to_string(h.stop.primary_exit_status);
  std::vector<std::string> evidence{sig + " at " + at_ms(h, term->sent_ns) + "; the primary " + how +
                                    (exit_ns ? " at " + at_ms(h, exit_ns) : std::string())};
  if (died_of == 0 && h.stop.primary_exit_status != 0)
    return result(p, Verdict::fail, "the primary " + how + ", not 0", std::move(evidence));
  if (died_of != 0 && died_of != term->signal)
    return result(p, Verdict::fail, "the primary " + how + ", not by exiting 0 or by its stop signal " + sig + " re-raised",
                  std::move(evidence));
  if (exit_ns == 0) return result(p, Verdict::unknown, "the primary's exit instant is not known", std::move(evidence));
  if (died_of != 0)
    if (const std::string why = unclean_reraise(h, s, *term, exit_ns, evidence); !why.empty())
      return result(p, Verdict::fail, "the primary " + how + " with " + why, std::move(evidence));
  if (exit_ns - term->sent_ns > grace)
    return result(p, Verdict::fail, "the primary " + how + " " + ms(exit_ns - term->sent_ns) + " after " + sig + ", over " + ms(grace),
                  std::move(evidence));
  if (died_of != 0)
    return result(p, Verdict::pass,
                  "the primary drained its workers and " + how + " (re-raised), " + ms(exit_ns - term->sent_ns) + " after " + sig,
                  std::move(evidence));
  return result(p, Verdict::pass, "the primary exited 0, " + ms(exit_ns - term->sent_ns) + " after " + sig, std::move(evidence));
}

}  // namespace forkcheck::harness::detail
