// Telling workers from helpers among the primary's children (worker_book.hpp, child_look.hpp): the
// rule on hand-made looks, without processes.
#include <gtest/gtest.h>
#include <signal.h>

#include "harness/observe/child_look.hpp"
#include "harness/observe/worker_book.hpp"

namespace forkcheck::harness {
namespace {

ProcEvent fork_of(pid_t pid, mono_ns t) { return {ProcEvent::Kind::fork, t, pid, 100, 0}; }
ProcEvent exit_of(pid_t pid, mono_ns t) { return {ProcEvent::Kind::exit, t, pid, 100, SIGKILL}; }

ChildLook look(bool qualifies, bool ready, std::string command = "") {
  ChildLook l;
  l.qualifies = qualifies;
  l.ready = ready;
  l.command = std::move(command);
  return l;
}

ChildLook gone() {
  ChildLook l;
  l.gone = true;
  return l;
}

WorkerBook book_with(WorkerRule rule) {
  WorkerBook b;
  b.set_rule(rule);
  b.set_primary(100);
  return b;
}

TEST(JudgeChild, BySocketsOrByCommandLine) {
  const HeldOnPort listening{.listening_fds = {3}, .connections = 0};
  const HeldOnPort connection{.listening_fds = {}, .connections = 2};
  const HeldOnPort nothing{};
  EXPECT_TRUE(judge_child(WorkerRule::serves_port, listening, false, false).qualifies);
  EXPECT_FALSE(judge_child(WorkerRule::serves_port, listening, false, false).ready);
  EXPECT_TRUE(judge_child(WorkerRule::serves_port, listening, true, false).ready);
  EXPECT_TRUE(judge_child(WorkerRule::serves_port, connection, false, false).ready);
  EXPECT_FALSE(judge_child(WorkerRule::serves_port, nothing, false, true).qualifies);
  // By command line: the sockets only say when it is ready.
  EXPECT_TRUE(judge_child(WorkerRule::command_matches, nothing, false, true).qualifies);
  EXPECT_FALSE(judge_child(WorkerRule::command_matches, nothing, false, true).ready);
  EXPECT_FALSE(judge_child(WorkerRule::command_matches, listening, true, false).qualifies);
  EXPECT_TRUE(judge_child(WorkerRule::every_child, nothing, false, false).qualifies);
}

TEST(WorkerClassification, EveryChildIsAWorkerWithoutAPort) {
  WorkerBook b = book_with(WorkerRule::every_child);
  b.apply(fork_of(101, 10));
  EXPECT_EQ(b.live_workers(), (std::vector<pid_t>{101}));
  EXPECT_TRUE(b.due_looks(1'000'000'000).empty());
}

// A helper forked with the inherited listening socket looks like a worker until it closes it; it is
// then a helper from its fork on, never counted, and the workers ready stay final.
TEST(WorkerClassification, AHelperThatLetsTheInheritedSocketGoIsNeverAWorker) {
  WorkerBook b = book_with(WorkerRule::serves_port);
  b.apply(fork_of(101, 10));
  b.apply(fork_of(102, 11));
  b.apply(fork_of(103, 12));  // the helper
  EXPECT_EQ(b.live_count(), 0);  // not looked at yet: nothing counted
  EXPECT_EQ(b.due_looks(12).size(), 3u);
  EXPECT_TRUE(b.apply_look(101, look(true, true), 13));
  EXPECT_TRUE(b.apply_look(102, look(true, false), 13));  // still starting
  EXPECT_TRUE(b.apply_look(103, look(true, false), 13));  // has not run yet: the inherited socket
  EXPECT_EQ(b.live_count(), 3);                           // provisionally
  EXPECT_EQ(b.due_looks(13), std::vector<pid_t>{});       // the next looks come 1 ms later
  const mono_ns later = 13 + WorkerBook::kFirstLookGap;
  EXPECT_EQ(b.due_looks(later).size(), 2u);
  EXPECT_TRUE(b.apply_look(103, look(false, false, "python -m tracker"), later));
  EXPECT_TRUE(b.apply_look(102, look(true, true), later));
  EXPECT_EQ(b.live_workers(), (std::vector<pid_t>{101, 102}));
  ASSERT_EQ(b.workers().size(), 2u);
  EXPECT_EQ(b.workers()[0].ready_ns, 13);
  EXPECT_EQ(b.workers()[1].ready_ns, later);
  ASSERT_EQ(b.helpers().size(), 1u);
  EXPECT_EQ(b.helpers()[0].pid, 103);
  EXPECT_EQ(b.helpers()[0].fork_ns, 12);
  EXPECT_EQ(b.helpers()[0].command, "python -m tracker");
  // Ready workers are settled: no more looks, and a later look changes nothing.
  EXPECT_FALSE(b.apply_look(101, look(false, false), later + 1));
  EXPECT_EQ(b.live_count(), 2);
  // The helper is looked at again, ever less often (a child may qualify later: Node's workers get
  // their first connection over IPC).
  const auto next = b.next_look_ns();
  ASSERT_TRUE(next);
  EXPECT_EQ(b.due_looks(*next), std::vector<pid_t>{103});
  EXPECT_TRUE(b.apply_look(103, look(true, true), *next));
  EXPECT_EQ(b.live_count(), 3);
}

TEST(WorkerClassification, AChildGoneBeforeAnyLookIsAWorker) {
  WorkerBook b = book_with(WorkerRule::serves_port);
  b.apply(fork_of(101, 10));
  b.apply(exit_of(101, 11));  // a crash loop's worker, dead before the observer looked
  b.apply(fork_of(102, 12));
  EXPECT_FALSE(b.apply_look(102, look(false, false), 13));  // a helper so far: no change in workers
  b.apply(fork_of(103, 14));
  EXPECT_TRUE(b.apply_look(103, gone(), 15));  // a zombie: nothing to see
  ASSERT_EQ(b.workers().size(), 2u);
  EXPECT_EQ(b.workers()[0].pid, 101);
  EXPECT_EQ(b.workers()[0].exit_ns, 11);
  EXPECT_EQ(b.workers()[1].pid, 103);
  EXPECT_EQ(b.helpers().size(), 1u);
  // A provisional worker that dies keeps what the looks said.
  b.apply(fork_of(104, 20));
  b.apply_look(104, look(true, false), 21);
  b.apply(exit_of(104, 22));
  EXPECT_FALSE(b.apply_look(104, look(false, false), 23));  // after its exit: ignored
  EXPECT_EQ(b.workers().back().pid, 104);
}

TEST(WorkerClassification, ByCommandLine) {
  WorkerBook b = book_with(WorkerRule::command_matches);
  b.apply(fork_of(101, 10));  // the router
  b.apply(fork_of(102, 11));
  b.apply_look(101, look(false, false, "brokencluster: router"), 12);
  b.apply_look(102, look(true, false, "brokencluster: worker"), 12);
  EXPECT_EQ(b.live_workers(), (std::vector<pid_t>{102}));
  EXPECT_EQ(b.helpers().front().command, "brokencluster: router");
}

TEST(WorkerClassification, LooksGetRarerUpToTheirCap) {
  WorkerBook b = book_with(WorkerRule::serves_port);
  b.apply(fork_of(101, 0));
  mono_ns t = 0;
  mono_ns gap = 0;
  for (int i = 0; i < 30; ++i) {
    b.apply_look(101, look(false, false), t);
    gap = *b.next_look_ns() - t;
    t += gap;
  }
  EXPECT_EQ(gap, WorkerBook::kMaxOtherLookGap);
}

}  // namespace
}  // namespace forkcheck::harness

namespace forkcheck::harness {
namespace {

ChildLook undecided(std::string command) {
  ChildLook l;
  l.undecided = true;
  l.command = std::move(command);
  return l;
}

// A worker behind a router sets its title after the fork: a look in between reads its parent's
// command line, and one in the middle of the retitle reads it empty. Neither makes it a helper (it
// was, for up to 1.38 s: 376 children in 269 of 285 runs of brokencluster --router under load), and
// its fork instant stays the kernel's.
TEST(WorkerClassification, AChildNotYetRetitledIsNeitherWorkerNorHelper) {
  WorkerBook b = book_with(WorkerRule::command_matches);
  b.apply(fork_of(102, 1000));
  EXPECT_FALSE(b.apply_look(102, undecided("brokencluster --router --port 0 --workers 2"), 1020));
  EXPECT_TRUE(b.helpers().empty());
  EXPECT_TRUE(b.live_workers().empty());
  ASSERT_TRUE(b.next_look_ns());
  EXPECT_LE(*b.next_look_ns() - 1020, WorkerBook::kMaxWorkerLookGap);
  EXPECT_FALSE(b.apply_look(102, undecided(""), 1021));  // between clearing and writing the title
  EXPECT_TRUE(b.helpers().empty());
  EXPECT_TRUE(b.apply_look(102, look(true, false, "brokencluster: worker"), 1400));
  EXPECT_EQ(b.live_workers(), (std::vector<pid_t>{102}));
  ASSERT_EQ(b.workers().size(), 1u);
  EXPECT_EQ(b.workers()[0].fork_ns, 1000);
  EXPECT_TRUE(b.helpers().empty());
}

TEST(WorkerClassification, AnUndecidedLookLeavesAWorkerAWorker) {
  WorkerBook b = book_with(WorkerRule::command_matches);
  b.apply(fork_of(102, 10));
  b.apply_look(102, look(true, false, "brokencluster: worker"), 11);
  EXPECT_FALSE(b.apply_look(102, undecided(""), 12));  // exiting: its command line reads empty
  b.apply(exit_of(102, 13));
  ASSERT_EQ(b.workers().size(), 1u);
  EXPECT_TRUE(b.helpers().empty());
}

TEST(WorkerClassification, AChildNeverRetitledIsAHelperOnceGone) {
  WorkerBook b = book_with(WorkerRule::command_matches);
  b.apply(fork_of(101, 10));  // forked, never retitled, never matching: not named a worker
  b.apply_look(101, undecided("server --workers 2"), 11);
  b.apply(exit_of(101, 50));
  EXPECT_TRUE(b.workers().empty());
  ASSERT_EQ(b.helpers().size(), 1u);
  EXPECT_EQ(b.helpers()[0].command, "server --workers 2");
  b.apply(fork_of(103, 60));  // gone before any look: a worker, as before
  b.apply(exit_of(103, 61));
  EXPECT_EQ(b.workers().size(), 1u);
}

TEST(WorkerClassification, ACommandLineStillTheParentsTellsNothingUnlessItMatches) {
  const std::regex worker("brokencluster: worker", std::regex::ECMAScript);
  EXPECT_TRUE(command_undecided("brokencluster --router --port 0", "brokencluster --router --port 0", worker));
  EXPECT_FALSE(command_undecided("brokencluster: worker", "brokencluster --router --port 0", worker));
  EXPECT_FALSE(command_undecided("brokencluster: router", "brokencluster --router --port 0", worker));
  const std::regex node("node", std::regex::ECMAScript);  // workers that keep the primary's command line
  EXPECT_FALSE(command_undecided("node server.js", "node server.js", node));
}

}  // namespace
}  // namespace forkcheck::harness
