#pragma once
// The exit statuses of forkcheck's programs, in one place (docs/design.md, "Exit statuses").
namespace forkcheck {

enum class ExitCode : int {
  ok = 0,            // every property held / the program did its job
  violated = 1,      // a property was violated
  cannot_run = 2,    // bad flag, bad scenario, report directory refused, target did not start or serve
  undecided = 3,     // the run was made, no property failed, but at least one verdict is unknown
  interrupted = 130, // SIGINT or SIGTERM reached forkcheck: target stopped, partial report written
};

constexpr int to_int(ExitCode code) { return static_cast<int>(code); }

}  // namespace forkcheck
