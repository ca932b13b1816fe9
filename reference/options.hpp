#pragma once
// refcluster's command line: every flag, its default and its help text live in options.cpp.
#include <optional>
#include <string>
#include <vector>

#include "reference/http_service.hpp"
#include "reference/supervisor.hpp"

namespace forkcheck::reference {

enum class Sched { shared, reuseport };

struct Options {
  std::string host = "127.0.0.1";
  int port = 8000;
  Sched sched = Sched::shared;
  std::string events_path;      // empty: no event feed
  SupervisorConfig supervisor;  // .workers defaults to the CPU count
  ServiceOptions service;
  mono_ns heartbeat_interval_ns = 0;   // derived: a third of the timeout
  std::string crash_at_start_path;     // test only: workers exit 3 at start-up while it exists
};

std::string_view to_string(Sched sched);

// Either options to run with, or the exit status to leave with right away (0 after --help and
// --version, 2 after a bad flag or value — the one-line reason is already on stderr).
struct ParsedCommandLine {
  std::optional<Options> options;
  int exit_code = 0;
};

ParsedCommandLine parse_command_line(int argc, const char* const* argv);

}  // namespace forkcheck::reference
