// The checker, property-tested (rapidcheck): generated Histories — workers that are killed,
// terminated, stopped and continued, that crash on their own, replacements that come late or never,
// requests with outcomes on connections — and what must hold of the verdicts over all of them.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <csignal>
#include <map>
#include <set>

#include "harness/check/checker.hpp"
#include "tests/harness/support/history_builder.hpp"

namespace forkcheck::harness {
namespace {

using namespace forkcheck::harness::testing;

constexpr double kLoadStartMs = 100, kLoadEndMs = 2100, kStopMs = 2200, kTickMs = 10;
constexpr mono_ns kDeadline = ms_to_ns(1000);  // walkthrough_scenario()'s recovery_deadline_s

// Uniform over the whole range from the first case (rapidcheck's inRange grows with the size, which
// would keep the early cases to small draws), and still shrunk towards lo.
int draw(int lo, int hi_exclusive) { return *rc::gen::resize(100, rc::gen::inRange(lo, hi_exclusive)); }
bool chance(int one_in) { return draw(0, one_in) == 0; }

// Every property but the thresholds, so each verdict the checker can give is compared.
Scenario every_property() {
  Scenario s = walkthrough_scenario();
  for (Property p : all_properties())
    if (!is_threshold(p)) s.properties.push_back(p);
  s.max_forks_per_s = 50;
  return s;
}

std::vector<Verdict> verdicts(const History& h, const Scenario& s) {
  std::vector<Verdict> out;
  for (const auto& r : check(h, s)) out.push_back(r.verdict);
  return out;
}

Verdict verdict_of(Property p, const History& h, Scenario s = every_property()) {
  s.properties = {p};
  return check(h, s).at(0).verdict;
}

// A cluster's history, generated event by event in time order: each fault picks its victim among
// the workers live, ready and not yet doomed at its instant; replacements come after a drawn delay
// or never. Ports: load connections 40000+, victims' connections 50000+, other failures' 60000+.
class World {
 public:
  explicit World(int n) {
    h_.target = {"generated", kPrimary, kLaunch, at(5.5), at(0.5), 8000, n, true, "netlink"};
    for (int i = 0; i < n; ++i) spawn(1 + i * 0.1, 5 + i * 0.1);
    h_.load_start_ns = at(kLoadStartMs);
    h_.load_end_ns = at(kLoadEndMs);
    h_.stop = {false, at(kStopMs + 10), 0, 0, at(kStopMs), SIGTERM, {}, {}, 500, at(kStopMs + 11), true, ""};
    h_.run_end_ns = at(kStopMs + 100);
  }

  void add_events() {
    std::vector<int> times = *rc::gen::container<std::vector<int>>(static_cast<std::size_t>(draw(0, 10)),
                                                                     rc::gen::resize(100, rc::gen::inRange(300, 1900)));
    std::sort(times.begin(), times.end());
    for (int t : times) event(t);
  }

  // Every tick of the load: answered by a worker ready at its instant and alive at its end, else refused.
  void add_load() {
    std::uint64_t tick = 0;
    for (double t = kLoadStartMs; t < kLoadEndMs; t += kTickMs, ++tick) {
      RequestRecord r = request(t, t + 0.3, static_cast<std::uint16_t>(40000 + tick % 8));
      r.connection_opened_ns = at(kLoadStartMs);
      std::vector<const WorkerLifetime*> serving;
      for (const auto& w : h_.workers)
        if (ready_at(h_, w, at(t)) && (!w.exit_ns || *w.exit_ns > r.end_ns)) serving.push_back(&w);
      if (serving.empty()) {
        r.error = RequestError::refused;
        r.local_port = 0;
      } else {
        r.status = 200;
        r.worker_pid = serving[tick % serving.size()]->pid;
      }
      h_.requests.push_back(r);
    }
  }

  // A few failures on connections no fault's victim held.
  void add_unrelated_failures() {
    const auto& errors = all_request_errors();
    for (int k = draw(0, 7); k > 0; --k) {
      const double end = draw(static_cast<int>(kLoadStartMs) + 1, static_cast<int>(kLoadEndMs));
      RequestRecord r = request(end - 0.5, end, static_cast<std::uint16_t>(60000 + k));
      r.connection_opened_ns = at(kLoadStartMs);
      r.error = errors[static_cast<std::size_t>(draw(1, static_cast<int>(errors.size())))];
      h_.requests.push_back(r);
    }
  }

