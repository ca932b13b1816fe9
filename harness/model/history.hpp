#pragma once
// What one run recorded: the data every harness part writes and the checker and report read.
// Plain data, no behaviour: the checker and the report are pure functions of a History, so they are
// unit-tested on recorded or hand-made histories without forking anything.
// Every instant is CLOCK_MONOTONIC nanoseconds (common/clock.hpp).
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/event.hpp"
#include "harness/model/harness_health.hpp"
#include "harness/model/request_log.hpp"

namespace forkcheck::harness {

// How one request ended. `ok` is the only success.
enum class RequestError {
  ok,
  refused,      // connect() got ECONNREFUSED
  connect_timeout,  // connect() did not complete within the request timeout
  reset,        // ECONNRESET / EPIPE while sending or reading
  eof,          // the server closed the connection before a complete response
  timeout,      // no complete response within the request timeout
  bad_status,   // a complete response, but not 200
  bad_body,     // 200, but the body is not the expected one
  bad_response, // bytes that are not an HTTP/1.1 response
  other,        // any other socket error (errno kept in RequestRecord::sys_errno)
  cancelled,    // cut by the harness's own interrupt (SIGINT/SIGTERM to forkcheck): no verdict on the target
};
std::string_view to_string(RequestError e);

struct RequestRecord {
  std::uint64_t id = 0;
  int connection_id = 0;         // which client connection slot sent it
  bool fresh_connection = false; // the connection was opened for this request
  mono_ns connection_opened_ns = 0; // when the connection this request used was opened
  std::uint16_t local_port = 0;  // the client side's port of the TCP connection (0 if connect failed)
  mono_ns intended_ns = 0;       // when the constant-rate schedule wanted it sent
  mono_ns start_ns = 0;          // when the first byte was actually written (or connect began)
  mono_ns end_ns = 0;            // when it completed or failed
  int status = 0;                // HTTP status, 0 if none
  RequestError error = RequestError::ok;
  int sys_errno = 0;
  // The process that served it: the X-Worker-Pid header's when the target sends one, else the
  // process that held the server side of its connection (the kernel's sock_diag and /proc fd
  // tables, learned by the run in batches); 0 when neither told.
  pid_t worker_pid = 0;
  bool probe = false;            // sent by the readiness prober, not the load
};

// A worker (a direct child of the primary that serves the port, docs/design.md section 5) as the
// observer saw it.
struct WorkerLifetime {
  pid_t pid = 0;
  mono_ns fork_ns = 0;                 // when it appeared
  // The earliest of refcluster's ready event, the end of the first request it served and the
  // observer's first look that found it waiting on the listening socket (or holding a connection).
  std::optional<mono_ns> ready_ns;
  std::optional<mono_ns> exit_ns;      // when it exited
  int exit_signal = 0;                 // 0 if it exited normally or is still alive
  int exit_status = -1;
};

// A direct child of the primary that is not a worker: it never held the port's listening socket
// nor a connection accepted on it once it could be told apart (or never matched workers_match).
// Listed in the report, never counted as a worker nor chosen as a fault's victim.
struct HelperProcess {
  pid_t pid = 0;
  mono_ns fork_ns = 0;
  std::optional<mono_ns> exit_ns;
  std::string command;                 // its command line, as last read (empty: never read)
};

enum class FaultKind {
  kill_worker,   // SIGKILL (or `signal`) to one or more workers chosen by the seeded RNG
  stop_worker,   // SIGSTOP: the worker hangs
  cont_worker,   // SIGCONT
  term_worker,   // SIGTERM to a worker
  kill_all,      // every live worker at the same instant
  kill_primary,  // SIGKILL to the primary
  term_primary,  // SIGTERM to the primary (graceful stop)
  kill_new_workers,  // storm: for `for_s` seconds every newly forked worker is SIGKILLed on sight
  create_file,   // creates the scenario's file (the target's {crash_file}): no signal
  remove_file,   // removes it
  wire_fuzz,     // malformed and mutated requests on fresh connections (harness/wire/): no signal
};
std::string_view to_string(FaultKind k);

struct FaultRecord {
  FaultKind kind = FaultKind::kill_worker;
  int signal = 0;
  mono_ns scheduled_ns = 0;           // when the scenario wanted it
  mono_ns sent_ns = 0;                // when the signal was sent (after the freeze, for kills)
  std::vector<pid_t> victims;
  // Client-side local ports of the TCP connections the victims held when frozen: failures on
  // these connections are excused by no_dropped_requests.
  std::vector<std::uint16_t> victim_client_ports;
  std::optional<mono_ns> death_seen_ns;  // pidfd became readable; empty: the fault did not happen
  std::string note;                   // why it did not happen, when it did not
  // stop_worker / cont_worker: when every victim was seen stopped (state T) / running again;
  // empty: not confirmed before the deadline (death_seen_ns stays empty for these kinds).
  std::optional<mono_ns> confirmed_ns;
  std::string path;                   // create_file / remove_file: the file it acted on
  // kill_new_workers: which storm of the run killed this newcomer (1, 2, ... in the order the storms
  // began); 0 for every other kind, and in histories recorded before storms were told apart.
  int storm = 0;
};

// How the run ended for the target.
struct StopRecord {
  bool primary_exited_during_run = false;  // before the harness stopped it
  std::optional<mono_ns> primary_exit_ns;
  int primary_exit_signal = 0;
  int primary_exit_status = -1;
  mono_ns stop_sent_ns = 0;            // the stop signal to the primary alone
  int stop_signal = 0;                 // the signal of that stop (the scenario's stop_signal); 0: not sent
  std::vector<pid_t> survivors;        // processes of the target's tree still alive after the grace
  std::vector<std::string> survivor_commands;  // their command lines, in the same order
  int orphan_grace_ms = 0;             // how long the tree was given to follow the primary (applied)
  mono_ns orphan_check_ns = 0;         // when the survivors were listed
  bool orphan_check_done = false;
  std::string note;                    // why the orphan check was not done, when it was not
};

// The target as launched.
struct TargetInfo {
  std::string command;                // the command line, placeholders replaced
  pid_t primary_pid = 0;
  mono_ns launch_ns = 0;              // just before exec
  std::optional<mono_ns> listening_ns;   // first instant the port accepted a connection
  std::optional<mono_ns> primary_start_ns;  // white-box: primary_start event
  int port = 0;
  int workers = 0;                    // N
  bool white_box = false;             // refcluster events were read
  std::string observer_source;        // "netlink" or "proc"
  std::string workers_rule;           // how workers were told from helpers, as the run printed it
  bool kernel_attribution = false;    // serving pids could be learned from the kernel (sock_diag)
  // When N workers were first seen ready together (the target's warm-up ended), and when the
  // service window starts: the later of that and the load's start + warmup_s. Empty when not reached.
  std::optional<mono_ns> ready_ns;
  std::optional<mono_ns> service_start_ns;
};

// How one wire-fuzz input's connection ended.
enum class WireOutcome {
  answered,  // a complete HTTP response came back (a 4xx is a fine answer to garbage)
  closed,    // the server closed without a complete response
  reset,     // ECONNRESET / EPIPE
  timeout,   // neither within the input's timeout
  refused,   // connect() failed: the input reached no worker
  error,     // any other socket error (errno kept)
};
std::string_view to_string(WireOutcome o);  // harness/wire/wire_fuzz_attribution.cpp

// One input a wire_fuzz fault sent, on a fresh connection of its own. The bytes are not kept: they
// are WireInputSource::input(index) of the fault's source, regenerated when a crash input is saved.
struct WireInputRecord {
  std::size_t sequence = 0;       // position in History::wire_inputs: names crash-input-<sequence>.bin
  std::size_t spec_index = 0;     // the scenario fault that sent it
  std::uint64_t index = 0;        // k: the fault's k-th input
  std::uint16_t local_port = 0;   // the client side of its connection (0 if connect failed)
  mono_ns connect_ns = 0;         // connect() began: from here a worker may hold the connection
  mono_ns sent_ns = 0;            // every byte written (0: not all were)
  mono_ns half_closed_ns = 0;     // no answer yet, so the client half-closed (0: it did not)
  mono_ns end_ns = 0;             // when the connection ended (or the input timed out)
  std::uint32_t size = 0;         // bytes
  std::uint64_t hash = 0;         // fnv1a64 of the bytes
  WireOutcome outcome = WireOutcome::error;
  int status = 0;                 // the first response's status, 0 if none
  pid_t worker_pid = 0;           // the first response's X-Worker-Pid, 0 if none
  int sys_errno = 0;
};

// A response with an accepted status but not the expected body (bad_body): the load keeps the first
// few, so that a report shows what came back instead of a count alone.
struct BadBodySample {
  std::uint64_t request_id = 0;
  int status = 0;
  std::size_t body_bytes = 0;  // the whole body's length
  std::string body;            // its first kBadBodyKeptBytes bytes, as received
};
inline constexpr std::size_t kBadBodyKeptBytes = 200;
inline constexpr std::size_t kBadBodySamples = 5;

struct History {
  TargetInfo target;
  std::vector<WorkerLifetime> workers;   // every worker ever seen, by fork time
  std::vector<HelperProcess> helpers;    // the primary's other children, by fork time
  RequestLog requests;                   // by id (memory or streamed to the report directory)
  std::vector<FaultRecord> faults;       // in order
  std::vector<Event> events;             // refcluster's own events (white-box), empty otherwise
  StopRecord stop;
  // The origin of the load's schedule: the faults' at_s and the load's duration count from here. It
  // is load_begin_ns, moved later when the target took longer than warmup_s to become ready (so
  // that every fault still comes warmup_s or more after N workers were ready).
  mono_ns load_start_ns = 0;
  mono_ns load_begin_ns = 0;   // when the load began sending: N workers were live (0: not recorded)
  mono_ns load_end_ns = 0;
  mono_ns run_end_ns = 0;
  std::uint64_t seed = 0;
  std::vector<WireInputRecord> wire_inputs;  // wire_fuzz faults' inputs, in the order sent
  HarnessHealth harness_health;          // how late the harness itself was (harness_health.hpp)
  std::vector<BadBodySample> bad_bodies;     // the first kBadBodySamples bad_body responses, by request id
};

// Live workers at instant t: forked at or before t and not exited at or before t.
int live_workers_at(const History& h, mono_ns t);

// --- additions (pure queries over a History; history.cpp) ----------------------------------------
std::optional<RequestError> request_error_from_string(std::string_view name);
// A request the harness cut itself (RequestError::cancelled): no property counts it, whatever its window.
bool cut_by_harness(const RequestRecord& r);
const std::vector<RequestError>& all_request_errors();
std::optional<FaultKind> fault_kind_from_string(std::string_view name);

// kill_primary / term_primary: the fault is aimed at the primary, not at a worker.
bool targets_primary(FaultKind k);
// create_file / remove_file: the fault changes the file system, not a process.
bool touches_file(FaultKind k);
// A file fault acts only on a target told of its file: the target's command line names the path (a
// record without a path is taken to act).
bool file_fault_acts(const History& h, const FaultRecord& f);
// Whether a signal's default action ends the process: all but SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU
// (stop), SIGCONT (continue), SIGCHLD, SIGURG and SIGWINCH (ignore).
bool ends_process_by_default(int signal);
// Whether the fault is meant to end its victims' lives: kill_worker, term_worker, kill_all and
// kill_new_workers with a signal that ends a process by default (a SIGSTOP/SIGCONT does not).
bool expects_death(const FaultRecord& f);
// A termination of workers: SIGTERM, which a worker must answer by draining (term_worker, or
// kill_worker sent SIGTERM). Nothing on a terminated worker's connections is excused.
bool terminates_workers(FaultKind kind, int signal);
bool terminates_workers(const FaultRecord& f);
// A fault's instant: when its signal was sent, else (never sent) when it was scheduled.
mono_ns fault_instant(const FaultRecord& f);

// The end of every checker's window (the one rule, docs/design.md): the first of the harness's stop
// and a fault aimed at the primary; else the end of the run; else the latest instant recorded. What
// the tree does once it is being stopped is no_orphans' and graceful_stop's business. "At the end of
// the run" in evidence means this instant.
mono_ns service_end_ns(const History& h);

// The earliest instant the harness's own stop SIGTERM may come (docs/design.md, section 4 step 5): a
// primary that a term_primary fault already signalled is stopping on its own, and gets stop_grace_s
// from that signal with no second one (for many servers a second SIGTERM means "stop now"). Empty:
// no term_primary fault was sent, the harness stops the primary when the load ends.
std::optional<mono_ns> harness_stop_not_before_ns(const History& h, double stop_grace_s);

// The first worker recorded with this pid (by fork time), nullptr if none. A pid can name several
// workers in turn: the checker asks worker_at instead.
const WorkerLifetime* find_worker(const History& h, pid_t pid);
// Identity. A pid names a worker only at an instant: the kernel reuses a dead worker's pid, so a
// worker is its pid *and* its fork instant. worker_at: the worker `pid` named at t (the latest forked
// at or before t with that pid), nullptr if none.
const WorkerLifetime* worker_at(const History& h, pid_t pid, mono_ns t);
// Whether w is one of f's victims: its pid is among f.victims and named w at f's instant.
bool is_victim(const History& h, const FaultRecord& f, const WorkerLifetime& w);
// The fault whose doing w's death was (index into h.faults), if any: a fault meant to kill that had
// w among its victims and signalled it at or before the death; a stop_worker that saw w stopped,
// when w died stopped (a watchdog's kill of a hung worker); a create_file that acts on this target,
// when w was forked while its file existed (from its sent instant to the next remove_file's).
std::optional<std::size_t> fault_behind_death(const History& h, const WorkerLifetime& w);
// Whether a stop_worker fault saw w stopped at or before t and no later cont_worker saw it running
// again: a stopped worker serves nothing, so it is not ready whatever it did before.
bool stopped_at(const History& h, const WorkerLifetime& w, mono_ns t);
// Live at t, ready at or before t (ready_ns set and <= t) and not stopped at t.
bool ready_at(const History& h, const WorkerLifetime& w, mono_ns t);
int ready_workers_at(const History& h, mono_ns t);
// The ready count at every instant in [from, to] at which it can change (from itself first: a
// worker's fork, readiness and exit, a stop or continue seen by a fault), in time order.
struct ReadyCount {
  mono_ns t = 0;
  int ready = 0;
};
std::vector<ReadyCount> ready_counts(const History& h, mono_ns from, mono_ns to);
// The first instant >= from, and not after service_end_ns, with N ready workers, not counting the
// victims of `excluded_victims_of` (when given).
std::optional<mono_ns> first_full_ready(const History& h, mono_ns from, const FaultRecord* excluded_victims_of = nullptr);

// What happened after a fault that killed workers: the replacements and when the cluster was back.
struct FaultRecovery {
  std::size_t fault_index = 0;
  std::optional<mono_ns> death_ns;             // the fault's death_seen_ns
  std::optional<mono_ns> victim_exit_ns;       // the observer's exit instant of the last victim
  std::vector<pid_t> replacements;             // first workers forked at or after sent_ns, one per victim
  std::optional<mono_ns> replacement_fork_ns;  // fork instant of the last of those
  std::optional<mono_ns> restored_ns;          // first instant >= death with N ready workers (victims excluded)
  std::optional<mono_ns> recovery_ns() const;  // restored_ns - death_ns
};
FaultRecovery recovery_after(const History& h, std::size_t fault_index);

}  // namespace forkcheck::harness
