// refcluster_recovery_bench: how fast does refcluster replace a SIGKILLed worker?
//
//   refcluster_recovery_bench [--refcluster PATH] [--workers N] [--kills K] [--pause-ms P]
//                             [--kill-all-rounds R] [--seed S] [-- extra refcluster flags]
//
// Starts refcluster --port 0 --events <tmp>, then K times: SIGKILL a random ready worker through a
// pidfd and wait for the ready event of its replacement (pausing P ms after it, so the next victim
// has outlived --min-uptime-ms and crash-loop protection stays out of the measurement). Then R
// rounds of kill-all while a client thread keeps opening connections. Every figure comes from the
// event feed (CLOCK_MONOTONIC ns, the same clock as the kill instant taken here).
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.hpp"
#include "common/event.hpp"
#include "common/pidfd.hpp"

namespace {

using forkcheck::Event;
using forkcheck::EventKind;
using forkcheck::mono_ns;
using forkcheck::monotonic_ns;
using forkcheck::ms_to_ns;

struct Config {
  std::string refcluster;
  int workers = 2;
  int kills = 200;
  int pause_ms = 110;
  int kill_all_rounds = 20;
  unsigned seed = 1;
  std::vector<std::string> extra;
};

// Follows the events file as refcluster appends to it.
class EventTail {
 public:
  explicit EventTail(std::string path) : path_(std::move(path)) {}
  const std::vector<Event>& poll() {
    std::ifstream in(path_);
    in.seekg(static_cast<std::streamoff>(offset_));
    std::string line;
    while (std::getline(in, line) && !in.eof()) {
      offset_ += line.size() + 1;
      if (auto e = forkcheck::parse_event_line(line)) apply(*e);
    }
    return events_;
  }
  const std::map<int, std::pair<pid_t, mono_ns>>& ready_by_slot() const { return ready_; }
  int port() const { return port_; }

 private:
  void apply(const Event& e) {
    events_.push_back(e);
    if (e.kind == EventKind::listening) port_ = e.port;
    if (e.kind == EventKind::ready) ready_[e.slot] = {e.pid, e.t_ns};
    if (e.kind == EventKind::exit) ready_.erase(e.slot);
  }
  std::string path_;
  std::size_t offset_ = 0;
  std::vector<Event> events_;
  std::map<int, std::pair<pid_t, mono_ns>> ready_;
  int port_ = 0;
};

template <typename Pred>
bool wait_for(Pred pred, int timeout_ms) {
  const mono_ns deadline = monotonic_ns() + ms_to_ns(timeout_ms);
  while (!pred()) {
    if (monotonic_ns() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return true;
}

pid_t launch(const Config& cfg, const std::string& events_path) {
  std::vector<std::string> args{cfg.refcluster, "--workers", std::to_string(cfg.workers), "--port", "0",
                                "--events", events_path};
  args.insert(args.end(), cfg.extra.begin(), cfg.extra.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    execv(argv[0], argv.data());
    _exit(127);
  }
  if (pid > 0) setpgid(pid, pid);
  return pid;
}

struct Stats {
  double median = 0, p99 = 0, max = 0;
};

Stats stats(std::vector<double> v) {
  if (v.empty()) return {};
  std::sort(v.begin(), v.end());
  const auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<std::size_t>(q * (v.size() - 1) + 0.5))]; };
  return {at(0.5), at(0.99), v.back()};
}

void print(const char* what, const std::vector<double>& ms) {
  const Stats s = stats(ms);
  std::printf("%-34s n=%-4zu median %.3f ms  p99 %.3f ms  max %.3f ms\n", what, ms.size(), s.median, s.p99, s.max);
}

// One SIGKILL of a random ready worker; appends kill→ready, exit→ready and fork→ready (ms).
bool kill_one(EventTail& tail, std::mt19937& rng, std::vector<double> (&out)[3]) {
  const auto ready = tail.ready_by_slot();
  auto it = ready.begin();
  std::advance(it, static_cast<long>(rng() % ready.size()));
  const int slot = it->first;
  const pid_t victim = it->second.first;
  const auto handle = forkcheck::Pidfd::open(victim);
  if (!handle) return false;
  const mono_ns t_kill = monotonic_ns();
  handle->send_signal(SIGKILL);
  const auto replaced = [&] {
    const auto& r = tail.ready_by_slot();
    tail.poll();
    const auto found = r.find(slot);
    return found != r.end() && found->second.first != victim;
  };
  if (!wait_for(replaced, 3000)) return false;
  mono_ns t_exit = 0, t_fork = 0;
  for (const Event& e : tail.poll()) {
    if (e.kind == EventKind::exit && e.pid == victim) t_exit = e.t_ns;
    if (e.kind == EventKind::fork && e.slot == slot) t_fork = e.t_ns;
  }
  const mono_ns t_ready = tail.ready_by_slot().at(slot).second;
  out[0].push_back(forkcheck::ns_to_ms(t_ready - t_kill));
  out[1].push_back(forkcheck::ns_to_ms(t_ready - t_exit));
  out[2].push_back(forkcheck::ns_to_ms(t_ready - t_fork));
  return true;
}