  History finish() {
    for (auto& w : h_.workers)
      if (!w.exit_ns) w.exit_ns = at(kStopMs + 5), w.exit_status = 0;
    std::stable_sort(h_.workers.begin(), h_.workers.end(), [](const auto& a, const auto& b) { return a.fork_ns < b.fork_ns; });
    return std::move(h_);
  }

  History& history() { return h_; }

  // A failure on fault f's victim's connection `port`, ending `end_ms`, opened before the signal.
  RequestRecord victim_failure(const FaultRecord& f, std::uint16_t port, double end_ms) {
    RequestRecord r = request(end_ms - 0.2, end_ms, port);
    r.connection_opened_ns = std::min(f.sent_ns - ms_to_ns(draw(0, 200)), r.start_ns);
    r.connection_opened_ns = std::max(r.connection_opened_ns, at(kLoadStartMs));
    r.start_ns = std::max(r.start_ns, r.connection_opened_ns);
    r.intended_ns = r.start_ns;
    const RequestError lost[] = {RequestError::reset, RequestError::eof, RequestError::timeout};
    r.error = lost[draw(0, 3)];
    return r;
  }

 private:
  std::size_t spawn(double fork_ms, std::optional<double> ready_ms) {
    WorkerLifetime w;
    w.pid = next_pid_++;
    w.fork_ns = at(fork_ms);
    if (ready_ms) w.ready_ns = at(*ready_ms);
    h_.workers.push_back(w);
    return h_.workers.size() - 1;
  }

  RequestRecord request(double start_ms, double end_ms, std::uint16_t port) {
    RequestRecord r;
    r.id = ++next_request_;
    r.connection_id = port % 100;
    r.local_port = port;
    r.intended_ns = r.start_ns = at(start_ms);
    r.end_ns = at(end_ms);
    return r;
  }

  std::uint16_t fresh_port() { return next_port_++; }

  // Live, ready, not doomed (no exit set yet) and not stopped at t: a worker a fault may pick.
  std::vector<std::size_t> candidates(double t) const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < h_.workers.size(); ++i) {
      const auto& w = h_.workers[i];
      if (!w.exit_ns && w.fork_ns <= at(t) && ready_at(h_, w, at(t)) && !stopped_at(h_, w, at(t)) && !hung_.count(i))
        out.push_back(i);
    }
    return out;
  }

  void maybe_replace(double death_ms) {
    if (chance(8)) return;  // never replaced
    const double fork_ms = death_ms + 0.2 + draw(0, 1100);  // one in eleven over the deadline
    if (fork_ms >= kStopMs) return;
    spawn(fork_ms, chance(10) ? std::nullopt : std::optional<double>(fork_ms + 0.5 + draw(0, 5)));
  }

  void die(std::size_t i, double at_ms, int signal, int status) {
    WorkerLifetime& w = h_.workers[i];
    w.exit_ns = at(at_ms);
    w.exit_signal = signal;
    w.exit_status = signal ? -1 : status;
  }

  FaultRecord fault(FaultKind kind, int signal, double t, pid_t victim) {
    FaultRecord f;
    f.kind = kind;
    f.signal = signal;
    f.scheduled_ns = at(t - 0.05);
    f.sent_ns = at(t);
    f.victims = {victim};
    return f;
  }

  // Connections the victim held, and a failure on some of them somewhere around the fault.
  void record_connections(FaultRecord& f, double t) {
    for (int k = draw(1, 3); k > 0; --k) {
      const std::uint16_t port = fresh_port();
      f.victim_client_ports.push_back(port);
      if (chance(2)) h_.requests.push_back(victim_failure(f, port, t + draw(-30, 1500)));
    }
  }

