#pragma once
// Reading the process tree from /proc: a process's state, parent and group, its children, the
// members of a process group. Used by the launcher (orphan check, clean-up), by the observer's
// /proc fallback and by the fault injector (is a victim still the primary's child?).
#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace forkcheck::harness {

struct ProcStat {
  char state = '?';     // R S D T t Z X ...
  pid_t ppid = 0;
  pid_t pgrp = 0;
  int exit_code = -1;   // the wait status, as the kernel shows it for a zombie; -1 if not shown

  bool alive() const { return state != 'Z' && state != 'X'; }
};

// Pure: the text of /proc/<pid>/stat. The command may hold spaces and ')' — fields start after
// the LAST ')'.
std::optional<ProcStat> parse_proc_stat(std::string_view text);
// Empty when the process is gone (its /proc entry is removed when it is reaped).
std::optional<ProcStat> read_proc_stat(pid_t pid);

// True while the process exists and is not a zombie.
bool process_alive(pid_t pid);
// Every thread of the process is in a stop state (T or t), from /proc/<pid>/task/*/stat. The
// process's own stat shows its main thread only: after a SIGSTOP it may read T while another
// thread is still finishing a system call (an accept(2) that installs a new connection). False when
// the process is gone.
bool every_thread_stopped(pid_t pid);
// Direct children of `pid`, from /proc/<pid>/task/*/children (every thread's list: a child's
// parent is the thread that forked it). Zombies are included, unreaped children still are children.
std::vector<pid_t> children_of(pid_t pid);
// The process's command line, arguments separated by spaces; empty when it is gone (or a kernel thread).
std::string read_command_line(pid_t pid);
// Living (non-zombie) members of process group `pgid`, by scanning /proc.
std::vector<pid_t> group_members(pid_t pgid);

}  // namespace forkcheck::harness
