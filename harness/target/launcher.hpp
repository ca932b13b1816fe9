#pragma once
// The target under test, launched so that nothing of it can outlive forkcheck:
// - `/bin/sh -c 'exec CMD'`: the shell replaces itself, so the launched pid IS the primary;
// - its own process group (the group id is the primary's pid);
// - PR_SET_PDEATHSIG(SIGKILL): a SIGKILLed forkcheck still takes the primary down. It fires when
//   the launching THREAD exits, so launch from the main thread;
// - forkcheck is a child subreaper (become_subreaper()), so workers orphaned by a dead primary
//   reparent to forkcheck, where the orphan check sees them and the clean-up reaps them.
// The primary is never reaped before the final clean-up: its zombie pins the process group id, so
// signalling the group can never hit a recycled group. Its exit is read with waitid(WNOWAIT).
#include <sys/types.h>

#include <csignal>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/clock.hpp"
#include "harness/model/history.hpp"

namespace forkcheck::harness {

struct ExitInfo {
  mono_ns seen_ns = 0;  // when forkcheck saw it (the observer has the kernel's exact instant)
  int signal = 0;       // the signal that killed it, 0 if it exited
  int status = -1;      // the exit status, -1 if it was signalled
};

struct LaunchError {
  std::string reason;       // one line: what was run and why it did not start
  std::string output_tail;  // the end of what it printed (from the log file)
};

class Target {
 public:
  Target(Target&&) noexcept;
  Target& operator=(Target&&) noexcept;
  Target(const Target&) = delete;
  Target& operator=(const Target&) = delete;
  ~Target();  // still running: SIGKILL the group and every known member, reap (bounded)

  pid_t primary_pid() const;
  pid_t pgid() const;  // == primary_pid()
  mono_ns launch_ns() const;
  const std::string& command() const;
  const std::string& log_path() const;

  // Non-blocking; the primary stays unreaped (a zombie) until the final clean-up.
  bool primary_exited();
  std::optional<ExitInfo> exit_info();
  std::optional<ExitInfo> wait_exit_until(mono_ns deadline);

  // The operator's stop and the no_orphans check, in that order:
  // stop_signal (the scenario's: SIGTERM for most servers) to the PRIMARY ALONE (signalling the group
  // would kill orphan-prone workers ourselves and hide exactly the bug no_orphans exists for), wait
  // up to grace_ms for it to exit, then orphan_grace_ms for its tree to follow; whatever of its tree
  // is still alive then is a survivor. Only after recording that: SIGKILL the whole group and every
  // survivor, and reap (bounded).
  StopRecord stop_and_check_orphans(const std::vector<pid_t>& known_worker_pids, int grace_ms,
                                    int orphan_grace_ms, int stop_signal = SIGTERM);

  // SIGKILL the group, every known worker and every tree process reparented to us; reap. Idempotent.
  void kill_tree();

  struct State;  // shared with the process-wide registry behind kill_all_launched()

 private:
  explicit Target(std::unique_ptr<State> state);
  friend std::variant<Target, LaunchError> launch(const std::string&, const std::string&, int,
                                                  const std::function<void(pid_t)>&);
  std::unique_ptr<State> state_;
};

// Starts `command_line` via `/bin/sh -c 'exec ...'`; stdout and stderr go to `log_path`.
// A target that exits within `settle_ms` did not start: that, and exec failures, are LaunchErrors.
// `on_spawned(primary_pid)` runs as soon as the pid exists, before the settle wait: pass
// Observer::set_primary there, so even the /proc fallback sees the first forks on time.
// The command must be one simple command (`exec` applies to the first one only).
std::variant<Target, LaunchError> launch(const std::string& command_line, const std::string& log_path,
                                         int settle_ms = 50, const std::function<void(pid_t)>& on_spawned = {});

// "exited with status 3", "was killed by SIGSEGV": for messages about a target that ended.
std::string describe_exit(const ExitInfo& e);

// PR_SET_CHILD_SUBREAPER for forkcheck itself. False (with errno) if the kernel refused.
bool become_subreaper();

// SIGKILL and reap every target this process launched and has not cleaned up yet. For the path
// where forkcheck's main loop has recorded SIGINT/SIGTERM (not async-signal-safe: call it from the
// loop, not from the handler).
void kill_all_launched();

// The last `max_bytes` of a file (what the target printed), for error messages.
std::string read_tail(const std::string& path, std::size_t max_bytes = 2000);

}  // namespace forkcheck::harness
