// The one assembly of WorkerLifetimes: readiness from events and served requests, and the kills'
// death instants refined from the observer's exits.
#include "harness/observe/worker_lifetimes.hpp"

#include <gtest/gtest.h>

#include "tests/harness/support/history_builder.hpp"

namespace forkcheck::harness {
namespace {

using namespace forkcheck::harness::testing;

FaultRecord kill_of(pid_t victim, double sent_ms, double pidfd_seen_ms) {
  FaultRecord f;
  f.kind = FaultKind::kill_worker;
  f.signal = SIGKILL;
  f.sent_ns = at(sent_ms);
  f.victims = {victim};
  f.death_seen_ns = at(pidfd_seen_ms);
  return f;
}

// A victim without a recorded exit leaves its own fault unrefined, not every later one.
TEST(WorkerLifetimes, EveryFaultIsRefinedEvenAfterOneWithoutARecordedExit) {
  History h = correct_cluster({.kill = false});
  std::vector<WorkerLifetime> observed = h.workers;
  observed[0].exit_ns.reset();          // fault 1's victim: exit not recorded
  observed[1].exit_ns = at(1500.2);     // fault 2's victim: the observer saw it exit
  h.faults = {kill_of(worker_pid(0), 1000, 1003), kill_of(worker_pid(1), 1500, 1504)};
  assemble_worker_lifetimes(h, observed, {});
  EXPECT_EQ(*h.faults[0].death_seen_ns, at(1003));
  EXPECT_EQ(*h.faults[1].death_seen_ns, at(1500.2));
}

TEST(WorkerLifetimes, ReadinessIsTheEarlierOfTheReadyEventAndTheFirstServedRequest) {
  History h = correct_cluster({.kill = false});
  std::vector<WorkerLifetime> observed = h.workers;
  for (auto& w : observed) w.ready_ns.reset();
  Event ready;
  ready.kind = EventKind::ready;
  ready.pid = worker_pid(0);
  ready.t_ns = at(3);
  Event start;
  start.kind = EventKind::primary_start;
  start.t_ns = at(0.7);
  h.events = {ready, start};
  h.target.primary_start_ns.reset();
  const auto served = first_served_at(h.requests);
  assemble_worker_lifetimes(h, observed, served);
  EXPECT_EQ(*h.workers[0].ready_ns, at(3));  // the event came before any request was served
  ASSERT_TRUE(h.workers[1].ready_ns);
  EXPECT_EQ(*h.workers[1].ready_ns, served.at(worker_pid(1)));
  EXPECT_EQ(h.target.primary_start_ns, at(0.7));
}

TEST(WorkerLifetimes, AReadyEventBeforeTheForkIsIgnored) {
  History h = correct_cluster({.kill = false});
  std::vector<WorkerLifetime> observed = h.workers;
  observed[0].ready_ns.reset();
  Event ready;
  ready.kind = EventKind::ready;
  ready.pid = worker_pid(0);
  ready.t_ns = observed[0].fork_ns - 1;  // a recycled pid's event
  h.events = {ready};
  assemble_worker_lifetimes(h, observed, {});
  EXPECT_FALSE(h.workers[0].ready_ns);
}

}  // namespace
}  // namespace forkcheck::harness
