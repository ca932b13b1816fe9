#include "reference/options.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "common/exit_code.hpp"

namespace forkcheck::reference {
namespace {

int cpu_count() {
  const long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<int>(n) : 1;
}

// Millisecond flags are read as plain integers and converted once, after parsing.
struct MsFlags {
  long min_uptime = 100, backoff_initial = 100, backoff_max = 5000, heartbeat_timeout = 2000;
  long grace = 10000, idle_timeout = 5000, head_timeout = 10000, body_timeout = 10000, write_timeout = 10000;
  long accept_hold_back_us = 2000;
};

void add_cluster_flags(CLI::App& app, Options& o, std::string& sched) {
  app.add_option("--workers,-w", o.supervisor.workers, "Number of workers (default: CPU count)")
      ->check(CLI::Range(1, 1024));
  app.add_option("--port,-p", o.port, "TCP port; 0 picks a free one (printed on stdout)")
      ->check(CLI::Range(0, 65535))->capture_default_str();
  app.add_option("--host", o.host, "Address to listen on (use 0.0.0.0 to expose)")->capture_default_str();
  app.add_option("--sched", sched,
                 "shared: one socket opened by the primary, inherited by every worker (default); "
                 "reuseport: one SO_REUSEPORT socket per worker, the naive design that loses a "
                 "killed worker's queued connections")
      ->check(CLI::IsMember({"shared", "reuseport"}))->capture_default_str();
  app.add_option("--events", o.events_path, "Write JSON Lines events (monotonic ns) to this file");
}

void add_supervisor_flags(CLI::App& app, Options& o, MsFlags& ms) {
  const auto non_negative = CLI::Range(0L, 86'400'000L);
  app.add_option("--min-uptime-ms", ms.min_uptime,
                 "A worker dying before ready or within this long after it is an early death")
      ->check(non_negative)->capture_default_str();
  app.add_option("--restart-burst", o.supervisor.restart_burst,
                 "Early deaths in a row a slot may have before its respawns back off")
      ->check(CLI::Range(0, 1'000'000))->capture_default_str();
  app.add_option("--backoff-initial-ms", ms.backoff_initial, "First back-off delay; doubles per early death")
      ->check(CLI::Range(1L, 86'400'000L))->capture_default_str();
  app.add_option("--backoff-max-ms", ms.backoff_max, "Back-off delay cap")
      ->check(CLI::Range(1L, 86'400'000L))->capture_default_str();
  app.add_option("--heartbeat-timeout-ms", ms.heartbeat_timeout,
                 "Kill and replace a worker silent this long (e.g. SIGSTOPped); 0 disables")
      ->check(non_negative)->capture_default_str();
  app.add_option("--grace-ms", ms.grace, "On SIGTERM/SIGINT: time for in-flight requests before SIGKILL")
      ->check(non_negative)->capture_default_str();
}

void add_limit_flags(CLI::App& app, Options& o) {
  auto& limits = o.service.limits;
  app.add_option("--max-connections", o.service.max_connections,
                 "Per worker: most connections open at once; at the cap it stops accepting and "
                 "connections wait in the shared queue for the other workers")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))->capture_default_str();
  app.add_option("--head-max-bytes", limits.head.head_max_bytes, "Largest request head (431 past it)")
      ->check(CLI::Range(std::size_t{64}, std::size_t{1} << 20))->capture_default_str();
  app.add_option("--fields-max", limits.head.fields_max, "Most header fields in a request (431 past it)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{10'000}))->capture_default_str();
  app.add_option("--payload-max-bytes", limits.head.body_max_bytes, "Largest request body (413 past it)")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1} << 30))->capture_default_str();
  app.add_option("--keep-alive-max", limits.keep_alive_max, "Requests per keep-alive connection")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))->capture_default_str();
}

