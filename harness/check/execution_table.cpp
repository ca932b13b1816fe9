#include "harness/check/execution_table.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "harness/model/c_escape.hpp"
#include "harness/model/pid_list.hpp"

namespace forkcheck::harness {
namespace {

std::string fmt_ms(mono_ns ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", ns_to_ms(ns));
  return buf;
}

// "The first ok response not served by the primary, ending at or after `from`" (load requests only,
// or not from the `excluded` workers): the question most rows ask. Every question is asked before
// the scan and answered in one pass over the requests (a long run's are read back from its request
// log). `best` is a copy: a streamed log's records live only while the iteration is on their chunk.
// Workers are excluded by identity (a pid names a worker only at an instant: history.hpp), so a
// later worker that got an excluded worker's pid still answers.
struct AnswerQuery {
  mono_ns from = 0;
  bool load_only = false;
  std::vector<const WorkerLifetime*> excluded;
  std::optional<RequestRecord> best;

  bool is_excluded(const History& h, const RequestRecord& r) const {
    const auto same_pid = [&r](const WorkerLifetime* w) { return w->pid == r.worker_pid; };
    if (std::none_of(excluded.begin(), excluded.end(), same_pid)) return false;  // the common case, cheaply
    const WorkerLifetime* w = worker_at(h, r.worker_pid, r.end_ns);
    return std::find(excluded.begin(), excluded.end(), w) != excluded.end();
  }
  void offer(const History& h, const RequestRecord& r) {
    if (r.end_ns < from || (load_only && r.probe)) return;
    if (is_excluded(h, r)) return;
    if (!best || r.end_ns < best->end_ns) best = r;
  }
};

// A fault's victims and replacements as lifetimes: the victims its pids named at its signal, the
// replacements the first worker with each replacement pid forked at or after it.
std::vector<const WorkerLifetime*> victims_and_replacements(const History& h, const FaultRecord& f,
                                                            const FaultRecovery& rec) {
  std::vector<const WorkerLifetime*> out;
  for (const auto& w : h.workers)
    if (is_victim(h, f, w)) out.push_back(&w);
  for (pid_t pid : rec.replacements) {
    const WorkerLifetime* first = nullptr;
    for (const auto& w : h.workers)
      if (w.pid == pid && w.fork_ns >= f.sent_ns && (!first || w.fork_ns < first->fork_ns)) first = &w;
    if (first) out.push_back(first);
  }
  return out;
}

// Row 7's counts per worker: connections answered (at the request that opened each) and requests.
struct Served {
  std::size_t connections = 0, requests = 0;
};

struct Builder {
  const History& h;
  const Scenario& s;
  bool run_over;
  int n = 0;
  std::vector<const WorkerLifetime*> by_fork;
  std::vector<TableRow> rows;
  // The end of the first ok response the primary sent itself, if any (primary rows ask).
  std::optional<mono_ns> primary_answer_ns;
  // Row 6: the first answer after the N-th fork; row 8: the first load answer after the load's start.
  AnswerQuery first_served, first_load_answer;
  // Rows 9-10, per fault meant to kill (by index into h.faults): its recovery, and the first answer
  // after its victims' exit by a worker other than them and their replacements.
  std::map<std::size_t, FaultRecovery> recoveries;
  std::map<std::size_t, AnswerQuery> still_serving;
  // Row 7: the load answered before the first fault, per worker.
  mono_ns shares_until = 0;
  std::map<std::pair<pid_t, mono_ns>, Served> served;  // by worker (pid, fork); {0, 0}: no pid named
  std::vector<std::pair<pid_t, mono_ns>> first_workers;  // the N first workers, whom row 7 asks about
  Served served_total;

  Builder(const History& history, const Scenario& scenario, bool over)
      : h(history), s(scenario), run_over(over), n(history.target.workers) {
    for (const auto& w : h.workers) by_fork.push_back(&w);
    std::stable_sort(by_fork.begin(), by_fork.end(), [](auto* a, auto* b) { return a->fork_ns < b->fork_ns; });
    ask_questions();
    scan_requests();
  }

  mono_ns end_ns() const { return service_end_ns(h); }

  bool answered_by_primary(mono_ns until) const { return primary_answer_ns && *primary_answer_ns <= until; }
  bool from_primary(const RequestRecord& r) const { return r.worker_pid != 0 && r.worker_pid == h.target.primary_pid; }

