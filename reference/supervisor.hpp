#pragma once
// The primary's decisions, as a pure state machine over N slots: it is told what happened (a fork, a
// ready worker, an exit, a heartbeat, the passing of time, a shutdown request) and answers with the
// actions to take. It never forks, signals or reads a clock — time is passed in — so it is
// unit-tested without processes and can be driven by a generated schedule (rapidcheck state machine).
//
// Invariants: at most N slots hold a live process; nothing is spawned after shutdown; a slot whose
// workers keep dying early waits an exponentially growing delay before its next fork.
#include <sys/types.h>

#include <optional>
#include <vector>

#include "common/clock.hpp"

namespace forkcheck::reference {

struct SupervisorConfig {
  int workers = 1;
  // A worker that dies before it is ready, or within min_uptime of becoming ready, died early.
  // One that lived longer proves the slot stable again: its early-death streak is reset.
  mono_ns min_uptime_ns = ms_to_ns(100);
  // Early deaths in a row a slot may have with immediate respawns, before back-off starts.
  int restart_burst = 3;
  mono_ns backoff_initial_ns = ms_to_ns(100);  // first delay; doubles per further early death
  mono_ns backoff_max_ns = ms_to_ns(5000);
  mono_ns heartbeat_timeout_ns = 0;  // 0: hung workers are not detected
  mono_ns grace_ns = ms_to_ns(10000);  // shutdown: time to finish in-flight requests before SIGKILL
};

enum class ActionKind {
  spawn,      // fork a worker into `slot`; `pid` is the worker it replaces (0 on first start)
  backoff,    // `slot` waits `delay_ns` before its next spawn (informational: the core keeps the timer)
  kill_hung,  // SIGKILL `pid`: no heartbeat within the timeout
  terminate,  // SIGTERM `pid`: shutdown, finish in-flight requests
  kill,       // SIGKILL `pid`: the shutdown grace period is over
};

struct Action {
  ActionKind kind{};
  int slot = -1;
  pid_t pid = 0;
  mono_ns delay_ns = 0;
  bool operator==(const Action&) const = default;
};

enum class SlotState { empty, waiting, starting, ready };

struct SlotView {
  int slot = -1;
  SlotState state = SlotState::empty;
  pid_t pid = 0;             // the live worker (starting or ready), else the last one to die
  mono_ns forked_ns = 0;
  int early_deaths = 0;      // consecutive
  bool killed = false;       // the supervisor asked for its death (hung or shutdown)
};

class Supervisor {
 public:
  explicit Supervisor(const SupervisorConfig& config);

  std::vector<Action> start(mono_ns now);          // one spawn per slot
  void on_forked(int slot, pid_t pid, mono_ns now);  // the primary did a spawn action
  std::vector<Action> on_fork_failed(int slot, mono_ns now);
  void on_ready(int slot, pid_t pid, mono_ns now);   // stale (slot, pid) pairs are ignored
  void on_heartbeat(int slot, pid_t pid, mono_ns now);
  // The primary read everything the workers had written to the channel before `at`. A worker's
  // silence is judged only up to the last such instant, never up to `now`: a primary that was itself
  // not running (descheduled on a loaded machine) has heartbeats waiting unread in the channel, and
  // the time it was away is no evidence that a worker stopped beating.
  void on_channel_read(mono_ns at);
  // A reaped child. Unknown pids are ignored (empty actions).
  std::vector<Action> on_worker_exit(pid_t pid, mono_ns now);
  std::vector<Action> on_tick(mono_ns now);  // due back-offs, overdue heartbeats, grace expiry
  std::vector<Action> on_shutdown(mono_ns now);

  // The earliest instant at which on_tick has something to do; empty: nothing is scheduled.
  std::optional<mono_ns> next_deadline() const;
  std::optional<SlotView> find(pid_t pid) const;
  SlotView slot(int index) const;
  int live_count() const;    // starting + ready
  int ready_count() const;
  bool shutting_down() const { return shutdown_at_.has_value(); }
  bool finished() const { return shutting_down() && live_count() == 0; }  // the primary may exit
  const SupervisorConfig& config() const { return config_; }

 private:
  struct Slot {
    SlotState state = SlotState::empty;
    pid_t pid = 0;
    mono_ns forked_ns = 0;
    mono_ns ready_ns = 0;
    mono_ns last_beat_ns = 0;
    mono_ns wake_ns = 0;  // waiting: when the back-off ends
    int early_deaths = 0;
    bool killed = false;
  };

  bool live(const Slot& s) const { return s.state == SlotState::starting || s.state == SlotState::ready; }
  bool died_early(const Slot& s, mono_ns now) const;
  mono_ns backoff_delay(int early_deaths) const;
  std::vector<Action> schedule_respawn(int index, pid_t dead_pid, mono_ns now);
  void check_heartbeats(mono_ns now, std::vector<Action>& out);
  SlotView view(int index) const;

  SupervisorConfig config_;
  std::vector<Slot> slots_;
  std::vector<pid_t> replaces_;  // per slot: the dead worker a pending spawn replaces
  std::optional<mono_ns> shutdown_at_;
  mono_ns channel_read_ns_ = 0;  // the last on_channel_read
  bool grace_over_ = false;
};

}  // namespace forkcheck::reference
