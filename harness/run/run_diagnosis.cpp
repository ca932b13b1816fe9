#include "harness/run/run_diagnosis.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <vector>

#include "harness/proc/listening_ports.hpp"
#include "harness/proc/proc_scan.hpp"

namespace forkcheck::harness {
namespace {

constexpr std::size_t kMaxCommandChars = 80;

std::string short_command(pid_t pid) {
  std::string cmd = read_command_line(pid);
  if (cmd.size() > kMaxCommandChars) cmd = cmd.substr(0, kMaxCommandChars) + "...";
  return cmd.empty() ? std::string("?") : cmd;
}

}  // namespace

bool is_shell(pid_t pid) {
  std::error_code ec;
  const std::string exe = std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec).filename().string();
  static const std::set<std::string> kShells = {"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox"};
  return !ec && kShells.count(exe) > 0;
}

std::string describe_other_ports(pid_t primary, int port) {
  std::vector<pid_t> tree = group_members(primary);  // the target's process group: its id is the primary's pid
  if (std::find(tree.begin(), tree.end(), primary) == tree.end()) tree.push_back(primary);
  std::vector<std::uint16_t> ports = listening_ports_of(tree);
  ports.erase(std::remove(ports.begin(), ports.end(), static_cast<std::uint16_t>(port)), ports.end());
  if (ports.empty()) return {};
  std::string list;
  for (std::uint16_t p : ports) list += (list.empty() ? "" : ", ") + std::to_string(p);
  return "; it listens on port" + std::string(ports.size() > 1 ? "s " : " ") + list +
         " instead: forkcheck gives the target its port through {port} (e.g. '--port {port}'), and the target must "
         "listen on that one";
}

std::string describe_wrapper(pid_t primary) {
  for (pid_t child : children_of(primary)) {
    const std::vector<pid_t> grandchildren = children_of(child);
    if (grandchildren.empty()) continue;
    return "; the launched process (pid " + std::to_string(primary) + ", " + short_command(primary) +
           ") is not the primary: its child pid " + std::to_string(child) + " (" + short_command(child) + ") has " +
           std::to_string(grandchildren.size()) + (grandchildren.size() == 1 ? " child" : " children") +
           " of its own. forkcheck takes the launched process as the primary and its children as the "
           "workers: a wrapper script must start the server with exec (e.g. 'exec node server.js \"$@\"')";
  }
  return {};
}

}  // namespace forkcheck::harness