  void ask_questions();
  void scan_requests();
  void count_served(const RequestRecord& r);
  // One more pass, for row 11 alone: its instant follows rows 8-10, row 8's from the first scan.
  std::optional<RequestRecord> first_answer_after(mono_ns from) const {
    AnswerQuery q{from};
    for (const auto& r : h.requests)
      if (r.error == RequestError::ok && !from_primary(r)) q.offer(h, r);
    return q.best;
  }

  TableRow row(int step, std::string action, ProcessType p, int expected_workers, bool expected_listening) const {
    TableRow r;
    r.step = step;
    r.action = std::move(action);
    r.process = p;
    r.expected_workers = expected_workers;
    r.expected_listening = expected_listening;
    return r;
  }

  // A primary row observed at t: the live count, and whether the primary has answered anything.
  void observe_primary(TableRow& r, mono_ns t, mono_ns answered_until) const {
    r.t_ns = t;
    r.workers = live_workers_at(h, t);
    r.listening = answered_by_primary(answered_until);
  }

  // Returns false when the step is not observable yet (live table): the caller stops there.
  bool add(TableRow r, bool observable) {
    if (!observable && !run_over) return false;
    rows.push_back(std::move(r));
    return true;
  }

  // Row 6: how long the target took to have N workers ready (its warm-up, not service).
  std::string ready_note() const {
    if (!h.target.ready_ns) return h.target.service_start_ns ? "; N ready workers not seen (readiness not observable)" : "";
    return "; " + std::to_string(n) + " workers ready at +" + fmt_ms(*h.target.ready_ns - h.target.launch_ns) +
           " ms (" + fmt_ms(*h.target.ready_ns - (by_fork.empty() ? h.target.launch_ns : by_fork.front()->fork_ns)) +
           " ms after the first fork)";
  }

