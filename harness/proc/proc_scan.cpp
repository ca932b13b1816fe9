#include "harness/proc/proc_scan.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <string>

#include "common/unique_fd.hpp"

namespace forkcheck::harness {
namespace {

// Small /proc files are read with one read(): no iostreams in a 1 kHz sampling loop.
std::string read_small_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return {};
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// Splits off the next space-separated field of `rest`.
std::string_view next_field(std::string_view& rest) {
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  const size_t end = rest.find_first_of(" \n");
  std::string_view field = rest.substr(0, end);
  rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
  return field;
}

template <typename Int>
bool to_int(std::string_view s, Int& out) {
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// Calls `fn(pid)` for every numeric entry of `dir`.
template <typename Fn>
void for_each_pid_entry(const std::string& dir, Fn fn) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return;
  while (const dirent* e = ::readdir(d)) {
    pid_t pid = 0;
    if (to_int(std::string_view(e->d_name), pid) && pid > 0) fn(pid);
  }
  ::closedir(d);
}

}  // namespace

std::optional<ProcStat> parse_proc_stat(std::string_view text) {
  const size_t close = text.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view rest = text.substr(close + 1);
  ProcStat st;
  const std::string_view state = next_field(rest);
  if (state.size() != 1) return std::nullopt;
  st.state = state.front();
  if (!to_int(next_field(rest), st.ppid) || !to_int(next_field(rest), st.pgrp)) return std::nullopt;
  // Field 52 (exit_code) is the 49th after pgrp (field 5); absent on old kernels.
  for (int field = 6; field < 52 && !rest.empty(); ++field) next_field(rest);
  int code = 0;
  if (to_int(next_field(rest), code)) st.exit_code = code;
  return st;
}

std::optional<ProcStat> read_proc_stat(pid_t pid) {
  const std::string text = read_small_file("/proc/" + std::to_string(pid) + "/stat");
  if (text.empty()) return std::nullopt;
  return parse_proc_stat(text);
}

bool process_alive(pid_t pid) {
  const auto st = read_proc_stat(pid);
  return st && st->alive();
}

bool every_thread_stopped(pid_t pid) {
  const std::string task_dir = "/proc/" + std::to_string(pid) + "/task/";
  int threads = 0;
  bool stopped = true;
  for_each_pid_entry(task_dir, [&](pid_t tid) {
    const auto st = parse_proc_stat(read_small_file(task_dir + std::to_string(tid) + "/stat"));
    if (!st) return;  // the thread ended meanwhile
    ++threads;
    if (st->state != 'T' && st->state != 't') stopped = false;
  });
  return threads > 0 && stopped;
}

std::vector<pid_t> children_of(pid_t pid) {
  std::vector<pid_t> out;
  const std::string task_dir = "/proc/" + std::to_string(pid) + "/task/";
  for_each_pid_entry(task_dir, [&](pid_t tid) {
    std::string_view rest;
    const std::string text = read_small_file(task_dir + std::to_string(tid) + "/children");
    rest = text;
    for (std::string_view f = next_field(rest); !f.empty(); f = next_field(rest)) {
      pid_t child = 0;
      if (to_int(f, child)) out.push_back(child);
    }
  });
  return out;
}

std::string read_command_line(pid_t pid) {
  std::string text = read_small_file("/proc/" + std::to_string(pid) + "/cmdline");
  while (!text.empty() && text.back() == '\0') text.pop_back();
  for (char& c : text)
    if (c == '\0') c = ' ';
  return text;
}

std::vector<pid_t> group_members(pid_t pgid) {
  std::vector<pid_t> out;
  if (pgid <= 0) return out;
  for_each_pid_entry("/proc", [&](pid_t pid) {
    const auto st = read_proc_stat(pid);
    if (st && st->pgrp == pgid && st->alive()) out.push_back(pid);
  });
  return out;
}

}  // namespace forkcheck::harness