  void event(int t) {
    const auto live = candidates(t);
    if (live.empty()) return;
    const std::size_t v = live[static_cast<std::size_t>(draw(0, static_cast<int>(live.size())))];
    const pid_t pid = h_.workers[v].pid;
    switch (draw(0, 5)) {
      case 0:    // SIGKILL, frozen first: dies at once
      case 1: {  // a signal the worker may handle (SIGINT): dies later
        const bool handled = chance(2);
        FaultRecord f = fault(FaultKind::kill_worker, handled ? SIGINT : SIGKILL, t, pid);
        const double death = t + (handled ? 1 + draw(0, 400) : 0.05);
        die(v, death, f.signal, -1);
        if (!chance(8)) f.death_seen_ns = at(death + 0.05);
        record_connections(f, t);
        h_.faults.push_back(f);
        maybe_replace(death);
        break;
      }
      case 2: {  // term_worker: drains, then ends cleanly or not
        FaultRecord f = fault(FaultKind::term_worker, SIGTERM, t, pid);
        const double death = t + 1 + draw(0, 300);
        const int ending = draw(0, 4);
        die(v, death, ending == 1 ? SIGTERM : ending == 3 ? SIGKILL : 0, ending == 2 ? 1 : 0);
        f.death_seen_ns = at(death + 0.05);
        h_.faults.push_back(f);
        maybe_replace(death);
        break;
      }
      case 3: {  // a crash no fault caused
        die(v, t, chance(2) ? SIGSEGV : 0, 1);
        maybe_replace(t);
        break;
      }
      case 4: {  // stop_worker; then continued, killed by a watchdog, or left hung
        FaultRecord f = fault(FaultKind::stop_worker, SIGSTOP, t, pid);
        f.confirmed_ns = at(t + 0.1);
        record_connections(f, t);
        h_.faults.push_back(f);
        const double later = t + 10 + draw(0, 800);
        switch (draw(0, 3)) {
          case 0: {
            FaultRecord c = fault(FaultKind::cont_worker, SIGCONT, later, pid);
            c.confirmed_ns = at(later + 0.1);
            h_.faults.push_back(c);
            break;
          }
          case 1:
            die(v, later, SIGKILL, -1);
            maybe_replace(later);
            break;
          default: hung_.insert(v);
        }
        break;
      }
    }
  }

  History h_;
  pid_t next_pid_ = kPrimary + 1;
  std::uint16_t next_port_ = 50000;
  std::uint64_t next_request_ = 0;
  std::set<std::size_t> hung_;  // stopped for good
};

History generated_history() {
  World world(draw(1, 5));
  world.add_events();
  world.add_load();
  world.add_unrelated_failures();
  return world.finish();
}

// Renames every pid by a bijection of workers onto pids in which a later worker may take the pid
// of one that died before it was forked, as the kernel does. Every pid the history names is
// rewritten through the worker it named at that instant.
History renamed(const History& h) {
  std::vector<pid_t> fresh =
      *rc::gen::unique<std::vector<pid_t>>(h.workers.size() + 1, rc::gen::resize(100, rc::gen::inRange(2, 60000)));
  std::map<const WorkerLifetime*, pid_t> to;
  std::map<pid_t, mono_ns> free_since;  // a new pid whose holder has exited, and when
  const pid_t primary = fresh.back();
  fresh.pop_back();
  std::vector<const WorkerLifetime*> by_fork;
  for (const auto& w : h.workers) by_fork.push_back(&w);
  std::stable_sort(by_fork.begin(), by_fork.end(), [](auto* a, auto* b) { return a->fork_ns < b->fork_ns; });
  for (const WorkerLifetime* w : by_fork) {
    // Mostly the pid freed last (a replacement then gets its victim's pid, as the kernel often does).
    std::vector<std::pair<mono_ns, pid_t>> reusable;
    for (const auto& [pid, since] : free_since)
      if (since < w->fork_ns) reusable.emplace_back(since, pid);
    std::sort(reusable.begin(), reusable.end());
    pid_t pid = fresh.back();
    fresh.pop_back();
    if (!reusable.empty() && !chance(5))
      pid = chance(2) ? reusable.back().second
                      : reusable[static_cast<std::size_t>(draw(0, static_cast<int>(reusable.size())))].second;
    to[w] = pid;
    free_since.erase(pid);
    if (w->exit_ns) free_since[pid] = *w->exit_ns;
  }
  const auto rename = [&](pid_t pid, mono_ns t) {
    if (pid == h.target.primary_pid) return primary;
    const WorkerLifetime* w = worker_at(h, pid, t);
    return w ? to.at(w) : pid;
  };
  History out = h;
  out.target.primary_pid = primary;
  for (std::size_t i = 0; i < h.workers.size(); ++i) out.workers[i].pid = to.at(&h.workers[i]);
  for (auto& f : out.faults)
    for (pid_t& v : f.victims) v = rename(v, fault_instant(f));
  for (auto& r : out.requests.records())
    if (r.worker_pid) r.worker_pid = rename(r.worker_pid, r.end_ns);
  return out;
}

