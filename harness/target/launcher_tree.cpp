#include "harness/target/launcher_tree.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>

#include "common/pidfd.hpp"
#include "harness/proc/proc_scan.hpp"

namespace forkcheck::harness {
namespace {

// The primaries of every target launched and not yet destroyed: children of ours that are not
// descendants reparented to us. Own mutex: the launcher's registry lock may be held by a caller.
std::mutex primaries_mutex;
std::vector<pid_t> launched_primaries;

bool is_launched_primary(pid_t pid) {
  std::lock_guard lock(primaries_mutex);
  return std::find(launched_primaries.begin(), launched_primaries.end(), pid) != launched_primaries.end();
}

bool is_known(const TreeRef& tree, pid_t pid) {
  return std::find(tree.known_workers.begin(), tree.known_workers.end(), pid) != tree.known_workers.end();
}

// Whether a process (alive or zombie) belongs to the tree. A known worker pid counts only while its
// parent is the primary or us: otherwise the pid may have been recycled by an unrelated process.
bool in_tree(const TreeRef& tree, pid_t pid, const ProcStat& st) {
  if (pid == tree.primary) return false;
  const pid_t self = ::getpid();
  // After the primary is reaped its group id could in principle be reused: then only members that
  // were reparented to us are surely ours.
  if (st.pgrp == tree.pgid && (!tree.primary_reaped || st.ppid == self)) return true;
  if (!tree.primary_reaped && st.ppid == tree.primary) return true;
  // Reparented to us, the subreaper: forkcheck forks nothing but targets' primaries, so any other
  // child of ours descends from a target's tree, whatever its session or group (forkcheck runs one
  // target at a time; the tests that run two at once create no orphans).
  if (st.ppid == self && !is_launched_primary(pid)) return true;
  return is_known(tree, pid) && st.ppid == tree.primary;
}

// Children of members are members: a grandchild that called setsid() left the group and the
// session, but not its parent.
void add_descendants(std::vector<pid_t>& members) {
  constexpr std::size_t kMaxMembers = 1 << 16;  // bounds the walk whatever the tree does meanwhile
  for (std::size_t i = 0; i < members.size() && members.size() < kMaxMembers; ++i)
    for (pid_t child : children_of(members[i])) {
      const auto st = read_proc_stat(child);
      if (st && st->alive() && std::find(members.begin(), members.end(), child) == members.end()) members.push_back(child);
    }
}

void add_if_member(const TreeRef& tree, pid_t pid, std::vector<pid_t>& out) {
  const auto st = read_proc_stat(pid);
  if (st && st->alive() && in_tree(tree, pid, *st)) out.push_back(pid);
}

// Reaps our zombie children that belong to the tree (only pids we know, never waitpid(-1)).
void reap_tree_zombies(const TreeRef& tree) {
  for (pid_t child : children_of(::getpid())) {
    const auto st = read_proc_stat(child);
    if (st && !st->alive() && in_tree(tree, child, *st)) ::waitpid(child, nullptr, WNOHANG);
  }
}

// Blocks on one member's pidfd for at most `slice_ns` (bounded by the deadline).
void wait_on_one(pid_t pid, mono_ns deadline, mono_ns slice_ns) {
  if (auto fd = Pidfd::open(pid)) fd->wait_exit_until(std::min(deadline, monotonic_ns() + slice_ns));
}

}  // namespace

void register_launched_primary(pid_t primary) {
  std::lock_guard lock(primaries_mutex);
  launched_primaries.push_back(primary);
}

void unregister_launched_primary(pid_t primary) {
  std::lock_guard lock(primaries_mutex);
  launched_primaries.erase(std::remove(launched_primaries.begin(), launched_primaries.end(), primary),
                           launched_primaries.end());
}

std::vector<pid_t> tree_members(const TreeRef& tree) {
  std::vector<pid_t> out;
  for (pid_t pid : group_members(tree.pgid)) add_if_member(tree, pid, out);
  if (!tree.primary_reaped)
    for (pid_t pid : children_of(tree.primary)) add_if_member(tree, pid, out);
  for (pid_t pid : tree.known_workers) add_if_member(tree, pid, out);
  for (pid_t pid : children_of(::getpid())) add_if_member(tree, pid, out);
  add_descendants(out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<pid_t> wait_tree_gone(const TreeRef& tree, mono_ns deadline) {
  for (;;) {
    reap_tree_zombies(tree);
    std::vector<pid_t> members = tree_members(tree);
    if (members.empty() || monotonic_ns() >= deadline) return members;
    wait_on_one(members.front(), deadline, ms_to_ns(20));
  }
}

void kill_and_reap_tree(const TreeRef& tree, mono_ns deadline) {
  for (;;) {
    const std::vector<pid_t> members = tree_members(tree);
    for (pid_t pid : members) {
      auto fd = Pidfd::open(pid);
      // Checked again with the pidfd held: from here the pid cannot be recycled under us.
      const auto st = fd ? read_proc_stat(pid) : std::nullopt;
      if (st && in_tree(tree, pid, *st)) fd->send_signal(SIGKILL);
    }
    reap_tree_zombies(tree);
    if (members.empty() || monotonic_ns() >= deadline) return;
    wait_on_one(members.front(), deadline, ms_to_ns(20));
  }
}

}  // namespace forkcheck::harness
