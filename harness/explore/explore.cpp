#include "harness/explore/explore.hpp"

#include <rapidcheck.h>
#include <rapidcheck/detail/Configuration.h>

#include <stdlib.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "harness/explore/explore_report.hpp"
#include "harness/explore/explore_schedule.hpp"
#include "harness/report/report_dir.hpp"
#include "harness/report/report_summary.hpp"
#include "harness/run/run_api.hpp"
#include "harness/target/target_command.hpp"

namespace forkcheck::harness {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Delays in 25 ms steps up to 600 ms: coarse enough to shrink in a few steps, fine enough to put two
// faults within one step of each other (a 50 ms race window is found by delay 0 or 25).
rc::Gen<ExploreFault> fault_gen(int workers, const std::vector<int>& signals) {
  return rc::gen::build<ExploreFault>(
      rc::gen::set(&ExploreFault::delay_ms, rc::gen::map(rc::gen::inRange(0, 25), [](int steps) { return steps * 25; })),
      rc::gen::set(&ExploreFault::victims, rc::gen::inRange(1, workers + 1)),
      rc::gen::set(&ExploreFault::newest, rc::gen::element(false, true)),
      rc::gen::set(&ExploreFault::signal, rc::gen::elementOf(signals)));
}

rc::Gen<ExploreSchedule> schedule_gen(int workers, int max_faults, const std::vector<int>& signals) {
  return rc::gen::map(rc::gen::nonEmpty(rc::gen::container<ExploreSchedule>(fault_gen(workers, signals))),
                      [max_faults](ExploreSchedule s) {
                        if (static_cast<int>(s.size()) > max_faults) s.resize(static_cast<std::size_t>(max_faults));
                        return s;
                      });
}

using CaseResult = CaseOutcome;

struct CaseRun {
  CaseResult result = CaseResult::cannot_run;
  std::string failing;     // the failing (or, when undecided, the unknown) properties, space-separated
  std::string folder;      // relative to the report directory
  std::string scenario;    // the case's scenario file
  bool cached = false;     // the same schedule ran before: its outcome, not a new run
};

// Runs schedules as scenarios, one folder per run under <report>/cases, remembering each schedule's
// outcome: rapidcheck may offer the same schedule twice while shrinking, and a rerun proves nothing.
class CaseRunner {
 public:
  CaseRunner(ExploreCase base, std::string dir, const ExploreOptions& o)
      : base_(std::move(base)), dir_(std::move(dir)), options_(o) {}

  // `shrinking` names the folder: cases/case-<k> for generated cases, cases/shrink-<k> for shrink runs.
  CaseRun run(const ExploreSchedule& schedule, bool shrinking) {
    if (const auto it = seen_.find(schedule); it != seen_.end()) {
      CaseRun again = it->second;
      again.cached = true;
      return again;
    }
    const std::string name = shrinking ? "shrink-" + std::to_string(++shrink_runs_) : "case-" + std::to_string(++case_runs_);
    return seen_[schedule] = run_as(schedule, name);
  }

  // A fresh run of a schedule already run (cases/replay-<k>): never answered from memory, since the
  // point is whether the same schedule fails again.
  CaseRun replay(const ExploreSchedule& schedule) { return run_as(schedule, "replay-" + std::to_string(++replay_runs_)); }

 private:
  CaseRun run_as(const ExploreSchedule& schedule, const std::string& name) {
    CaseRun out;
    out.folder = "cases/" + name;
    const std::string dir = dir_ + "/" + out.folder;
    std::error_code ec;
    fs::create_directories(dir, ec);
    out.scenario = dir + "/scenario.yaml";
    std::ofstream(out.scenario) << schedule_yaml(schedule, base_, "forkcheck explore " + name + ": " + describe_schedule(schedule));
    RunOptions options;
    options.scenario_path = out.scenario;
    options.report_dir = dir + "/report";
    options.port = options_.port;
    options.program = options_.program;
    options.quiet = true;
    const RunOutcome outcome = run_scenario_outcome(options, false);
    std::string unknown;
    for (const PropertyResult& r : outcome.results) {
      std::string& list = r.verdict == Verdict::fail ? out.failing : unknown;
      if (r.verdict != Verdict::pass) list += (list.empty() ? "" : " ") + std::string(to_string(r.property));
    }
    out.result = outcome.code == ExitCode::violated ? CaseResult::fail
                 : outcome.code == ExitCode::undecided ? CaseResult::unknown
                 : outcome.code == ExitCode::ok ? CaseResult::pass
                                                : CaseResult::cannot_run;
    if (out.result == CaseResult::unknown) out.failing = unknown;
    return out;
  }

  ExploreCase base_;
  std::string dir_;
  const ExploreOptions& options_;
  int case_runs_ = 0, shrink_runs_ = 0, replay_runs_ = 0;
  struct Less {
    bool operator()(const ExploreSchedule& a, const ExploreSchedule& b) const {
      auto key = [](const ExploreFault& f) { return std::tuple(f.delay_ms, f.victims, f.newest, f.signal); };
      return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                          [&](const auto& x, const auto& y) { return key(x) < key(y); });
    }
  };
  std::map<ExploreSchedule, CaseRun, Less> seen_;
};

}  // namespace
}  // namespace forkcheck::harness

