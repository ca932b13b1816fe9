// forkcheck_loadbench: the harness's load generator on its own, against any loopback HTTP target,
// so its throughput and cost can be compared with wrk's (bench/load_vs_wrk.sh).
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>

#include "common/clock.hpp"
#include "harness/load/load.hpp"
#include "harness/load/load_stats.hpp"

namespace {

using forkcheck::mono_ns;
using namespace forkcheck::harness;

struct BenchOptions {
  std::string host = "127.0.0.1";
  int port = 0;
  double duration_s = 5;
  std::string expected_body = "Hello from worker";
  LoadSpec spec{.rate_rps = 1000, .connections = 32, .probe_rate_hz = 0};
  bool no_keep_alive = false;
};

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](timeval t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

void print_errors(const LoadSummary& s) {
  std::printf("errors:");
  if (s.failed() == 0) std::printf(" none");
  for (std::size_t i = 1; i < kRequestErrorKinds; ++i) {
    if (s.by_error[i] == 0) continue;
    const std::string_view name = to_string(static_cast<RequestError>(i));
    std::printf(" %.*s %llu", static_cast<int>(name.size()), name.data(), static_cast<unsigned long long>(s.by_error[i]));
  }
  std::printf("\n");
}

void print_report(const BenchOptions& o, const LoadSummary& s, int threads, mono_ns start_ns, double cpu_s) {
  const double elapsed_s = static_cast<double>(s.last_end_ns - start_ns) / 1e9;
  const double rate = elapsed_s > 0 ? static_cast<double>(s.requests) / elapsed_s : 0;
  char mode[64];
  std::snprintf(mode, sizeof mode, o.spec.closed_loop ? "closed loop" : "open loop %.0f rps", o.spec.rate_rps);
  std::printf("target %s:%d  connections %d  threads %d  %s  %s\n", o.host.c_str(), o.port, o.spec.connections, threads,
              mode, o.spec.keep_alive ? "keep-alive" : "no keep-alive");
  std::printf("requests %llu in %.2f s: %.1f req/s (ok %llu)\n", static_cast<unsigned long long>(s.requests), elapsed_s,
              rate, static_cast<unsigned long long>(s.ok));
  const LatencySummary& l = s.latency;
  std::printf("latency from intended send, us: p50 %.0f  p90 %.0f  p99 %.0f  p99.9 %.0f  max %.0f  mean %.0f\n", l.p50_us,
              l.p90_us, l.p99_us, l.p999_us, l.max_us, l.mean_us);
  print_errors(s);
  std::printf("cpu %.2f s (%.0f%% of one core)\n", cpu_s, elapsed_s > 0 ? 100 * cpu_s / elapsed_s : 0);
  std::printf("RESULT req_per_s=%.1f requests=%llu failed=%llu p99_us=%.0f cpu_s=%.2f\n", rate,
              static_cast<unsigned long long>(s.requests), static_cast<unsigned long long>(s.failed()), l.p99_us, cpu_s);
}

int run(BenchOptions o) {
  o.spec.keep_alive = !o.no_keep_alive;
  LoadGenerator load(o.spec, o.host, o.port, o.expected_body);
  const double cpu_before = cpu_seconds();
  const mono_ns start_ns = forkcheck::monotonic_ns() + forkcheck::ms_to_ns(10);
  load.start(start_ns, start_ns + forkcheck::seconds_to_ns(o.duration_s));
  load.join();
  const double cpu_s = cpu_seconds() - cpu_before;
  const auto records = load.all_records();
  print_report(o, summarize_load(records), load.threads(), start_ns, cpu_s);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  BenchOptions o;
  CLI::App app{"forkcheck_loadbench: drive HTTP load with forkcheck's load generator and report it"};
  app.add_option("--port", o.port, "target port on the host")->required();
  app.add_option("--host", o.host, "loopback address of the target")->capture_default_str();
  app.add_option("--connections", o.spec.connections, "client connections")->capture_default_str();
  app.add_option("--duration-s", o.duration_s, "seconds of load")->capture_default_str();
  app.add_option("--threads", o.spec.threads, "load threads (0: one per core)")->capture_default_str();
  app.add_option("--timeout-ms", o.spec.timeout_ms, "per-request timeout")->capture_default_str();
  app.add_option("--expected-body", o.expected_body, "body of a good 200 (empty: any)")->capture_default_str();
  auto* rate = app.add_option("--rate", o.spec.rate_rps, "open loop: requests per second")->capture_default_str();
  app.add_flag("--closed-loop", o.spec.closed_loop, "each connection sends again as soon as it is answered")
      ->excludes(rate);
  app.add_flag("--no-keep-alive", o.no_keep_alive, "a fresh connection per request");
  CLI11_PARSE(app, argc, argv);
  try {
    return run(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "forkcheck_loadbench: %s\n", e.what());
    return 2;
  }
}
