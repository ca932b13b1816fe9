#pragma once
// The exit statuses of forkcheck's programs, in one place (docs/design.md §8).
namespace forkcheck {

enum class ExitCode : int {
  ok = 0,          // every property held / the program did its job
  violated = 1,    // a property was violated
  cannot_run = 2,  // bad flag, bad scenario, target did not start, port busy, unknown verdict
};

constexpr int to_int(ExitCode code) { return static_cast<int>(code); }

}  // namespace forkcheck