namespace rc::detail {
const Configuration& configuration();  // rapidcheck's, defined in the library without a public declaration
}  // namespace rc::detail

namespace forkcheck::harness {
namespace {

// rapidcheck's default listener prints a reproduce string at exit; explore prints its own commands.
class QuietListener : public rc::detail::TestListener {
 public:
  void onTestCaseFinished(const rc::detail::CaseDescription&) override {}
  void onShrinkTried(const rc::detail::CaseDescription&, bool) override {}
  void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override {}
};

// The property's state across calls: the phase (generating, shrinking), the last failing schedule.
struct Search {
  const ExploreOptions& options;
  CaseRunner& runner;
  ExploreSummary& summary;
  bool aborted = false;
  bool shrinking = false;
  int shrink_runs = 0;
  Clock::time_point shrink_start{};
  ExploreSchedule minimal;
  CaseRun minimal_run;
  std::vector<CaseEntry> runs;     // every run made, for explore's report
  std::vector<std::string> undecided;  // "case 3/50 (cases/case-3): no_overshoot"
};

std::string outcome_text(const CaseRun& run) {
  switch (run.result) {
    case CaseResult::pass: return "pass";
    case CaseResult::fail: return "FAIL (" + run.failing + ")";
    case CaseResult::unknown: return "undecided (unknown: " + run.failing + ")";
    case CaseResult::cannot_run: return "could not run";
  }
  return "?";
}

void check_case(Search& s, const ExploreSchedule& schedule) {
  if (s.aborted || (s.shrinking && s.shrink_runs >= s.options.max_shrinks)) return;
  const auto started = Clock::now();
  const CaseRun run = s.runner.run(schedule, s.shrinking);
  if (!run.cached) {
    const std::string label = s.shrinking ? "shrink " + std::to_string(++s.shrink_runs)
                                          : "case " + std::to_string(++s.summary.cases_run) + "/" + std::to_string(s.options.cases);
    const double took_s = seconds_since(started);
    s.runs.push_back({label, run.folder, describe_schedule(schedule), run.result, run.failing, took_s});
    if (run.result == CaseResult::unknown && !s.shrinking) {
      ++s.summary.cases_unknown;
      s.undecided.push_back(label + " (" + run.folder + "): " + run.failing);
    }
    if (!s.options.quiet)
      std::cout << label << ": " << describe_schedule(schedule) << " -> " << outcome_text(run) << " (" << format_one_decimal(took_s)
                << " s, " << run.folder << ")\n" << std::flush;
  }
  if (run.result == CaseResult::cannot_run && !s.shrinking) {
    s.aborted = true;
    std::cerr << "forkcheck: explore: a case could not be run; see " << run.scenario << " and its report\n";
    return;
  }
  if (run.result != CaseResult::fail) return;
  if (!s.shrinking) {
    s.shrinking = true;
    s.shrink_start = Clock::now();
  } else if (!run.cached) {
    ++s.summary.shrinks_accepted;
  }
  s.minimal = schedule;
  s.minimal_run = run;
  RC_FAIL("properties failed: " + run.failing);
}

std::uint64_t seed_from_clock() {
  return static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()) & 0xffffffffffffULL;
}

std::string explore_command(const ExploreOptions& o, std::uint64_t seed) {
  std::string cmd = o.program + " explore";
  if (o.target) cmd += " --target " + shell_quote(*o.target);
  for (std::size_t i = 0; i < o.signals.size(); ++i) cmd += (i ? "," : " --signals ") + signal_name(o.signals[i]);
  for (const std::string& arg : target_override_arguments(o.overrides)) cmd += " " + shell_word(arg);
  return cmd + " --cases " + std::to_string(o.cases) + " --seed " + std::to_string(seed) + " --max-faults " +
         std::to_string(o.max_faults) + " --workers " + std::to_string(o.workers) +
         (o.port ? " --port " + std::to_string(o.port) : "");
}

// The shrunk schedule, run again `replays` times from scratch: how often it fails says whether the
// counterexample is certain or rests on timing (a replay that passes or is undecided did not fail).
void replay_counterexample(const ExploreOptions& o, Search& s, ExploreSummary& summary) {
  for (int k = 1; k <= o.replays; ++k) {
    const auto started = Clock::now();
    const CaseRun run = s.runner.replay(s.minimal);
    const std::string label = "replay " + std::to_string(k) + "/" + std::to_string(o.replays);
    const double took_s = seconds_since(started);
    s.runs.push_back({label, run.folder, describe_schedule(s.minimal), run.result, run.failing, took_s});
    ++summary.replays;
    if (run.result == CaseResult::fail) ++summary.replays_failed;
    if (!o.quiet)
      std::cout << label << ": " << describe_schedule(s.minimal) << " -> " << outcome_text(run) << " ("
                << format_one_decimal(took_s) << " s, " << run.folder << ")\n" << std::flush;
  }
}

void report_counterexample(const ExploreOptions& o, const Search& s, const ExploreCase& base, std::uint64_t seed,
                           ExploreSummary& summary) {
  summary.counterexample = summary.report_dir + "/counterexample.yaml";
  summary.schedule = describe_schedule(s.minimal);
  summary.victims = total_victims(s.minimal, o.workers);
  std::ofstream(summary.counterexample)
      << schedule_yaml(s.minimal, base, "Minimal counterexample found by `" + explore_command(o, seed) +
                                            "`: " + summary.schedule + "; failing: " + s.minimal_run.failing +
                                            (summary.replays > 0 ? "; " + replays_text(summary) : std::string()));
  std::cout << "\ncounterexample (after " << summary.cases_run << " case(s); shrinking: " << summary.shrink_tries
            << " run(s), " << summary.shrinks_accepted << " still failing, " << format_one_decimal(summary.shrink_s) << " s shrinking):\n  "
            << summary.schedule << "\n  failing: " << s.minimal_run.failing
            << (summary.replays > 0 ? "\n  replays: " + replays_text(summary) : std::string()) << "\n  scenario: " << summary.counterexample
            << "\nreproduce:\n  " << o.program << " run " << summary.counterexample << "\n  " << explore_command(o, seed)
            << "\n";
}


// Loads rapidcheck's configuration with stderr silenced: it announces "Using configuration: seed=…"
// with a seed explore does not use (the TestParams it is given carry the seed).
void load_rapidcheck_configuration_quietly() {
  std::streambuf* saved = std::cerr.rdbuf(nullptr);
  rc::detail::configuration();
  std::cerr.rdbuf(saved);
}

void write_explore_report(const ExploreOptions& o, const Search& search, std::uint64_t seed, const ExploreSummary& summary) {
  const ExploreReport report{explore_command(o, seed), search.runs, summary};
  std::string error;
  if (!write_report_file(summary.report_dir, "report.md", render_explore_markdown(report), &error) ||
      !write_report_file(summary.report_dir, "junit.xml", render_explore_junit(report), &error))
    std::cerr << "forkcheck: " << error << "\n";
}

}  // namespace