bool failed_unexcused(const History& h, const Scenario& s, const RequestRecord& r) {
  return r.error != RequestError::ok && !excusing_fault(h, s, r);
}

// --- the properties -----------------------------------------------------------------------------

// A fault whose victims and connections have nothing to do with a failure never excuses it: what
// failed unexcused stays so, and a failing request property stays failing.
RC_GTEST_PROP(CheckerProperties, AnUnrelatedFaultNeverTurnsAFailureIntoAPass, ()) {
  const History h = generated_history();
  const Scenario s = every_property();
  History more = h;
  const double t = draw(300, 1900);
  const FaultKind kinds[] = {FaultKind::kill_worker, FaultKind::kill_all, FaultKind::stop_worker, FaultKind::term_worker};
  FaultRecord f;
  f.kind = kinds[draw(0, 4)];
  f.signal = f.kind == FaultKind::stop_worker ? SIGSTOP : f.kind == FaultKind::term_worker ? SIGTERM : SIGKILL;
  f.scheduled_ns = at(t - 0.05);
  f.sent_ns = at(t);
  const auto& w = h.workers[static_cast<std::size_t>(draw(0, static_cast<int>(h.workers.size())))];
  f.victims = {chance(2) ? w.pid : 59999};  // a worker of the run, or a pid it never had
  for (int k = draw(0, 3); k > 0; --k) f.victim_client_ports.push_back(static_cast<std::uint16_t>(30000 + k));
  if (f.kind == FaultKind::stop_worker) f.confirmed_ns = at(t + 0.1);
  else if (chance(2)) f.death_seen_ns = at(t + 0.1 + draw(0, 300));
  more.faults.insert(more.faults.begin() + draw(0, static_cast<int>(h.faults.size()) + 1), f);
  std::size_t unexcused = 0;
  for (std::size_t i = 0; i < h.requests.size(); ++i)
    if (failed_unexcused(h, s, h.requests[i])) ++unexcused, RC_ASSERT(failed_unexcused(more, s, more.requests[i]));
  RC_CLASSIFY(unexcused > 0, "some failure unexcused");
  for (Property p : {Property::no_dropped_requests, Property::service_available})
    if (verdict_of(p, h) == Verdict::fail) RC_ASSERT(verdict_of(p, more) == Verdict::fail);
}

