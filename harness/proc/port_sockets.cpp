#include "harness/proc/port_sockets.hpp"

#include <algorithm>
#include <unordered_map>

namespace forkcheck::harness {

PortSockets port_sockets(const std::vector<TcpEntry>& table, std::uint16_t port) {
  PortSockets out;
  out.port = port;
  for (const TcpEntry& e : table) {
    if (e.local_port != port || e.inode == 0) continue;
    if (e.state == static_cast<int>(TcpState::listen)) out.listening.push_back(e.inode);
    else if (e.state == static_cast<int>(TcpState::established) || e.state == static_cast<int>(TcpState::close_wait))
      out.accepted.push_back(e);
  }
  std::sort(out.listening.begin(), out.listening.end());
  out.listening.erase(std::unique(out.listening.begin(), out.listening.end()), out.listening.end());
  return out;
}

std::optional<PortSockets> read_port_sockets(std::uint16_t port) {
  const auto table = tcp_entries(tcp_state_bit(TcpState::listen) | tcp_state_bit(TcpState::established) |
                                 tcp_state_bit(TcpState::close_wait));
  if (!table) return std::nullopt;
  return port_sockets(*table, port);
}

HeldOnPort held_on_port(const std::vector<FdSocket>& fds, const PortSockets& port) {
  HeldOnPort out;
  for (const FdSocket& s : fds) {
    if (std::binary_search(port.listening.begin(), port.listening.end(), s.inode)) {
      out.listening_fds.push_back(s.fd);
    } else if (std::any_of(port.accepted.begin(), port.accepted.end(),
                           [&s](const TcpEntry& e) { return e.inode == s.inode; })) {
      ++out.connections;
    }
  }
  return out;
}

std::map<std::uint16_t, pid_t> server_side_owners(const PortSockets& port, const std::vector<std::uint16_t>& client_ports,
                                                  const std::map<pid_t, std::vector<FdSocket>>& fd_tables) {
  std::unordered_map<std::uint64_t, std::uint16_t> wanted;  // server-side inode -> client port
  for (const TcpEntry& e : port.accepted)
    if (std::find(client_ports.begin(), client_ports.end(), e.remote_port) != client_ports.end())
      wanted.emplace(e.inode, e.remote_port);
  std::map<std::uint16_t, pid_t> out;
  if (wanted.empty()) return out;
  for (const auto& [pid, fds] : fd_tables)
    for (const FdSocket& s : fds)
      if (const auto it = wanted.find(s.inode); it != wanted.end()) out.emplace(it->second, pid);
  return out;
}

}  // namespace forkcheck::harness
