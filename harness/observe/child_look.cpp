#include "harness/observe/child_look.hpp"

#include "harness/proc/proc_scan.hpp"
#include "harness/proc/thread_wait.hpp"

namespace forkcheck::harness {

ChildLook judge_child(WorkerRule rule, const HeldOnPort& held, bool waits_on_listener, bool command_matches) {
  ChildLook look;
  switch (rule) {
    case WorkerRule::every_child: look.qualifies = true; break;
    case WorkerRule::serves_port: look.qualifies = held.any(); break;
    case WorkerRule::command_matches: look.qualifies = command_matches; break;
  }
  look.ready = look.qualifies && (held.connections > 0 || waits_on_listener);
  return look;
}

bool command_undecided(const std::string& command, const std::string& parent_command, const std::regex& pattern) {
  return command == parent_command && !std::regex_search(command, pattern);
}

ChildLooker::ChildLooker(WorkerRule rule, std::uint16_t port, const std::string& pattern)
    : rule_(rule), port_number_(port) {
  if (rule_ == WorkerRule::command_matches) pattern_.emplace(pattern, std::regex::ECMAScript);
}

ChildLook ChildLooker::look(pid_t pid) {
  ChildLook gone;
  gone.gone = true;
  const auto st = read_proc_stat(pid);
  if (!st || !st->alive()) return gone;
  const std::string command = read_command_line(pid);
  // Under --workers-match, a command line that tells nothing yet changes nothing (command_undecided;
  // empty: an exiting process, or one between clearing and writing its title). Judged on that, a
  // worker named by --workers-match would turn into a helper as it dies, or as it is born.
  if (pattern_ && (command.empty() || command_undecided(command, read_command_line(st->ppid), *pattern_))) {
    ChildLook undecided;
    undecided.undecided = true;
    undecided.command = command;
    return undecided;
  }
  if (command.empty()) return gone;  // an exiting process: nothing to see, as for a zombie
  const auto fds = socket_fds_of(pid);
  if (!fds) return gone;
  if (!port_) port_ = read_port_sockets(port_number_).value_or(PortSockets{port_number_, {}, {}});
  const HeldOnPort held = held_on_port(*fds, *port_);
  const bool waits = !held.listening_fds.empty() && waits_on(pid, held.listening_fds);
  const bool matches = pattern_ && std::regex_search(command, *pattern_);
  ChildLook look = judge_child(rule_, held, waits, matches);
  look.command = command;
  return look;
}

}  // namespace forkcheck::harness