// A failure on a victim's connection is excused only inside its fault's excuse: moved before the
// victim's death (the earliest victim exit less kDeathStampSlack, never before the signal), or past
// the recovery deadline after the death, or after a cont_worker saw a stopped victim run again, it
// never is. Inside, it is (so the property is not vacuous).
RC_GTEST_PROP(CheckerProperties, AFailureBeforeItsVictimsDeathOrPastTheBoundIsNeverExcused, ()) {
  World world(draw(1, 5));
  History& h = world.history();
  const Scenario s = every_property();
  const double t = draw(300, 1500);
  const pid_t victim = h.workers[static_cast<std::size_t>(draw(0, static_cast<int>(h.workers.size())))].pid;
  WorkerLifetime& v = *std::find_if(h.workers.begin(), h.workers.end(), [victim](auto& w) { return w.pid == victim; });
  FaultRecord f;
  f.victims = {victim};
  f.victim_client_ports = {50000};
  f.scheduled_ns = at(t - 0.05);
  f.sent_ns = at(t);
  mono_ns from = 0, to = 0;
  if (chance(3)) {  // stopped, then continued: excused from the signal until it was seen running again
    f.kind = FaultKind::stop_worker;
    f.signal = SIGSTOP;
    f.confirmed_ns = at(t + 0.1);
    FaultRecord c = f;
    c.kind = FaultKind::cont_worker;
    c.signal = SIGCONT;
    c.victim_client_ports.clear();
    c.sent_ns = at(t + 10 + draw(0, 500));
    c.confirmed_ns = c.sent_ns + 100'000;
    h.faults = {f, c};
    from = f.sent_ns;
    to = *c.confirmed_ns;
  } else {  // killed, by SIGKILL at once or by a handled signal later
    f.kind = FaultKind::kill_worker;
    f.signal = chance(2) ? SIGKILL : SIGQUIT;
    const mono_ns death = f.sent_ns + (f.signal == SIGKILL ? mono_ns{50'000} : ms_to_ns(1 + draw(0, 500)));
    v.exit_ns = death;
    v.exit_signal = f.signal;
    f.death_seen_ns = death + 50'000;
    h.faults = {f};
    from = std::max(f.sent_ns, death - kDeathStampSlack);
    to = *f.death_seen_ns + kDeadline;
  }
  RequestRecord r = world.victim_failure(f, 50000, t);
  r.connection_opened_ns = at(kLoadStartMs);
  const auto excused_at = [&](mono_ns end) {
    r.end_ns = end;
    r.start_ns = r.intended_ns = std::min(r.start_ns, end);
    return excusing_fault(h, s, r).has_value();
  };
  const mono_ns before = at(kLoadStartMs) + (from - at(kLoadStartMs)) * draw(0, 1000) / 1000;
  if (before < from) RC_ASSERT(!excused_at(before));
  RC_ASSERT(!excused_at(to + 1 + ms_to_ns(draw(0, 1000))));
  RC_ASSERT(excused_at(from + (to - from) * draw(0, 1001) / 1000));
}

// A worker is its pid and its fork instant: renaming every pid (collisions with dead workers' pids
// included) changes no verdict.
RC_GTEST_PROP(CheckerProperties, RenamingPidsNeverChangesAVerdict, ()) {
  const History h = generated_history();
  const Scenario s = every_property();
  const History r = renamed(h);
  std::set<pid_t> pids;
  for (const auto& w : r.workers) pids.insert(w.pid);
  RC_CLASSIFY(pids.size() < r.workers.size(), "a pid reused");
  const std::vector<Verdict> before = verdicts(h, s);
  RC_CLASSIFY(std::count(before.begin(), before.end(), Verdict::fail) > 0, "some property fails");
  RC_ASSERT(before == verdicts(r, s));
}

// workers_restored is about recovery from faults: without any fault it can fail (a worker lost and
// never replaced) or say nothing, never pass.
RC_GTEST_PROP(CheckerProperties, WithoutFaultsWorkersRestoredNeverPasses, ()) {
  History h = generated_history();
  h.faults.clear();
  const Verdict v = verdict_of(Property::workers_restored, h);
  RC_TAG(to_string(v));
  RC_ASSERT(v != Verdict::pass);
}

// N ready workers from start-up to the end and every request sent in the service window answered
// (requests the load sent only after the stop's SIGTERM may fail: they are not the target's): no
// property fails, and every property with data to judge passes.
RC_GTEST_PROP(CheckerProperties, AClusterThatHoldsNAndAnswersEverythingPasses, ()) {
  World world(draw(1, 5));
  world.add_load();
  History h = world.finish();
  for (int k = draw(0, 4); k > 0; --k) {  // scheduled before the stop, sent after it: refused
    RequestRecord late;
    late.id = 900000 + static_cast<std::uint64_t>(k);
    late.connection_id = k;
    late.intended_ns = at(kStopMs - 1 - draw(0, 50));
    late.start_ns = at(kStopMs + 0.1 + draw(0, 50));
    late.end_ns = late.connection_opened_ns = late.start_ns + 50'000;
    late.error = RequestError::refused;
    h.requests.push_back(late);
  }
  for (const auto& r : check(h, every_property())) {
    RC_ASSERT(r.verdict != Verdict::fail);
    const Property must_pass[] = {Property::no_overshoot, Property::no_dropped_requests, Property::service_available,
                                  Property::primary_alive, Property::no_orphans, Property::bounded_restarts};
    if (std::find(std::begin(must_pass), std::end(must_pass), r.property) != std::end(must_pass))
      RC_ASSERT(r.verdict == Verdict::pass);
  }
}

}  // namespace
}  // namespace forkcheck::harness
