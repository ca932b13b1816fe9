#include "harness/observe/observer.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "harness/observe/proc_connector.hpp"
#include "harness/proc/proc_scan.hpp"
#include "harness/proc/socket_owners.hpp"

#include <algorithm>
#include <regex>

namespace forkcheck::harness {
namespace {

// The primary's children as /proc shows them now (zombies included: exited, not yet reaped).
std::vector<ScannedChild> scan_children(pid_t primary) {
  std::vector<ScannedChild> out;
  for (pid_t pid : children_of(primary)) {
    const auto st = read_proc_stat(pid);
    if (!st) continue;  // reaped between the two reads: gone
    out.push_back(ScannedChild{pid, !st->alive(), st->alive() ? -1 : st->exit_code});
  }
  return out;
}

// The rule the options ask for, and the line the run prints about it. Without sock_diag no child
// can be seen holding the port: every child is then a worker, as the run says at start.
WorkerRule choose_rule(const ObserverOptions& o, std::string& text) {
  const std::string port = std::to_string(o.port);
  if (!o.workers_match.empty()) {
    text = "children whose command line matches '" + o.workers_match + "' (--workers-match)";
    return WorkerRule::command_matches;
  }
  if (o.port == 0) {
    text = "every child of the primary (no port given)";
    return WorkerRule::every_child;
  }
  if (!tcp_entries(tcp_state_bit(TcpState::listen))) {
    text = "every child of the primary (the kernel's socket tables, sock_diag, cannot be read here, so children "
           "holding port " + port + " cannot be told apart)";
    return WorkerRule::every_child;
  }
  text = "children holding the listening socket of port " + port + " (or a connection accepted on it)";
  return WorkerRule::serves_port;
}

}  // namespace

std::string workers_match_error(const std::string& pattern) {
  if (pattern.empty()) return "--workers-match must not be empty";
  try {
    std::regex compiled(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return "--workers-match '" + pattern + "' is not a regular expression: " + e.what();
  }
  return {};
}

Observer::Observer(ObserverOptions options) : options_(options) {
  const WorkerRule rule = choose_rule(options_, rule_text_);
  book_.set_rule(rule);
  looker_ = std::make_unique<ChildLooker>(rule, options_.port, options_.workers_match);
  std::string why = "forced by the caller";
  if (!options_.force_proc) {
    if (auto pc = ProcConnector::open(&why)) connector_ = std::make_unique<ProcConnector>(std::move(*pc));
  }
  wake_ = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (connector_) {
    source_ = "netlink";
    thread_ = std::thread([this] { run_netlink(); });
  } else {
    source_ = "proc";
    fallback_reason_ = why;
    thread_ = std::thread([this] { run_proc(); });
  }
}

Observer::~Observer() {
  stop_ = true;
  const std::uint64_t one = 1;
  if (wake_ && ::write(wake_.get(), &one, sizeof one) < 0) { /* the flag alone stops the proc loop */ }
  if (thread_.joinable()) thread_.join();
}

void Observer::set_primary(pid_t primary) {
  {
    std::lock_guard lock(mutex_);
    book_.set_primary(primary);
  }
  notify_changed();
}

void Observer::end_start_up(mono_ns t) {
  std::lock_guard lock(mutex_);
  book_.end_start_up(t);
}

std::string Observer::source() const {
  std::lock_guard lock(mutex_);
  return source_;
}

std::string Observer::fallback_reason() const {
  std::lock_guard lock(mutex_);
  return fallback_reason_;
}

mono_ns Observer::precision_ns() const {
  std::lock_guard lock(mutex_);
  return source_ == "netlink" ? 0 : static_cast<mono_ns>(options_.sample_period_us) * 1000;
}

int Observer::overruns() const {
  std::lock_guard lock(mutex_);
  return overruns_;
}

std::vector<WorkerLifetime> Observer::workers() const {
  std::lock_guard lock(mutex_);
  return book_.workers();
}

WorkerRule Observer::rule() const {
  std::lock_guard lock(mutex_);
  return book_.rule();
}

std::vector<HelperProcess> Observer::helpers() const {
  std::lock_guard lock(mutex_);
  return book_.helpers();
}

std::vector<pid_t> Observer::live_children() const {
  std::lock_guard lock(mutex_);
  return book_.live_children();
}

int Observer::live_count() const {
  std::lock_guard lock(mutex_);
  return book_.live_count();
}

std::vector<pid_t> Observer::live_workers() const {
  std::lock_guard lock(mutex_);
  return book_.live_workers();
}

std::optional<PrimaryExit> Observer::primary_exit() const {
  std::lock_guard lock(mutex_);
  return book_.primary_exit();
}

bool Observer::wait_for_live_count(int n, mono_ns deadline) const {
  return wait_until([n](const WorkerBook& b) { return b.live_count() == n; }, deadline);
}

void Observer::notify_changed() { changed_.notify_all(); }

void Observer::scan_once(mono_ns t) {
  const pid_t primary = book_.primary();
  if (primary == 0) return;
  const auto st = read_proc_stat(primary);
  bool changed = false;
  if (!st || !st->alive()) changed |= book_.primary_gone(t, st ? st->exit_code : -1);
  changed |= book_.reconcile(scan_children(primary), t);
  if (changed) notify_changed();
}

// The children due for a look are read outside the lock (each look is a few /proc reads), then the
// findings are applied at once; a child that exited meanwhile is settled by its exit.
void Observer::look_at_due_children() {
  std::vector<pid_t> due;
  {
    std::lock_guard lock(mutex_);
    due = book_.due_looks(monotonic_ns());
  }
  if (due.empty()) return;
  looker_->begin_sweep();
  std::vector<std::pair<pid_t, std::pair<ChildLook, mono_ns>>> looks;
  for (pid_t pid : due) {
    ChildLook look = looker_->look(pid);
    looks.emplace_back(pid, std::make_pair(std::move(look), monotonic_ns()));
  }
  std::lock_guard lock(mutex_);
  bool changed = false;
  for (const auto& [pid, found] : looks) changed |= book_.apply_look(pid, found.first, found.second);
  if (changed) notify_changed();
}

void Observer::run_netlink() {
  std::vector<ProcEvent> events;
  while (!stop_) {
    pollfd fds[2] = {{connector_->fd(), POLLIN, 0}, {wake_.get(), POLLIN, 0}};
    std::optional<mono_ns> next_look;
    {
      std::lock_guard lock(mutex_);
      next_look = book_.next_look_ns();
    }
    // Wait for events, or until a child is due for a look.
    timespec wait{};
    timespec* timeout = nullptr;
    if (next_look) {
      const mono_ns left = std::max<mono_ns>(0, *next_look - monotonic_ns());
      wait = timespec{static_cast<time_t>(left / 1'000'000'000), static_cast<long>(left % 1'000'000'000)};
      timeout = &wait;
    }
    if (::ppoll(fds, 2, timeout, nullptr) < 0) continue;
    if (stop_ || fds[1].revents) break;
    bool failed = false;
    if (fds[0].revents) {
      events.clear();
      const auto result = connector_->read_events(events);
      std::lock_guard lock(mutex_);
      bool changed = false;
      for (const ProcEvent& e : events) changed |= book_.apply(e);
      if (changed) notify_changed();
      if (result == ProcConnector::ReadResult::overrun) {
        // Events were lost: what /proc shows now is the truth, stamped with now (not exact).
        ++overruns_;
        scan_once(monotonic_ns());
      } else if (result == ProcConnector::ReadResult::error) {
        source_ = "proc";
        fallback_reason_ = "the proc connector socket failed during the run";
        failed = true;
      }
    }
    if (failed) break;
    look_at_due_children();
  }
  if (!stop_) run_proc();
}

void Observer::run_proc() {
  const mono_ns period = static_cast<mono_ns>(options_.sample_period_us) * 1000;
  mono_ns next = monotonic_ns();
  while (!stop_) {
    {
      std::lock_guard lock(mutex_);
      scan_once(monotonic_ns());
    }
    look_at_due_children();
    // A sampling period, not a synchronisation: absolute deadlines keep the rate steady.
    next += period;
    if (const mono_ns now = monotonic_ns(); next < now) next = now + period;
    const timespec ts{static_cast<time_t>(next / 1'000'000'000), static_cast<long>(next % 1'000'000'000)};
    ::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
  }
}

}  // namespace forkcheck::harness