  bool add_start_rows();
  bool add_fork_row(int step, std::size_t index, std::string action, int expected, std::string note);
  bool add_fork_rows();
  bool add_serve_rows();
  bool add_fault_rows(std::size_t fault_index);
  bool add_crash_row(std::size_t fault_index, const FaultRecovery& rec);
  bool add_replacement_row(std::size_t fault_index, const FaultRecovery& rec);
  void add_continue_row();
  struct LiveDip {
    int live = 0;
    mono_ns from = 0, to = 0;
    std::vector<const WorkerLifetime*> lost;
    std::string describe(const History& h) const;
  };
  LiveDip lowest_live_from(mono_ns t) const;
  std::string shares_note(std::optional<bool>& spread, bool& spread_unknown) const;
};

// What the rows will ask of the requests, known before any request is read.
void Builder::ask_questions() {
  const std::size_t nth = std::min<std::size_t>(by_fork.size(), static_cast<std::size_t>(std::max(n, 1)));
  first_served.from = nth == 0 ? h.target.launch_ns : by_fork[nth - 1]->fork_ns;
  first_load_answer = AnswerQuery{h.load_start_ns, /*load_only=*/true};
  for (std::size_t i = 0; i < h.faults.size(); ++i) {
    if (!expects_death(h.faults[i])) continue;
    const FaultRecovery rec = recovery_after(h, i);
    if (const std::optional<mono_ns> t9 = rec.victim_exit_ns ? rec.victim_exit_ns : rec.death_ns) {
      // Just after the victims' exit, before their replacements' fork: both excluded, whatever order
      // the observer and the pidfd stamped them in.
      AnswerQuery q{*t9};
      q.excluded = victims_and_replacements(h, h.faults[i], rec);
      still_serving.emplace(i, std::move(q));
    }
    recoveries.emplace(i, rec);
  }
  shares_until = end_ns();
  for (const auto& f : h.faults)
    if (f.sent_ns > 0) shares_until = std::min(shares_until, f.sent_ns);
  for (std::size_t i = 0; i < by_fork.size() && i < static_cast<std::size_t>(std::max(n, 0)); ++i) {
    served[{by_fork[i]->pid, by_fork[i]->fork_ns}] = {};
    first_workers.emplace_back(by_fork[i]->pid, by_fork[i]->fork_ns);
  }
}

// The one pass over the requests that answers every question asked above.
void Builder::scan_requests() {
  for (const auto& r : h.requests) {
    if (r.error != RequestError::ok) continue;
    if (from_primary(r)) {
      primary_answer_ns = std::min(primary_answer_ns.value_or(r.end_ns), r.end_ns);
      continue;
    }
    first_served.offer(h, r);
    first_load_answer.offer(h, r);
    for (auto& [i, q] : still_serving) q.offer(h, r);
    count_served(r);
  }
}

void Builder::count_served(const RequestRecord& r) {
  if (r.intended_ns >= shares_until) return;
  const WorkerLifetime* by = r.worker_pid ? worker_at(h, r.worker_pid, r.end_ns) : nullptr;
  Served& w = served[by ? std::pair(by->pid, by->fork_ns) : std::pair(r.worker_pid, mono_ns{0})];
  if (r.fresh_connection) ++w.connections, ++served_total.connections;
  if (!r.probe) ++w.requests, ++served_total.requests;
}

bool Builder::add_start_rows() {
  TableRow start = row(1, "Start script", ProcessType::primary, 0, false);
  observe_primary(start, h.target.launch_ns, h.target.launch_ns);
  start.notes = "Master process begins (pid " + std::to_string(h.target.primary_pid) + ")";
  add(std::move(start), true);

  TableRow check = row(2, "Check if primary", ProcessType::primary, 0, false);
  const mono_ns t = h.target.primary_start_ns.value_or(h.target.launch_ns);
  observe_primary(check, t, t);
  check.notes = h.target.primary_start_ns ? "True, will fork workers (primary_start event)"
                                          : "True, will fork workers (the launched process is the primary)";
  return add(std::move(check), true);
}

bool Builder::add_fork_row(int step, std::size_t index, std::string action, int expected, std::string note) {
  TableRow r = row(step, std::move(action), ProcessType::primary, expected, false);
  if (index < by_fork.size()) {
    const WorkerLifetime& w = *by_fork[index];
    observe_primary(r, w.fork_ns, w.fork_ns);
    r.notes = note + ": pid " + std::to_string(w.pid);
    return add(std::move(r), true);
  }
  r.notes = "not observed: only " + std::to_string(by_fork.size()) + " worker(s) ever forked";
  return add(std::move(r), false);
}

bool Builder::add_fork_rows() {
  if (!add_fork_row(3, 0, "Fork worker 1", 1, "First worker created")) return false;
  if (n != 1 && !add_fork_row(4, 1, "Fork worker 2", 2, "Second worker created")) return false;
  const std::string ns = std::to_string(n);
  return add_fork_row(5, static_cast<std::size_t>(std::max(n, 1) - 1), "Fork worker " + ns, n,
                      "All workers forked (N = " + ns + ")");
}

// Row 7, "connections are spread over the workers", is judged on the connections answered before
// the first fault (or to the end of the window): only then are exactly the N first workers serving.
// Spread means every one of them answered on at least one connection, so a cluster where one worker
// takes everything fails. How evenly is not judged: the walkthrough leaves the spreading to the
// operating system, and a kernel waking every worker on a shared socket (nginx without
// accept_mutex, gunicorn's sync workers) legitimately lets one worker win most races. The shares
// of connections and of requests are the row's evidence. A connection counts once, at its first
// answered request (the one that opened it); probes are connections too, opened all along.
std::string Builder::shares_note(std::optional<bool>& spread, bool& spread_unknown) const {
  const Served& total = served_total;
  if (total.connections > 0)
    spread = std::all_of(first_workers.begin(), first_workers.end(),
                         [this](const auto& worker) { return served.at(worker).connections > 0; });
  // Connections of unknown origin may be the missing workers': the spread is then not judged.
  const auto unknown = served.find({0, 0});
  const std::size_t unattributed = unknown == served.end() ? 0 : unknown->second.connections;
  if (spread && !*spread && unattributed > 0) {
    spread.reset();
    spread_unknown = true;
  }
  auto percent = [](std::size_t part, std::size_t whole) {
    char pct[16];
    std::snprintf(pct, sizeof pct, "%.0f%%", whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0);
    return std::string(pct);
  };
  std::string out = spread_unknown ? "Spread not judged (" + std::to_string(unattributed) +
                                         " connections' serving process unknown):"
                    : spread && !*spread ? "Incoming connections NOT spread:" : "Incoming connections spread:";
  for (const auto& [worker, count] : served) {
    const pid_t pid = worker.first;
    // Appended piece by piece: g++ 12 -O3 reports a false -Wrestrict on "pid " + std::to_string(pid).
    out += pid == 0 ? " no pid" : " pid ";
    if (pid != 0) out += std::to_string(pid);
    out += ' ';
    out += std::to_string(count.connections);
    out += " connections (";
    out += percent(count.connections, total.connections);
    out += "), ";
    out += percent(count.requests, total.requests);
    out += " of requests;";
  }
  if (total.connections == 0) out += " no connection answered yet;";
  const bool primary = answered_by_primary(end_ns());
  return out + (primary ? " the primary answered requests itself" : " the primary answered none") + " (" +
         std::to_string(total.connections) + " connections, " + std::to_string(total.requests) +
         " requests before the first fault; each worker must answer on at least one connection)";
}

bool Builder::add_serve_rows() {
  // Row 6 follows the forks: the first answer after the N-th fork (or after the last one seen).
  TableRow serve = row(6, "Workers start server", ProcessType::worker, n, true);
  const std::optional<RequestRecord>& first = first_served.best;
  if (first) {
    serve.t_ns = first->end_ns;
    serve.workers = live_workers_at(h, first->end_ns);
    serve.listening = true;
    serve.notes = "Each worker listens on port " + std::to_string(h.target.port) + ": first answer by " +
                  (first->worker_pid ? "pid " + std::to_string(first->worker_pid) : "a worker (serving process unknown)");
    serve.notes += ready_note();
  } else {
    serve.notes = "not observed: no worker answered a request";
  }
  if (!add(std::move(serve), first.has_value())) return false;

  TableRow distribute = row(7, "Master distributes requests", ProcessType::primary, n, false);
  const mono_ns load_start = h.load_start_ns;
  if (load_start > 0) {
    observe_primary(distribute, load_start, end_ns());
    distribute.notes = shares_note(distribute.spread, distribute.spread_unknown);
  } else {
    distribute.notes = "not observed: the load never started";
  }
  if (!add(std::move(distribute), load_start > 0)) return false;

  TableRow handle = row(8, "Worker handles request", ProcessType::worker, n, true);
  const std::optional<RequestRecord>& answer = first_load_answer.best;
  if (load_start > 0 && answer) {
    handle.t_ns = answer->end_ns;
    handle.workers = live_workers_at(h, answer->end_ns);
    handle.listening = true;
    const std::string body = s.load.expected_body.empty() ? "a 200 (body not checked)" : "'" + escape_c(s.load.expected_body) + "'";
    handle.notes = "Responds with " + body + " (pid " + std::to_string(answer->worker_pid) + ")";
  } else {
    handle.notes = "not observed: no load request succeeded";
  }
  return add(std::move(handle), load_start > 0 && answer);
}

bool Builder::add_fault_rows(std::size_t i) {
  const FaultRecovery& rec = recoveries.at(i);
  return add_crash_row(i, rec) && add_replacement_row(i, rec);
}

bool Builder::add_crash_row(std::size_t i, const FaultRecovery& rec) {
  const FaultRecord& f = h.faults[i];
  const int k = std::max(static_cast<int>(f.victims.size()), 1);
  TableRow crash = row(9, "Worker crashes", ProcessType::worker, n - k, n - k > 0);
  crash.fault_index = i;
  const std::optional<mono_ns> t9 = rec.victim_exit_ns ? rec.victim_exit_ns : rec.death_ns;
  if (!t9) {
    crash.notes = "not observed: the fault did not happen" + (f.note.empty() ? "" : " (" + f.note + ")");
    return add(std::move(crash), false);
  }
  const AnswerQuery& q = still_serving.at(i);
  int live = 0;
  for (const auto& w : h.workers)
    if (w.fork_ns <= *t9 && (!w.exit_ns || *w.exit_ns > *t9) &&
        std::find(q.excluded.begin(), q.excluded.end(), &w) == q.excluded.end())
      ++live;
  const auto deadline = *t9 + seconds_to_ns(s.recovery_deadline_s);
  const std::optional<RequestRecord>& still = q.best;
  const bool serving = still && still->end_ns <= deadline;
  crash.t_ns = *t9;
  crash.workers = live;
  if (serving || run_over || end_ns() > deadline) crash.listening = serving;
  crash.notes = (f.victims.size() == 1 ? "One worker dies: pid " : std::to_string(k) + " workers die: pids ") +
                pid_list(f.victims) + " (" + signal_name(f.signal) + ")" +
                (serving ? "; the remaining workers still serve" : "; no remaining worker answered");
  const bool observable = crash.listening.has_value();
  return add(std::move(crash), observable);
}

bool Builder::add_replacement_row(std::size_t i, const FaultRecovery& rec) {
  const std::size_t k = std::max<std::size_t>(h.faults[i].victims.size(), 1);
  TableRow fork = row(10, "Master forks new worker", ProcessType::primary, n, false);
  fork.fault_index = i;
  if (rec.replacement_fork_ns && rec.replacements.size() >= k) {
    observe_primary(fork, *rec.replacement_fork_ns, end_ns());
    std::string note = "Worker count restored: replacement pid " + pid_list(rec.replacements) + " forked";
    if (rec.death_ns) note += " " + fmt_ms(*rec.replacement_fork_ns - *rec.death_ns) + " ms after the death";
    if (rec.recovery_ns()) note += "; recovery " + fmt_ms(*rec.recovery_ns()) + " ms (N ready)";
    else note += "; N ready workers never restored";
    fork.notes = note;
    return add(std::move(fork), true);
  }
  fork.workers = live_workers_at(h, end_ns());
  fork.listening = answered_by_primary(end_ns());
  fork.notes = "no replacement forked by the end of the run (count at the end shown)";
  return add(std::move(fork), false);
}

// The lowest live count from t to the end of the window, where it began and ended, and the workers
// lost until it began.
Builder::LiveDip Builder::lowest_live_from(mono_ns t) const {
  const mono_ns end = std::max(t, end_ns());
  std::vector<mono_ns> instants{t};
  for (const auto& w : h.workers)
    for (const auto x : {std::optional<mono_ns>(w.fork_ns), w.exit_ns})
      if (x && *x > t && *x < end) instants.push_back(*x);
  std::sort(instants.begin(), instants.end());
  LiveDip dip{live_workers_at(h, t), t, end, {}};
  bool in_dip = true;
  for (const mono_ns x : instants) {
    const int live = live_workers_at(h, x);
    if (live < dip.live) dip = LiveDip{live, x, end, {}}, in_dip = true;
    else if (in_dip && live > dip.live) dip.to = x, in_dip = false;
  }
  for (const auto& w : h.workers)
    if (w.exit_ns && *w.exit_ns > t && *w.exit_ns <= dip.from) dip.lost.push_back(&w);
  return dip;
}

std::string Builder::LiveDip::describe(const History& h) const {
  std::string out = "only " + std::to_string(live) + " live from +" + fmt_ms(from - h.target.launch_ns) + " ms to +" +
                    fmt_ms(to - h.target.launch_ns) + " ms (lost:";
  for (std::size_t i = 0; i < lost.size() && i < 5; ++i) {
    const WorkerLifetime& w = *lost[i];
    out += (i ? ", pid " : " pid ") + std::to_string(w.pid) + " at +" + fmt_ms(*w.exit_ns - h.target.launch_ns) + " ms, " +
           (w.exit_signal ? signal_name(w.exit_signal)
                          : w.exit_status >= 0 ? "status " + std::to_string(w.exit_status) : std::string("how unknown"));
  }
  if (lost.size() > 5) out += ", and " + std::to_string(lost.size() - 5) + " more";
  return out + ")";
}

void Builder::add_continue_row() {
  TableRow cont = row(11, "Continue serving", ProcessType::primary_and_workers, n, true);
  mono_ns anchor = h.load_start_ns;
  for (const auto& r : rows)
    if ((r.step == 8 || r.step == 9 || r.step == 10) && r.t_ns) anchor = std::max(anchor, *r.t_ns);
  const std::optional<RequestRecord> after = first_answer_after(anchor + 1);
  if (after) {
    cont.t_ns = after->end_ns;
    cont.listening = true;
    cont.notes = "Server runs continuously: answered at +" + fmt_ms(after->end_ns - h.target.launch_ns) + " ms";
    const LiveDip dip = lowest_live_from(after->end_ns);
    cont.workers = dip.live;
    if (dip.live < live_workers_at(h, after->end_ns)) cont.notes += "; " + dip.describe(h);
  } else {
    cont.workers = live_workers_at(h, end_ns());
    cont.listening = false;
    cont.notes = "not observed: no request answered after the last step";
  }
  add(std::move(cont), after.has_value() && (run_over || h.load_end_ns > 0));
}

}  // namespace

std::string_view to_string(ProcessType t) {
  switch (t) {
    case ProcessType::primary: return "Primary";
    case ProcessType::worker: return "Worker";
    case ProcessType::primary_and_workers: return "Primary & Workers";
  }
  return "?";
}

bool ExecutionTable::matches() const {
  return std::none_of(rows.begin(), rows.end(), [](const TableRow& r) { return r.mismatch(); });
}

ExecutionTable build_execution_table(const History& h, const Scenario& s, bool run_over) {
  Builder b(h, s, run_over);
  bool more = b.add_start_rows() && b.add_fork_rows() && b.add_serve_rows();
  for (std::size_t i = 0; more && i < h.faults.size(); ++i)
    if (expects_death(h.faults[i])) more = b.add_fault_rows(i);
  if (more) b.add_continue_row();
  return ExecutionTable{h.target.workers, h.target.launch_ns, std::move(b.rows)};
}

}  // namespace forkcheck::harness
