#pragma once
// The primary (gunicorn's arbiter, in C++): opens the listening socket once, forks N workers that
// inherit it, never accepts itself, and runs one loop over a signalfd (SIGCHLD, SIGTERM, SIGINT),
// the worker channel (ready, heartbeat) and the supervisor's next deadline. Every decision comes
// from the Supervisor core; this class only carries them out (fork, kill, write events).
#include <string>
#include <vector>

#include "common/event.hpp"
#include "common/unique_fd.hpp"
#include "reference/accept_board.hpp"
#include "reference/event_log.hpp"
#include "reference/options.hpp"
#include "reference/supervisor.hpp"
#include "reference/worker_channel.hpp"

namespace forkcheck::reference {

// Blocks SIGCHLD, SIGTERM and SIGINT, read later from the primary's signalfd. Called first thing
// in main(), so a stop signal at any instant of start-up is handled by the loop (a drain), and
// inherited blocked by every worker, whose loop reads it from its own signalfd.
void block_primary_signals();

class Primary {
 public:
  explicit Primary(Options options);
  // Runs until a shutdown completes; the process exit status (0, or 2 when it could not start).
  int run();

 private:
  bool open_resources(std::string* error);
  void loop();
  void handle_signals();
  void reap_workers();
  void read_worker_channel();
  void manage_workers();
  void apply(const std::vector<Action>& actions);
  void spawn_worker(int slot, pid_t replaces);
  void murder_worker(const Action& action);
  void begin_shutdown(const char* reason);
  [[noreturn]] void become_worker(int slot);
  void emit(Event event);

  Options options_;
  Supervisor supervisor_;
  pid_t pid_ = 0;
  int port_ = 0;
  UniqueFd signal_fd_;
  UniqueFd listen_fd_;  // shared: the listening socket; reuseport: the port reservation
  WorkerChannel channel_;
  AcceptBoard* board_ = nullptr;  // shared mode: least-connections accept turns (shared page)
  EventLog events_;
};

}  // namespace forkcheck::reference
