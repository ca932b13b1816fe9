// The effectful half of faults.hpp: sending a planned fault to live processes.
#include "harness/faults/faults.hpp"

#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "common/pidfd.hpp"
#include "common/unique_fd.hpp"
#include "harness/proc/proc_scan.hpp"
#include "harness/proc/socket_owners.hpp"

namespace forkcheck::harness {
namespace {

struct Victim {
  pid_t pid = 0;
  Pidfd fd;
};

void add_note(std::string& note, const std::string& text) {
  if (!note.empty()) note += "; ";
  note += text;
}

// Every thread: a kill's freeze reads the victim's connections once it is stopped, and a thread
// still inside accept(2) would add one after that read (a request then lost unexcused).
bool is_stopped(pid_t pid) { return every_thread_stopped(pid); }

// The pids the fault is aimed at (before any pidfd is opened).
std::vector<pid_t> aim(const PlannedFault& f, const std::vector<pid_t>& live, pid_t primary) {
  std::mt19937_64 rng(f.victim_seed);
  switch (f.kind) {
    case FaultKind::kill_primary:
    case FaultKind::term_primary: return {primary};
    case FaultKind::kill_all: return live;
    case FaultKind::cont_worker: {
      std::vector<pid_t> stopped;
      std::copy_if(live.begin(), live.end(), std::back_inserter(stopped), is_stopped);
      return choose_victims(stopped, f.victim, f.victims, rng);
    }
    default: return choose_victims(live, f.victim, f.victims, rng);
  }
}

// Pidfds first: from here on a pid cannot be recycled under us. A worker is checked to still be
// the primary's child with its pidfd held (the observer's list may be a moment old).
std::vector<Victim> open_victims(const std::vector<pid_t>& pids, pid_t primary, bool workers, std::string& note) {
  std::vector<Victim> out;
  for (pid_t pid : pids) {
    auto fd = Pidfd::open(pid);
    const auto st = fd ? read_proc_stat(pid) : std::nullopt;
    if (!st || !st->alive() || (workers && st->ppid != primary)) {
      add_note(note, "pid " + std::to_string(pid) + " was gone before the signal");
      continue;
    }
    out.push_back(Victim{pid, std::move(*fd)});
  }
  return out;
}

// Sends `signo` to every victim as close together as possible; the ones it could not reach are noted.
// Returns the instant just BEFORE the first signal: a SIGKILLed process's connections are reset
// before pidfd_send_signal even returns, so a later stamp would make its own resets look earlier
// than the kill.
mono_ns send_all(const std::vector<Victim>& victims, int signo, std::string& note) {
  const mono_ns sent = monotonic_ns();
  for (const Victim& v : victims)
    if (!v.fd.send_signal(signo)) add_note(note, "signal " + std::to_string(signo) + " not delivered to " + std::to_string(v.pid));
  return sent;
}

// No notification exists for a non-child's stop or continue: /proc is polled every 100 us, bounded.
std::optional<mono_ns> wait_stopped_state(const std::vector<Victim>& victims, bool stopped, mono_ns deadline) {
  for (;;) {
    const bool all = std::all_of(victims.begin(), victims.end(),
                                 [stopped](const Victim& v) { return is_stopped(v.pid) == stopped; });
    const mono_ns now = monotonic_ns();
    if (all) return now;
    if (now >= deadline) return std::nullopt;
    const timespec step{0, 100'000};
    ::nanosleep(&step, nullptr);
  }
}

// The latest death instant, or empty (with a note) if any victim was not seen dying in time.
std::optional<mono_ns> confirm_deaths(const std::vector<Victim>& victims, mono_ns deadline, std::string& note) {
  std::optional<mono_ns> last;
  bool all = true;
  for (const Victim& v : victims) {
    const auto seen = v.fd.wait_exit_until(deadline);
    if (!seen) {
      all = false;
      add_note(note, "pid " + std::to_string(v.pid) + " still alive at the deadline");
    } else if (!last || *seen > *last) {
      last = seen;
    }
  }
  return all ? last : std::nullopt;
}

// Kills with attribution: freeze (SIGSTOP) so the connections they hold cannot change, record those
// connections, then the fatal signal. A stopped process still dies of SIGKILL; any other signal
// stays pending while stopped, so SIGCONT follows it.
void freeze_and_kill(FaultRecord& rec, const std::vector<Victim>& victims, std::uint16_t port, mono_ns confirm_timeout_ns) {
  send_all(victims, SIGSTOP, rec.note);
  if (!wait_stopped_state(victims, true, monotonic_ns() + kFreezeWait))
    add_note(rec.note, "victims not seen stopped before reading their connections");
  std::vector<pid_t> pids;
  for (const Victim& v : victims) pids.push_back(v.pid);
  rec.victim_client_ports = client_ports_of(pids, port);
  rec.sent_ns = send_all(victims, rec.signal, rec.note);
  if (rec.signal != SIGKILL) send_all(victims, SIGCONT, rec.note);
  rec.death_seen_ns = confirm_deaths(victims, rec.sent_ns + confirm_timeout_ns, rec.note);
}

// create_file / remove_file: the instant is sent_ns, confirmed_ns once the file is (or is not) there.
void change_file(FaultRecord& rec, const std::string& path) {
  rec.path = path;
  rec.sent_ns = monotonic_ns();
  bool done = false;
  if (rec.kind == FaultKind::create_file) {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
    done = static_cast<bool>(fd);
  } else {
    done = ::unlink(path.c_str()) == 0 || errno == ENOENT;
  }
  const int error = errno;
  if (done) rec.confirmed_ns = monotonic_ns();
  add_note(rec.note, std::string(done ? "" : "failed: ") + (rec.kind == FaultKind::create_file ? "create " : "remove ") +
                         path + (done ? "" : std::string(": ") + std::strerror(error)));
}

}  // namespace

FaultRecord inject(const PlannedFault& fault, const std::vector<pid_t>& live_workers, pid_t primary,
                   std::uint16_t server_port, mono_ns confirm_timeout_ns, mono_ns scheduled_ns) {
  FaultRecord rec;
  rec.kind = fault.kind;
  rec.signal = fault.signal > 0 ? fault.signal : signal_for(fault.kind, 0);
  rec.scheduled_ns = scheduled_ns ? scheduled_ns : monotonic_ns();
  if (touches_file(fault.kind)) {
    change_file(rec, fault.path);
    return rec;
  }
  const bool at_primary = fault.kind == FaultKind::kill_primary || fault.kind == FaultKind::term_primary;
  const std::vector<Victim> victims = open_victims(aim(fault, live_workers, primary), primary, !at_primary, rec.note);
  for (const Victim& v : victims) rec.victims.push_back(v.pid);
  if (victims.empty()) {
    add_note(rec.note, fault.kind == FaultKind::cont_worker ? "no stopped worker to continue" : "no live victim");
    return rec;
  }
  // A SIGTERM asks a worker to drain, whatever the kind says: it is not frozen first and its
  // connections are not recorded, since nothing on them is excused (docs/design.md, section 5).
  const FaultKind acts_as = terminates_workers(rec.kind, rec.signal) ? FaultKind::term_worker : fault.kind;
  switch (acts_as) {
    case FaultKind::kill_worker:
    case FaultKind::kill_new_workers:
    case FaultKind::kill_all: freeze_and_kill(rec, victims, server_port, confirm_timeout_ns); break;
    case FaultKind::stop_worker:
    case FaultKind::cont_worker:
      rec.sent_ns = send_all(victims, rec.signal, rec.note);
      rec.confirmed_ns = wait_stopped_state(victims, fault.kind == FaultKind::stop_worker, rec.sent_ns + confirm_timeout_ns);
      if (!rec.confirmed_ns) add_note(rec.note, "state change not seen before the deadline");
      // A hung worker's connections hang: failures on them are the fault's doing, as a kill's are.
      if (fault.kind == FaultKind::stop_worker) rec.victim_client_ports = client_ports_of(rec.victims, server_port);
      break;
    case FaultKind::term_worker:
    case FaultKind::kill_primary:
    case FaultKind::term_primary:
      rec.sent_ns = send_all(victims, rec.signal, rec.note);
      rec.death_seen_ns = confirm_deaths(victims, rec.sent_ns + confirm_timeout_ns, rec.note);
      break;
    case FaultKind::create_file:
    case FaultKind::remove_file: break;  // handled above
    case FaultKind::wire_fuzz: break;    // never injected here: the WireFuzzer sends it (run/run.cpp)
  }
  return rec;
}

}  // namespace forkcheck::harness
