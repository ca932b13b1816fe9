#include "tests/support/spawned.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "common/free_port.hpp"
#include "common/unique_fd.hpp"

namespace forkcheck::testing {

Spawned Spawned::start(const std::vector<std::string>& argv, const std::string& output_path) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    setpgid(0, 0);
    // A test runner killed mid-test must not leave the program behind.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    if (!output_path.empty()) {
      const int fd = open(output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
      }
    }
    execv(args[0], args.data());
    _exit(127);
  }
  setpgid(pid, pid);  // both sides, so the group exists before either continues
  Spawned s;
  s.pid_ = pid;
  s.pidfd_ = Pidfd::open(pid);
  return s;
}

Spawned::Spawned(Spawned&& other) noexcept
    : pid_(std::exchange(other.pid_, 0)), pidfd_(std::move(other.pidfd_)), reaped_(other.reaped_) {
  other.pidfd_.reset();
}

Spawned::~Spawned() {
  if (pid_ > 0) kill_group();
}

bool Spawned::signal(int signo) const { return pidfd_ && pidfd_->send_signal(signo); }

std::optional<int> Spawned::wait_until(mono_ns deadline) {
  if (reaped_ || pid_ <= 0) return std::nullopt;
  for (;;) {
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      return status;
    }
    if (monotonic_ns() >= deadline) return std::nullopt;
    if (pidfd_) pidfd_->wait_exit_until(std::min(deadline, monotonic_ns() + ms_to_ns(50)));
    else usleep(1000);
  }
}

void Spawned::kill_group() {
  if (pid_ <= 0) return;
  // The group id is the leader's pid; while the leader is unreaped that pgid cannot be reused.
  if (!reaped_) ::kill(-pid_, SIGKILL);
  const mono_ns deadline = monotonic_ns() + ms_to_ns(5000);
  if (!reaped_) wait_until(deadline);
  // Members that outlived the leader keep the group alive; the pgid is ours until they are gone.
  for (int round = 0; round < 100 && !group_members(pid_).empty(); ++round) {
    ::kill(-pid_, SIGKILL);
    usleep(10'000);
  }
  pid_ = 0;
}

std::vector<pid_t> children_of(pid_t pid) {
  std::vector<pid_t> out;
  const std::string task_dir = "/proc/" + std::to_string(pid) + "/task";
  DIR* d = opendir(task_dir.c_str());
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    std::ifstream in(task_dir + "/" + e->d_name + "/children");
    pid_t child = 0;
    while (in >> child) out.push_back(child);
  }
  closedir(d);
  return out;
}

namespace {
// Fields of /proc/<pid>/stat after the command: state is the first, pgrp the third.
// read(2), not an ifstream: reading the stat of a process that dies meanwhile fails with ESRCH,
// which libstdc++'s filebuf turns into an exception an istreambuf_iterator does not catch.
bool read_stat(pid_t pid, char& state, pid_t& pgrp) {
  const std::string path = "/proc/" + std::to_string(pid) + "/stat";
  const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return false;
  char buffer[1024];
  const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
  if (n <= 0) return false;
  const std::string text(buffer, static_cast<std::size_t>(n));
  const auto close = text.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream rest(text.substr(close + 1));
  pid_t ppid = 0;
  return static_cast<bool>(rest >> state >> ppid >> pgrp);
}
}  // namespace

bool process_alive(pid_t pid) {
  char state = 0;
  pid_t pgrp = 0;
  return read_stat(pid, state, pgrp) && state != 'Z' && state != 'X';
}

std::vector<pid_t> group_members(pid_t pgid) {
  std::vector<pid_t> out;
  DIR* d = opendir("/proc");
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    char* end = nullptr;
    const long pid = std::strtol(e->d_name, &end, 10);
    if (*end != '\0' || pid <= 0) continue;
    char state = 0;
    pid_t pgrp = 0;
    if (read_stat(static_cast<pid_t>(pid), state, pgrp) && pgrp == pgid && state != 'Z' && state != 'X')
      out.push_back(static_cast<pid_t>(pid));
  }
  closedir(d);
  return out;
}

int free_port() { return forkcheck::pick_free_port(); }

UniqueFd connect_loopback(int port) {
  UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (!fd || connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return {};
  return fd;
}

bool wait_for_port(int port, int timeout_ms) {
  return eventually([port] { return connect_loopback(port).valid(); }, timeout_ms, 5);
}

#ifndef FORKCHECK_TEST_REFCLUSTER_BIN
#define FORKCHECK_TEST_REFCLUSTER_BIN ""
#endif
#ifndef FORKCHECK_TEST_FORKCHECK_BIN
#define FORKCHECK_TEST_FORKCHECK_BIN ""
#endif
#ifndef FORKCHECK_TEST_BROKENCLUSTER_BIN
#define FORKCHECK_TEST_BROKENCLUSTER_BIN ""
#endif
#ifndef FORKCHECK_TEST_SOURCE_DIR
#define FORKCHECK_TEST_SOURCE_DIR ""
#endif

std::string binary_from_env(const char* variable) {
  if (const char* value = std::getenv(variable); value && *value) return value;
  static const std::pair<std::string_view, const char*> kBuildTree[] = {
      {"REFCLUSTER_BIN", FORKCHECK_TEST_REFCLUSTER_BIN},
      {"FORKCHECK_BIN", FORKCHECK_TEST_FORKCHECK_BIN},
      {"BROKENCLUSTER_BIN", FORKCHECK_TEST_BROKENCLUSTER_BIN},
      {"FORKCHECK_SOURCE_DIR", FORKCHECK_TEST_SOURCE_DIR},
  };
  for (const auto& [name, path] : kBuildTree)
    if (name == variable && *path) return path;
  throw std::runtime_error(std::string(variable) + " is not set and the build tree has no such program");
}

}  // namespace forkcheck::testing