struct KillAllResult {
  std::vector<double> recovery_ms;
  int ok = 0, refused = 0, lost = 0;
};

KillAllResult kill_all(EventTail& tail, const Config& cfg) {
  KillAllResult r;
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, refused{0}, lost{0};
  std::thread client([&] {
    while (!stop) {
      httplib::Client c("127.0.0.1", tail.port());
      c.set_keep_alive(false);
      c.set_connection_timeout(std::chrono::seconds(2));
      const auto res = c.Get("/");
      if (res && res->status == 200) ++ok;
      else if (!res && (res.error() == httplib::Error::Connection || res.error() == httplib::Error::ConnectionTimeout)) ++refused;
      else ++lost;
    }
  });
  for (int round = 0; round < cfg.kill_all_rounds; ++round) {
    std::vector<std::pair<int, pid_t>> victims;
    for (const auto& [slot, ready] : tail.ready_by_slot()) victims.emplace_back(slot, ready.first);
    const mono_ns t0 = monotonic_ns();
    for (const auto& [slot, pid] : victims)
      if (auto h = forkcheck::Pidfd::open(pid)) h->send_signal(SIGKILL);
    const auto all_new = [&] {
      tail.poll();
      const auto& ready = tail.ready_by_slot();
      if (static_cast<int>(ready.size()) != cfg.workers) return false;
      for (const auto& [slot, pid] : victims)
        if (ready.at(slot).first == pid) return false;
      return true;
    };
    if (!wait_for(all_new, 3000)) break;
    mono_ns last = 0;
    for (const auto& [slot, ready] : tail.ready_by_slot()) last = std::max(last, ready.second);
    r.recovery_ms.push_back(forkcheck::ns_to_ms(last - t0));
    std::this_thread::sleep_for(std::chrono::milliseconds(cfg.pause_ms));
  }
  stop = true;
  client.join();
  r.ok = ok;
  r.refused = refused;
  r.lost = lost;
  return r;
}

Config parse(int argc, char** argv) {
  Config cfg;
  if (const char* env = std::getenv("REFCLUSTER_BIN")) cfg.refcluster = env;
  else cfg.refcluster = (std::filesystem::path(argv[0]).parent_path() / "refcluster").string();
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--") {
      cfg.extra.assign(argv + i + 1, argv + argc);
      break;
    }
    if (a == "--refcluster") cfg.refcluster = next();
    else if (a == "--workers") cfg.workers = std::stoi(next());
    else if (a == "--kills") cfg.kills = std::stoi(next());
    else if (a == "--pause-ms") cfg.pause_ms = std::stoi(next());
    else if (a == "--kill-all-rounds") cfg.kill_all_rounds = std::stoi(next());
    else if (a == "--seed") cfg.seed = static_cast<unsigned>(std::stoul(next()));
    else {
      std::fprintf(stderr, "refcluster_recovery_bench: unknown argument %s (see the top of bench/recovery_bench.cpp)\n", a.c_str());
      std::exit(2);
    }
  }
  return cfg;
}

}  // namespace

int main(int argc, char** argv) {
  const Config cfg = parse(argc, argv);
  char dir_template[] = "/tmp/refcluster-bench-XXXXXX";
  if (!mkdtemp(dir_template)) return 2;
  const std::string events_path = std::string(dir_template) + "/events.jsonl";
  const pid_t primary = launch(cfg, events_path);
  EventTail tail(events_path);
  const auto all_ready = [&] {
    tail.poll();
    return static_cast<int>(tail.ready_by_slot().size()) == cfg.workers;
  };
  int status = 2;
  if (primary > 0 && wait_for(all_ready, 5000)) {
    std::mt19937 rng(cfg.seed);
    std::vector<double> single[3];
    for (int k = 0; k < cfg.kills; ++k) {
      if (!kill_one(tail, rng, single)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(cfg.pause_ms));
    }
    std::printf("refcluster --workers %d, %zu single kills (pause %d ms):\n", cfg.workers, single[0].size(), cfg.pause_ms);
    print("  SIGKILL -> replacement ready", single[0]);
    print("  exit reaped -> replacement ready", single[1]);
    print("  fork -> ready", single[2]);
    const KillAllResult all = kill_all(tail, cfg);
    std::printf("kill-all, %zu rounds:\n", all.recovery_ms.size());
    print("  SIGKILL all -> every slot ready", all.recovery_ms);
    std::printf("  client during kill-all: %d ok, %d refused, %d lost on a killed worker's connection\n", all.ok,
                all.refused, all.lost);
    status = static_cast<int>(single[0].size()) == cfg.kills && all.refused == 0 ? 0 : 1;
  } else {
    std::fprintf(stderr, "refcluster_recovery_bench: %s did not start\n", cfg.refcluster.c_str());
  }
  if (primary > 0) {
    kill(primary, SIGTERM);  // our own child: unreaped, so the pid cannot have been recycled
    waitpid(primary, nullptr, 0);
    kill(-primary, SIGKILL);  // anything of its group that outlived it
  }
  std::filesystem::remove_all(dir_template);
  return status;
}
