#include "harness/observe/worker_book.hpp"

#include <gtest/gtest.h>
#include <signal.h>

namespace forkcheck::harness {
namespace {

ProcEvent fork_of(pid_t pid, pid_t parent, mono_ns t) { return {ProcEvent::Kind::fork, t, pid, parent, 0}; }
ProcEvent exit_of(pid_t pid, mono_ns t, int wait_status) { return {ProcEvent::Kind::exit, t, pid, 0, wait_status}; }

TEST(WorkerBook, HoldsEventsUntilThePrimaryIsKnownAndFiltersByParent) {
  WorkerBook book;
  EXPECT_FALSE(book.apply(fork_of(101, 100, 10)));
  EXPECT_FALSE(book.apply(fork_of(201, 200, 11)));  // another process's child
  EXPECT_FALSE(book.apply(fork_of(102, 100, 12)));
  EXPECT_FALSE(book.apply(fork_of(103, 101, 13)));  // a worker's own child: not a worker
  book.set_primary(100);
  ASSERT_EQ(book.workers().size(), 2u);
  EXPECT_EQ(book.workers()[0].pid, 101);
  EXPECT_EQ(book.workers()[0].fork_ns, 10);
  EXPECT_EQ(book.live_workers(), (std::vector<pid_t>{101, 102}));
  EXPECT_FALSE(book.apply(exit_of(103, 20, 0)));
  EXPECT_FALSE(book.apply(exit_of(201, 20, 0)));
  EXPECT_EQ(book.live_count(), 2);
}

TEST(WorkerBook, ChildrenOfALauncherScriptBeforeItsExecAreNotWorkers) {
  WorkerBook book;
  book.set_primary(100);
  book.apply(fork_of(101, 100, 10));  // $(dirname ...) in a wrapper script
  book.apply(exit_of(101, 12, 0));
  book.apply(fork_of(102, 100, 13));  // still alive when the script execs: kept
  EXPECT_TRUE(book.apply({ProcEvent::Kind::exec, 20, 100, 0, 0}));
  book.apply(fork_of(103, 100, 30));  // the server's worker
  ASSERT_EQ(book.workers().size(), 2u);
  EXPECT_EQ(book.workers()[0].pid, 102);
  EXPECT_EQ(book.workers()[1].pid, 103);
  EXPECT_EQ(book.live_workers(), (std::vector<pid_t>{102, 103}));
  EXPECT_FALSE(book.apply({ProcEvent::Kind::exec, 40, 555, 0, 0}));  // someone else's exec
  EXPECT_TRUE(book.apply(exit_of(103, 50, SIGKILL)));
  EXPECT_EQ(book.live_count(), 1);
}

// Only a start-up exec is a wrapper becoming the server: a primary that execs itself mid-run (a
// binary upgrade in place) keeps its dead workers, a fault's victims among them, on record.
TEST(WorkerBook, AnExecAfterStartUpDropsNoChild) {
  WorkerBook book;
  book.set_primary(100);
  book.apply(fork_of(101, 100, 10));  // a wrapper's helper
  book.apply(exit_of(101, 12, 0));
  EXPECT_TRUE(book.apply({ProcEvent::Kind::exec, 20, 100, 0, 0}));
  book.end_start_up(25);  // the port accepted
  book.apply(fork_of(102, 100, 30));
  book.apply(fork_of(103, 100, 31));
  book.apply(exit_of(102, 50, SIGKILL));  // a fault's victim
  EXPECT_FALSE(book.apply({ProcEvent::Kind::exec, 60, 100, 0, 0}));
  ASSERT_EQ(book.workers().size(), 2u);
  EXPECT_EQ(book.workers()[0].pid, 102);
  EXPECT_EQ(book.workers()[0].exit_signal, SIGKILL);
  EXPECT_EQ(book.live_workers(), (std::vector<pid_t>{103}));
}

TEST(WorkerBook, RecordsKillExitAndReplacementAndPrimaryExit) {
  WorkerBook book;
  book.set_primary(100);
  book.apply(fork_of(101, 100, 10));
  book.apply(fork_of(102, 100, 11));
  EXPECT_TRUE(book.apply(exit_of(101, 50, SIGKILL)));  // wait status of a SIGKILL death
  book.apply(fork_of(103, 100, 51));
  EXPECT_TRUE(book.apply(exit_of(102, 60, 3 << 8)));   // exit(3)
  const auto& w = book.workers();
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0].exit_ns, 50);
  EXPECT_EQ(w[0].exit_signal, SIGKILL);
  EXPECT_EQ(w[0].exit_status, -1);
  EXPECT_EQ(w[1].exit_signal, 0);
  EXPECT_EQ(w[1].exit_status, 3);
  EXPECT_EQ(book.live_workers(), (std::vector<pid_t>{103}));
  EXPECT_TRUE(book.apply(exit_of(100, 70, SIGTERM)));
  ASSERT_TRUE(book.primary_exit());
  EXPECT_EQ(book.primary_exit()->exit_ns, 70);
  EXPECT_EQ(book.primary_exit()->signal, SIGTERM);
}

TEST(WorkerBook, KeepsForkOrderWhenEventsArriveOutOfOrderAndHandlesPidReuse) {
  WorkerBook book;
  book.set_primary(100);
  book.apply(fork_of(102, 100, 20));
  book.apply(fork_of(101, 100, 10));
  EXPECT_EQ(book.live_workers(), (std::vector<pid_t>{101, 102}));
  book.apply(exit_of(101, 30, SIGKILL));
  book.apply(fork_of(101, 100, 40));  // the pid came back as a new worker
  ASSERT_EQ(book.workers().size(), 3u);
  EXPECT_EQ(book.live_workers(), (std::vector<pid_t>{102, 101}));
  EXPECT_FALSE(book.workers()[2].exit_ns);
}

TEST(WorkerBook, ReconcileFromAScanAndRefineWithLateExactEvents) {
  WorkerBook book;
  book.set_primary(100);
  book.apply(fork_of(101, 100, 10));
  book.apply(fork_of(102, 100, 11));
  // A scan at t=100: 101 is a zombie killed by SIGKILL, 102 is gone, 104 is new.
  EXPECT_TRUE(book.reconcile({{101, true, SIGKILL}, {104, false, -1}}, 100));
  const auto& w = book.workers();
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0].exit_ns, 100);
  EXPECT_EQ(w[0].exit_signal, SIGKILL);
  EXPECT_EQ(w[1].exit_ns, 100);
  EXPECT_EQ(book.live_workers(), (std::vector<pid_t>{104}));
  // The exact events arrive late (after an overrun): they refine the scan's instants.
  EXPECT_TRUE(book.apply(exit_of(102, 90, 0)));
  EXPECT_EQ(book.workers()[1].exit_ns, 90);
  EXPECT_TRUE(book.apply(fork_of(104, 100, 95)));
  EXPECT_EQ(book.workers()[2].fork_ns, 95);
  EXPECT_FALSE(book.reconcile({{104, false, -1}}, 110));
  // A worker born and dead between two samples is still recorded, once.
  EXPECT_TRUE(book.reconcile({{104, false, -1}, {105, true, 1 << 8}}, 115));
  EXPECT_FALSE(book.reconcile({{104, false, -1}, {105, true, 1 << 8}}, 116));
  ASSERT_EQ(book.workers().size(), 4u);
  EXPECT_EQ(book.workers()[3].exit_status, 1);
  EXPECT_EQ(book.live_count(), 1);
  EXPECT_TRUE(book.primary_gone(120, -1));
  EXPECT_EQ(book.primary_exit()->status, -1);
}

}  // namespace
}  // namespace forkcheck::harness
