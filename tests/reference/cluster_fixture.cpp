#include "tests/reference/cluster_fixture.hpp"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "common/pidfd.hpp"
#include "common/unique_fd.hpp"

namespace forkcheck::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "refcluster-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

HttpAnswer http_get(int port, int timeout_ms) {
  httplib::Client client("127.0.0.1", port);
  client.set_keep_alive(false);
  client.set_connection_timeout(std::chrono::milliseconds(timeout_ms));
  client.set_read_timeout(std::chrono::milliseconds(timeout_ms));
  const auto result = client.Get("/");
  if (!result)
    return {.connect_failed = result.error() == httplib::Error::Connection ||
                              result.error() == httplib::Error::ConnectionTimeout};
  HttpAnswer answer{.status = result->status, .body = result->body};
  if (result->has_header("X-Worker-Pid"))
    answer.worker_pid = static_cast<pid_t>(std::stol(result->get_header_value("X-Worker-Pid")));
  return answer;
}

std::string raw_exchange(int port, const std::string& request, int timeout_ms) {
  const UniqueFd fd = connect_loopback(port);
  if (!fd) return {};
  if (send(fd.get(), request.data(), request.size(), MSG_NOSIGNAL) < 0) return {};
  std::string out;
  const mono_ns deadline = monotonic_ns() + ms_to_ns(timeout_ms);
  char buffer[4096];
  for (mono_ns now = monotonic_ns(); now < deadline; now = monotonic_ns()) {
    pollfd p{fd.get(), POLLIN, 0};
    if (poll(&p, 1, static_cast<int>((deadline - now) / 1'000'000) + 1) <= 0) break;
    const ssize_t n = recv(fd.get(), buffer, sizeof buffer, 0);
    if (n <= 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
    // One complete answer is enough (httplib keeps the connection open after a 4xx).
    if (const auto end = out.find("\r\n\r\n"); end != std::string::npos && out.find("Content-Length: 0") < end)
      break;
  }
  return out;
}

Cluster Cluster::start(int workers, const std::vector<std::string>& extra, bool wait_until_ready) {
  Cluster c;
  c.dir_ = std::make_unique<TempDir>();
  c.workers_ = workers;
  std::vector<std::string> argv{binary_from_env("REFCLUSTER_BIN"), "--workers", std::to_string(workers),
                                "--port", "0", "--events", (c.dir() / "events.jsonl").string()};
  argv.insert(argv.end(), extra.begin(), extra.end());
  c.process_.emplace(Spawned::start(argv, (c.dir() / "output.txt").string()));
  const bool listening = eventually(
      [&] {
        const auto l = c.events_of(EventKind::listening);
        if (!l.empty()) c.port_ = l.front().port;
        return c.port_ != 0;
      },
      5000);
  if (!listening || (wait_until_ready && !c.wait_for_ready(workers, 5000)))
    throw std::runtime_error("refcluster did not start: " + c.output());
  return c;
}

std::string Cluster::output() const {
  std::ifstream in(dir() / "output.txt");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<Event> Cluster::events() const {
  std::vector<Event> out;
  std::ifstream in(dir() / "events.jsonl");
  std::string line;
  // A line being written may be incomplete: only lines ending in '\n' count.
  while (std::getline(in, line) && !in.eof())
    if (auto e = parse_event_line(line)) out.push_back(*e);
  return out;
}

std::vector<Event> Cluster::events_of(EventKind kind) const {
  auto all = events();
  std::erase_if(all, [kind](const Event& e) { return e.kind != kind; });
  return all;
}

std::vector<pid_t> Cluster::ready_workers() const {
  std::set<pid_t> ready;
  for (const Event& e : events()) {
    if (e.kind == EventKind::ready) ready.insert(e.pid);
    if (e.kind == EventKind::exit) ready.erase(e.pid);
  }
  return {ready.begin(), ready.end()};
}

bool Cluster::wait_for_ready(int count, int timeout_ms) const {
  return eventually([&] { return static_cast<int>(ready_workers().size()) == count; }, timeout_ms);
}

bool Cluster::wait_for_event(EventKind kind, int count, int timeout_ms) const {
  return eventually([&] { return static_cast<int>(events_of(kind).size()) >= count; }, timeout_ms);
}

bool Cluster::kill_worker(pid_t pid, int signo) {
  const auto handle = Pidfd::open(pid);
  return handle && handle->send_signal(signo);
}

}  // namespace forkcheck::testing
