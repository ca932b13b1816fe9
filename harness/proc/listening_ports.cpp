#include "harness/proc/listening_ports.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "harness/proc/socket_owners.hpp"

namespace forkcheck::harness {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::vector<std::uint16_t> listening_ports_of(const std::vector<pid_t>& pids) {
  std::vector<std::uint16_t> ports;
  for (const pid_t pid : pids) {
    std::vector<std::uint64_t> inodes = socket_inodes_of(pid);
    if (inodes.empty()) continue;
    std::sort(inodes.begin(), inodes.end());
    // The process's own network namespace's tables. They list every socket of the host (TIME_WAIT
    // ones too), which is slow on a busy host: this is read on an error path only.
    for (const char* table : {"/net/tcp", "/net/tcp6"})
      for (const TcpEntry& e : parse_proc_net_tcp(read_file("/proc/" + std::to_string(pid) + table)))
        if (e.state == static_cast<int>(TcpState::listen) && std::binary_search(inodes.begin(), inodes.end(), e.inode))
          ports.push_back(e.local_port);
  }
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  return ports;
}

}  // namespace forkcheck::harness