ExploreSummary explore(const ExploreOptions& o) {
  ExploreSummary summary;
  std::string error;
  const auto dir = prepare_report_dir(o.report_dir, "explore", &error);
  if (!dir) {
    std::cerr << "forkcheck: " << error << "\n";
    return summary;
  }
  summary.report_dir = *dir;
  const std::uint64_t seed = o.seed.value_or(seed_from_clock());
  ExploreCase base;
  base.target = o.target.value_or("");
  base.workers = o.workers;
  base.seed = seed;
  base.overrides = o.overrides;
  CaseRunner runner(base, summary.report_dir, o);
  Search search{o, runner, summary};
  rc::detail::TestParams params;
  params.seed = seed;
  params.maxSuccess = o.cases;
  params.maxSize = 100;  // lengths grow with rapidcheck's size; schedule_gen truncates to max_faults
  if (!o.quiet)
    std::cout << "forkcheck explore: " << o.cases << " case(s), seed " << seed << ", up to " << o.max_faults
              << " fault(s), N=" << o.workers << ", report " << summary.report_dir << "\n";
  const auto started = Clock::now();
  QuietListener listener;
  rc::detail::TestMetadata metadata;
  metadata.id = metadata.description = "explore";
  load_rapidcheck_configuration_quietly();
  const auto result = rc::detail::checkTestable(
      [&] { check_case(search, *schedule_gen(o.workers, o.max_faults, o.signals)); }, metadata, params, listener);
  const double total_s = seconds_since(started);
  summary.shrink_tries = search.shrink_runs;
  summary.shrink_s = search.shrinking ? seconds_since(search.shrink_start) : 0;
  summary.cases_s = total_s - summary.shrink_s;
  std::cout << "cases: " << summary.cases_run << " distinct schedule(s) run (rapidcheck repeats are not rerun) in "
            << format_one_decimal(summary.cases_s) << " s ("
            << format_one_decimal(summary.cases_s > 0 ? summary.cases_run * 60 / summary.cases_s : 0) << " cases/minute)\n";
  if (search.aborted) {
    write_explore_report(o, search, seed, summary);
    return summary;
  }
  if (result.template is<rc::detail::SuccessResult>()) {
    if (summary.cases_unknown > 0) {
      summary.code = ExitCode::undecided;
      std::cout << summary.cases_unknown << " case(s) undecided (no property failed, one was unknown):\n";
      for (const std::string& u : search.undecided) std::cout << "  " << u << "\n";
    } else {
      summary.code = ExitCode::ok;
      std::cout << "every case kept every property\n";
    }
    write_explore_report(o, search, seed, summary);
    return summary;
  }
  if (!search.shrinking) {
    rc::detail::printResultMessage(result, std::cerr);
    std::cerr << "\nforkcheck: explore: rapidcheck did not complete\n";
    write_explore_report(o, search, seed, summary);
    return summary;
  }
  summary.code = ExitCode::violated;
  replay_counterexample(o, search, summary);
  report_counterexample(o, search, base, seed, summary);
  write_explore_report(o, search, seed, summary);
  return summary;
}

}  // namespace forkcheck::harness
