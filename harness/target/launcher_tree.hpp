#pragma once
// The launched target's process tree, for the launcher's orphan check and clean-up (internal to the
// launcher). The tree is: members of the target's process group, the primary's children, known
// worker pids that are still the primary's children (a worker may have left the group), every child
// of ours but the primary (descendants reparented to forkcheck, the subreaper, whatever their session
// or group), and every descendant of those. The primary itself is never a member: the launcher
// handles it.
#include <sys/types.h>

#include <vector>

#include "common/clock.hpp"

namespace forkcheck::harness {

struct TreeRef {
  pid_t primary = 0;
  pid_t pgid = 0;
  bool primary_reaped = false;
  const std::vector<pid_t>& known_workers;
};

// The launcher names every primary it starts (until its Target is gone): those children of ours
// are targets, not descendants reparented to us.
void register_launched_primary(pid_t primary);
void unregister_launched_primary(pid_t primary);

// Living members of the tree, sorted.
std::vector<pid_t> tree_members(const TreeRef& tree);
// Waits (on pidfds, no sleeps) until the tree is empty or the deadline; what is still alive then.
std::vector<pid_t> wait_tree_gone(const TreeRef& tree, mono_ns deadline);
// SIGKILLs every member through a pidfd and reaps members that are our children, until the tree is
// empty or the deadline passes.
void kill_and_reap_tree(const TreeRef& tree, mono_ns deadline);

}  // namespace forkcheck::harness
