#include "harness/explore/explore.hpp"

#include <rapidcheck.h>

#include <stdlib.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "harness/explore/explore_schedule.hpp"
#include "harness/report/report_dir.hpp"
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

enum class CaseResult { pass, fail, cannot_run };

struct CaseRun {
  CaseResult result = CaseResult::cannot_run;
  std::string failing;     // the failing properties, space-separated
  std::string scenario;    // the case's scenario file
  bool cached = false;     // the same schedule ran before: its outcome, not a new run
};

// Runs schedules as scenarios, one folder per run under <report>/cases, remembering each schedule's
// outcome: rapidcheck may offer the same schedule twice while shrinking, and a rerun proves nothing.
class CaseRunner {
 public:
  CaseRunner(ExploreCase base, std::string dir) : base_(std::move(base)), dir_(std::move(dir)) {}

  CaseRun run(const ExploreSchedule& schedule) {
    if (const auto it = seen_.find(schedule); it != seen_.end()) {
      CaseRun again = it->second;
      again.cached = true;
      return again;
    }
    const std::string dir = dir_ + "/cases/" + std::to_string(++runs_);
    std::error_code ec;
    fs::create_directories(dir, ec);
    CaseRun out;
    out.scenario = dir + "/scenario.yaml";
    std::ofstream(out.scenario) << schedule_yaml(schedule, base_, "forkcheck explore case " + std::to_string(runs_) +
                                                                    ": " + describe_schedule(schedule));
    RunOptions options;
    options.scenario_path = out.scenario;
    options.report_dir = dir + "/report";
    options.quiet = true;
    const RunOutcome outcome = run_scenario_outcome(options, false);
    for (const PropertyResult& r : outcome.results)
      if (r.verdict == Verdict::fail) out.failing += (out.failing.empty() ? "" : " ") + std::string(to_string(r.property));
    out.result = !out.failing.empty() ? CaseResult::fail : outcome.results.empty() ? CaseResult::cannot_run : CaseResult::pass;
    return seen_[schedule] = out;
  }

 private:
  ExploreCase base_;
  std::string dir_;
  int runs_ = 0;
  struct Less {
    bool operator()(const ExploreSchedule& a, const ExploreSchedule& b) const {
      auto key = [](const ExploreFault& f) { return std::tuple(f.delay_ms, f.victims, f.newest, f.signal); };
      return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                          [&](const auto& x, const auto& y) { return key(x) < key(y); });
    }
  };
  std::map<ExploreSchedule, CaseRun, Less> seen_;
};

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
};

void check_case(Search& s, const ExploreSchedule& schedule) {
  if (s.aborted || (s.shrinking && s.shrink_runs >= s.options.max_shrinks)) return;
  const auto started = Clock::now();
  const CaseRun run = s.runner.run(schedule);
  if (!run.cached) {
    const std::string label = s.shrinking ? "shrink " + std::to_string(++s.shrink_runs)
                                          : "case " + std::to_string(++s.summary.cases_run) + "/" + std::to_string(s.options.cases);
    std::cout << label << ": " << describe_schedule(schedule) << " -> "
              << (run.result == CaseResult::pass ? "pass" : run.result == CaseResult::fail ? "FAIL (" + run.failing + ")" : "could not run")
              << " (" << seconds_since(started) << " s)\n" << std::flush;
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
  return cmd + " --cases " + std::to_string(o.cases) + " --seed " + std::to_string(seed) + " --max-faults " +
         std::to_string(o.max_faults) + " --workers " + std::to_string(o.workers);
}

void report_counterexample(const ExploreOptions& o, const Search& s, const ExploreCase& base, std::uint64_t seed,
                           ExploreSummary& summary) {
  summary.counterexample = summary.report_dir + "/counterexample.yaml";
  summary.schedule = describe_schedule(s.minimal);
  summary.victims = total_victims(s.minimal, o.workers);
  std::ofstream(summary.counterexample)
      << schedule_yaml(s.minimal, base, "Minimal counterexample found by `" + explore_command(o, seed) +
                                            "`: " + summary.schedule + "; failing: " + s.minimal_run.failing);
  std::cout << "\ncounterexample (after " << summary.cases_run << " case(s); shrinking: " << summary.shrink_tries
            << " run(s), " << summary.shrinks_accepted << " still failing, " << summary.shrink_s << " s shrinking):\n  "
            << summary.schedule << "\n  failing: " << s.minimal_run.failing << "\n  scenario: " << summary.counterexample
            << "\nreproduce:\n  " << o.program << " run " << summary.counterexample << "\n  " << explore_command(o, seed)
            << "\n";
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
  CaseRunner runner(base, summary.report_dir);
  Search search{o, runner, summary};
  rc::detail::TestParams params;
  params.seed = seed;
  params.maxSuccess = o.cases;
  params.maxSize = 100;  // lengths grow with rapidcheck's size; schedule_gen truncates to max_faults
  std::cout << "forkcheck explore: " << o.cases << " case(s), seed " << seed << ", up to " << o.max_faults
            << " fault(s), N=" << o.workers << ", report " << summary.report_dir << "\n";
  const auto started = Clock::now();
  QuietListener listener;
  rc::detail::TestMetadata metadata;
  metadata.id = metadata.description = "explore";
  // rapidcheck prints its configuration when it first loads it: make it print the seed in use.
  const std::string rc_params = "seed=" + std::to_string(seed);
  ::setenv("RC_PARAMS", rc_params.c_str(), 0);
  const auto result = rc::detail::checkTestable(
      [&] { check_case(search, *schedule_gen(o.workers, o.max_faults, o.signals)); }, metadata, params, listener);
  const double total_s = seconds_since(started);
  summary.shrink_tries = search.shrink_runs;
  summary.shrink_s = search.shrinking ? seconds_since(search.shrink_start) : 0;
  summary.cases_s = total_s - summary.shrink_s;
 std::cout << "cases: " << summary.cases_run << " distinct schedule(s) run (rapidcheck repeats are not rerun) in " << summary.cases_s << " s ("
            << (summary.cases_s > 0 ? summary.cases_run * 60 / summary.cases_s : 0) << " cases/minute)\n";
  if (search.aborted) return summary;
  if (result.template is<rc::detail::SuccessResult>()) {
    summary.code = ExitCode::ok;
    std::cout << "every case kept every property\n";
    return summary;
  }
  if (!search.shrinking) {
    rc::detail::printResultMessage(result, std::cerr);
    std::cerr << "\nforkcheck: explore: rapidcheck did not complete\n";
    return summary;
  }
  summary.code = ExitCode::violated;
  report_counterexample(o, search, base, seed, summary);
  return summary;
}

}  // namespace forkcheck::harness
