#pragma once
// The one place that turns what a run recorded into the History's WorkerLifetimes: the observer's
// forks, exits and looks, refcluster's own events (white-box) and the first request each worker
// served (its pid from X-Worker-Pid or from the kernel: observe/connection_owners). The faults' death instants are refined from the same lifetimes. Pure: the
// run calls it on each snapshot, the tests on hand-made records.
#include <sys/types.h>

#include <map>
#include <vector>

#include "harness/model/history.hpp"

namespace forkcheck::harness {

// Sets h.workers from `observed`, then:
//  - fork_ns: the earlier of the observer's instant and the primary's fork event (stamped as fork()
//    returns: exact where /proc sampling is not);
//  - ready_ns: the earliest of the observer's (a look found it waiting on the listening socket or
//    holding a connection), the worker's ready event and the end of the first request it served
//    (`served_at`), never before its fork;
//  - target.primary_start_ns from the primary_start event;
//  - each kill's death_seen_ns: the observer's exit instant of its last victim when that is earlier
//    than the pidfd's (a victim without a recorded exit leaves that fault as it is, not the others).
void assemble_worker_lifetimes(History& h, std::vector<WorkerLifetime> observed,
                               const std::map<pid_t, mono_ns>& served_at);

// Black-box readiness from recorded requests: pid -> end of the first ok request it served.
// note_served folds one record in (the run does so as batches arrive); first_served_at folds a log.
void note_served(std::map<pid_t, mono_ns>& served_at, const RequestRecord& r);
std::map<pid_t, mono_ns> first_served_at(const RequestLog& requests);

}  // namespace forkcheck::harness
