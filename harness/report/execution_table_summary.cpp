// The variable tracker, the key moments and the live text rendering of the execution table.
#include <algorithm>
#include <cstdio>
#include <set>

#include "harness/report/execution_table_summary.hpp"

namespace forkcheck::harness {
namespace {

const TableRow* find_row(const ExecutionTable& t, int step) {
  for (const auto& r : t.rows)
    if (r.step == step) return &r;
  return nullptr;
}

std::string yes_no(bool b) { return b ? "Yes" : "No"; }

TrackerCell count_cell(const TableRow* r) {
  if (!r) return {"n/a", "n/a", false};
  return {r->workers ? std::to_string(*r->workers) : "—", std::to_string(r->expected_workers),
          !r->workers || *r->workers != r->expected_workers};
}

TrackerCell listening_cell(const TableRow* r, const std::string& suffix) {
  if (!r) return {"n/a", "n/a", false};
  const std::string expected = yes_no(r->expected_listening) + (r->expected_listening ? suffix : "");
  if (!r->listening) return {"—", expected, true};
  return {yes_no(*r->listening) + (*r->listening ? suffix : ""), expected, *r->listening != r->expected_listening};
}

TrackerCell primary_cell(const TableRow* r) {
  if (!r) return {"n/a", "n/a", false};
  return {r->t_ns ? "true" : "—", "true", !r->t_ns};
}

std::set<pid_t> answering_pids(const History& h) {
  std::set<pid_t> pids;
  for (const auto& r : h.requests)
    if (r.error == RequestError::ok && r.worker_pid != 0) pids.insert(r.worker_pid);
  return pids;
}

KeyMoment one_port_moment(const History& h, const std::set<pid_t>& answered) {
  KeyMoment m{"Why do all workers listen on the same port without conflict?", "rows 6 and 7"};
  std::vector<const WorkerLifetime*> initial;
  for (const auto& w : h.workers) initial.push_back(&w);
  std::stable_sort(initial.begin(), initial.end(), [](auto* a, auto* b) { return a->fork_ns < b->fork_ns; });
  initial.resize(std::min<std::size_t>(initial.size(), static_cast<std::size_t>(std::max(h.target.workers, 0))));
  std::string silent;
  for (const auto* w : initial)
    if (!answered.count(w->pid)) silent += (silent.empty() ? "" : ", ") + std::to_string(w->pid);
  const std::string port = std::to_string(h.target.port);
  if (answered.empty() || initial.empty()) {
    m.evidence = "no response named the worker that served it";
  } else if (silent.empty()) {
    m.status = MomentStatus::confirmed;
    m.evidence = "all " + std::to_string(initial.size()) + " initial workers answered on port " + port;
  } else {
    m.status = MomentStatus::refuted;
    m.evidence = "initial workers that never answered on port " + port + ": " + silent;
  }
  return m;
}

KeyMoment replaced_moment(const History& h) {
  KeyMoment m{"What happens if a worker process crashes?", "rows 9 and 10"};
  std::string ok, bad;
  for (std::size_t i = 0; i < h.faults.size(); ++i) {
    if (!expects_death(h.faults[i]) || !h.faults[i].death_seen_ns) continue;
    const FaultRecovery r = recovery_after(h, i);
    std::string line = "fault " + std::to_string(i + 1) + ": ";
    if (r.recovery_ns() && !r.replacements.empty()) {
      char ms[32];
      std::snprintf(ms, sizeof ms, "%.1f", ns_to_ms(*r.recovery_ns()));
      ok += (ok.empty() ? "" : "; ") + line + "replaced by pid " + std::to_string(r.replacements.back()) +
            ", N ready again after " + ms + " ms";
    } else {
      bad += (bad.empty() ? "" : "; ") + line +
             (r.replacements.empty() ? "no replacement forked" : "the count of ready workers never came back");
    }
  }
  if (ok.empty() && bad.empty()) {
    m.evidence = "no worker was killed in this run";
  } else {
    m.status = bad.empty() ? MomentStatus::confirmed : MomentStatus::refuted;
    m.evidence = bad.empty() ? ok : bad;
  }
  return m;
}

KeyMoment primary_moment(const History& h, const std::set<pid_t>& answered) {
  KeyMoment m{"Is the master process handling requests directly?", "rows 7 and 8"};
  const pid_t primary = h.target.primary_pid;
  const auto by_primary = std::count_if(h.requests.begin(), h.requests.end(), [&](const RequestRecord& r) {
    return r.error == RequestError::ok && primary != 0 && r.worker_pid == primary;
  });
  if (by_primary > 0) {
    m.status = MomentStatus::refuted;
    m.evidence = "the primary (pid " + std::to_string(primary) + ") answered " + std::to_string(by_primary) +
                 " request(s) itself";
  } else if (answered.empty() || primary == 0) {
    m.evidence = "no response named the process that served it";
  } else {
    m.status = MomentStatus::confirmed;
    m.evidence = "every response came from one of " + std::to_string(answered.size()) +
                 " worker pids; none from the primary (pid " + std::to_string(primary) + ")";
  }
  return m;
}

std::string pad(std::string text, std::size_t width) {
  // Column widths count characters, not bytes ("—" is three bytes).
  std::size_t chars = 0;
  for (unsigned char c : text) chars += (c & 0xC0) != 0x80;
  if (chars < width) text.append(width - chars, ' ');
  return text;
}

}  // namespace

std::string_view to_string(MomentStatus m) {
  switch (m) {
    case MomentStatus::confirmed: return "confirmed";
    case MomentStatus::refuted: return "refuted";
    case MomentStatus::not_observed: return "not observed";
  }
  return "?";
}

VariableTracker build_variable_tracker(const ExecutionTable& t) {
  VariableTracker v;
  v.columns = {"Start", "After Fork 1", "After Fork 2", "After All Forks", "After Worker Crash", "After Replacement"};
  const TableRow* r1 = find_row(t, 1);
  const TableRow* r3 = find_row(t, 3);
  const TableRow* r4 = find_row(t, 4);
  const TableRow* r5 = find_row(t, 5);
  const TableRow* r9 = find_row(t, 9);
  const TableRow* r10 = find_row(t, 10);
  v.rows.push_back({"is primary", {primary_cell(r1), primary_cell(r3), primary_cell(r4), primary_cell(r5),
                                   primary_cell(r9), primary_cell(r10)}});
  v.rows.push_back({"workers count", {count_cell(r1), count_cell(r3), count_cell(r4), count_cell(r5),
                                      count_cell(r9), count_cell(r10)}});
  v.rows.push_back({"server listening",
                    {listening_cell(r1, ""), listening_cell(r3, ""), listening_cell(r4, ""),
                     listening_cell(find_row(t, 6), " (in workers)"), listening_cell(r9, ""),
                     listening_cell(find_row(t, 11), "")}});
  return v;
}

std::vector<KeyMoment> key_moments(const History& h, const ExecutionTable&) {
  const std::set<pid_t> answered = answering_pids(h);
  return {one_port_moment(h, answered), replaced_moment(h), primary_moment(h, answered)};
}

std::string render_table_header_text() {
  return pad("Step", 5) + pad("Time ms", 10) + pad("Action", 29) + pad("Process Type", 19) + pad("Workers", 12) +
         pad("Listening", 14) + "Notes\n";
}

std::string_view match_mark(const TableRow& row, bool judged) {
  if (!judged) return "";
  return row.mismatch() ? "✗" : "✓";
}

std::string render_row_text(const TableRow& row, mono_ns launch_ns, bool judged) {
  char t[32] = "—";
  if (row.t_ns) std::snprintf(t, sizeof t, "%.1f", ns_to_ms(*row.t_ns - launch_ns));
  std::string workers = row.workers ? std::to_string(*row.workers) : "—";
  std::string listening = row.listening ? (*row.listening ? "Yes" : "No") : "—";
  if (!row.workers || *row.workers != row.expected_workers) workers += " (exp " + std::to_string(row.expected_workers) + ")";
  if (!row.listening || *row.listening != row.expected_listening)
    listening += std::string(" (exp ") + (row.expected_listening ? "Yes" : "No") + ")";
  const std::string mark = judged && row.mismatch() ? "✗ " : "";
  return pad(std::to_string(row.step), 5) + pad(t, 10) + pad(row.action, 29) + pad(std::string(to_string(row.process)), 19) +
         pad(workers, 12) + pad(listening, 14) + mark + row.notes + "\n";
}

}  // namespace forkcheck::harness