void add_timeout_flags(CLI::App& app, Options& o, MsFlags& ms, std::string& accept) {
  const auto positive = CLI::Range(1L, 3'600'000L);
  app.add_option("--idle-timeout-ms", ms.idle_timeout, "A connection with no request begun is closed after this")
      ->check(positive)->capture_default_str();
  app.add_option("--head-timeout-ms", ms.head_timeout, "From a head's first byte to its end; then 408")
      ->check(positive)->capture_default_str();
  app.add_option("--body-timeout-ms", ms.body_timeout, "From the end of the head to the end of the body; then 408")
      ->check(positive)->capture_default_str();
  app.add_option("--write-timeout-ms", ms.write_timeout, "An answer the client does not read is dropped after this")
      ->check(positive)->capture_default_str();
  app.add_option("--accept", accept,
                 "How workers take connections from the shared socket: thread (a thread blocked in "
                 "accept, dealt round-robin by the kernel; default), epoll, epoll-exclusive (kept to measure)")
      ->check(CLI::IsMember({"thread", "epoll", "epoll-exclusive"}))->capture_default_str();
  app.add_option("--accept-hold-back-us", ms.accept_hold_back_us,
                 "--accept thread: longest a worker holding more connections than another waits "
                 "before it takes a connection nobody took")
      ->check(CLI::Range(0L, 10'000'000L))->capture_default_str();
  app.add_flag("--no-pid-header", [&o](std::int64_t) { o.service.pid_header = false; },
               "Answers carry no X-Worker-Pid header (as most servers): the harness then learns which worker "
               "served a connection from the kernel");
  app.add_option("--crash-at-start-while-exists", o.crash_at_start_path,
                 "TEST ONLY: workers exit 3 at start-up while this file exists (crash-loop tests)");
}

void finish(Options& o, const MsFlags& ms) {
  o.supervisor.min_uptime_ns = ms_to_ns(ms.min_uptime);
  o.supervisor.backoff_initial_ns = ms_to_ns(ms.backoff_initial);
  o.supervisor.backoff_max_ns = ms_to_ns(std::max(ms.backoff_max, ms.backoff_initial));
  o.supervisor.heartbeat_timeout_ns = ms_to_ns(ms.heartbeat_timeout);
  o.supervisor.grace_ns = ms_to_ns(ms.grace);
  // Three beats per timeout: one late or lost beat never gets a healthy worker killed.
  o.heartbeat_interval_ns = o.supervisor.heartbeat_timeout_ns / 3;
  o.service.idle_timeout = std::chrono::milliseconds(ms.idle_timeout);
  o.service.head_timeout = std::chrono::milliseconds(ms.head_timeout);
  o.service.body_timeout = std::chrono::milliseconds(ms.body_timeout);
  o.service.write_timeout = std::chrono::milliseconds(ms.write_timeout);
  o.service.accept_hold_back = std::chrono::microseconds(ms.accept_hold_back_us);
}

}  // namespace

std::string_view to_string(Sched sched) { return sched == Sched::shared ? "shared" : "reuseport"; }

ParsedCommandLine parse_command_line(int argc, const char* const* argv) {
  Options o;
  o.supervisor.workers = cpu_count();
  MsFlags ms;
  std::string sched = "shared";
  std::string accept = "thread";
  CLI::App app("refcluster: the reference pre-fork cluster. A primary forks N workers that serve "
               "HTTP on one port and replaces any worker that dies.",
               "refcluster");
  app.set_version_flag("--version", "refcluster " FORKCHECK_VERSION);
  add_cluster_flags(app, o, sched);
  add_supervisor_flags(app, o, ms);
  add_limit_flags(app, o);
  add_timeout_flags(app, o, ms, accept);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return {.exit_code = app.exit(e)};
  } catch (const CLI::CallForVersion& e) {
    return {.exit_code = app.exit(e)};
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "refcluster: %s (see --help)\n", e.what());
    return {.exit_code = to_int(ExitCode::cannot_run)};
  }
  finish(o, ms);
  o.sched = sched == "reuseport" ? Sched::reuseport : Sched::shared;
  o.service.accept = accept == "epoll" ? AcceptMode::epoll
                     : accept == "epoll-exclusive" ? AcceptMode::epoll_exclusive : AcceptMode::thread;
  return {.options = o};
}

}  // namespace forkcheck::reference
