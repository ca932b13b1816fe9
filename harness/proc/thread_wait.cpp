#include "harness/proc/thread_wait.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <string>

#include "common/unique_fd.hpp"

namespace forkcheck::harness {
namespace {

// poll and select sets read from the thread's memory are capped: a server's listening socket has a
// low descriptor number, and a bounded read keeps one look cheap.
constexpr std::uint64_t kMaxPollFds = 4096;
constexpr std::uint64_t kMaxSelectFds = 65536;

std::string_view next_word(std::string_view& rest) {
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\n' || rest.front() == '\t')) rest.remove_prefix(1);
  const size_t end = rest.find_first_of(" \n\t");
  std::string_view word = rest.substr(0, end);
  rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
  return word;
}

template <typename Int>
bool parse_number(std::string_view s, Int& out) {
  int base = 10;
  if (s.starts_with("0x")) s.remove_prefix(2), base = 16;
  if (s.empty()) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out, base);
  return ec == std::errc() && ptr == s.data() + s.size();
}

std::string read_small_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  std::string out;
  if (!fd) return out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd.get(), buf, sizeof buf)) > 0 && out.size() < (1U << 20);) out.append(buf, static_cast<size_t>(n));
  return out;
}

bool contains(const std::vector<int>& fds, std::uint64_t fd) {
  return std::find(fds.begin(), fds.end(), static_cast<int>(fd)) != fds.end();
}

bool read_memory(pid_t pid, std::uint64_t address, void* out, std::size_t len) {
  iovec local{out, len};
  iovec remote{reinterpret_cast<void*>(static_cast<std::uintptr_t>(address)), len};
  return ::process_vm_readv(pid, &local, 1, &remote, 1, 0) == static_cast<ssize_t>(len);
}

bool epoll_holds(pid_t pid, std::uint64_t epfd, const std::vector<int>& fds) {
  const std::string info = read_small_file("/proc/" + std::to_string(pid) + "/fdinfo/" + std::to_string(epfd));
  const std::vector<int> targets = parse_epoll_targets(info);
  return std::any_of(targets.begin(), targets.end(), [&fds](int t) { return contains(fds, static_cast<std::uint64_t>(t)); });
}

bool poll_holds(pid_t pid, std::uint64_t address, std::uint64_t count, const std::vector<int>& fds) {
  if (address == 0 || count == 0) return false;
  std::vector<pollfd> set(std::min(count, kMaxPollFds));
  if (!read_memory(pid, address, set.data(), set.size() * sizeof(pollfd))) return false;
  return std::any_of(set.begin(), set.end(), [&fds](const pollfd& p) {
    return p.fd >= 0 && (p.events & POLLIN) && contains(fds, static_cast<std::uint64_t>(p.fd));
  });
}

// select's read set: a bitmap of nfds bits in unsigned longs.
bool select_holds(pid_t pid, std::uint64_t nfds, std::uint64_t readfds, const std::vector<int>& fds) {
  if (readfds == 0 || nfds == 0) return false;
  constexpr std::uint64_t kBits = 8 * sizeof(unsigned long);
  const std::uint64_t bits = std::min(nfds, kMaxSelectFds);
  std::vector<unsigned long> set((bits + kBits - 1) / kBits);
  if (!read_memory(pid, readfds, set.data(), set.size() * sizeof(unsigned long))) return false;
  return std::any_of(fds.begin(), fds.end(), [&](int fd) {
    const auto f = static_cast<std::uint64_t>(fd);
    return fd >= 0 && f < bits && ((set[f / kBits] >> (f % kBits)) & 1UL);
  });
}

bool thread_waits_on(pid_t pid, const SyscallState& s, const std::vector<int>& fds) {
  if (!s.in_syscall) return false;
  switch (wait_call_of(s.number)) {
    case WaitCall::accept: return contains(fds, s.args[0]);
    case WaitCall::epoll: return epoll_holds(pid, s.args[0], fds);
    case WaitCall::poll: return poll_holds(pid, s.args[0], s.args[1], fds);
    case WaitCall::select: return select_holds(pid, s.args[0], s.args[1], fds);
    case WaitCall::none: return false;
  }
  return false;
}

}  // namespace

std::optional<SyscallState> parse_proc_syscall(std::string_view text) {
  std::string_view rest = text;
  const std::string_view first = next_word(rest);
  if (first == "running") return SyscallState{};
  SyscallState s;
  if (!parse_number(first, s.number)) return std::nullopt;
  if (s.number < 0) return SyscallState{};  // blocked, but not in a system call
  for (auto& arg : s.args)
    if (!parse_number(next_word(rest), arg)) return std::nullopt;
  s.in_syscall = true;
  return s;
}

std::vector<int> parse_epoll_targets(std::string_view fdinfo) {
  std::vector<int> out;
  for (size_t at = fdinfo.find("tfd:"); at != std::string_view::npos; at = fdinfo.find("tfd:", at + 4)) {
    if (at > 0 && fdinfo[at - 1] != '\n') continue;
    std::string_view rest = fdinfo.substr(at + 4);
    int fd = -1;
    if (parse_number(next_word(rest), fd)) out.push_back(fd);
  }
  return out;
}

WaitCall wait_call_of(long n) {
#ifdef SYS_accept
  if (n == SYS_accept) return WaitCall::accept;
#endif
#ifdef SYS_accept4
  if (n == SYS_accept4) return WaitCall::accept;
#endif
#ifdef SYS_epoll_wait
  if (n == SYS_epoll_wait) return WaitCall::epoll;
#endif
#ifdef SYS_epoll_pwait
  if (n == SYS_epoll_pwait) return WaitCall::epoll;
#endif
#ifdef SYS_epoll_pwait2
  if (n == SYS_epoll_pwait2) return WaitCall::epoll;
#endif
#ifdef SYS_poll
  if (n == SYS_poll) return WaitCall::poll;
#endif
#ifdef SYS_ppoll
  if (n == SYS_ppoll) return WaitCall::poll;
#endif
#ifdef SYS_select
  if (n == SYS_select) return WaitCall::select;
#endif
#ifdef SYS_pselect6
  if (n == SYS_pselect6) return WaitCall::select;
#endif
  return WaitCall::none;
}

bool waits_on(pid_t pid, const std::vector<int>& fds) {
  if (fds.empty()) return false;
  const std::string tasks = "/proc/" + std::to_string(pid) + "/task/";
  DIR* d = ::opendir(tasks.c_str());
  if (!d) return false;
  bool waiting = false;
  while (const dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    const auto state = parse_proc_syscall(read_small_file(tasks + e->d_name + "/syscall"));
    if (state && thread_waits_on(pid, *state, fds)) {
      waiting = true;
      break;
    }
  }
  ::closedir(d);
  return waiting;
}

}  // namespace forkcheck::harness
