#include "harness/observe/connection_owners.hpp"

#include <algorithm>

#include "harness/proc/port_sockets.hpp"

namespace forkcheck::harness {

std::vector<std::uint16_t> ConnectionPids::unresolved_ports(const std::vector<RequestRecord>& batch) const {
  std::vector<std::uint16_t> out;
  for (const RequestRecord& r : batch)
    if (wants_pid(r) && !owners_.contains(key_of(r))) out.push_back(r.local_port);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void ConnectionPids::learn(const std::vector<RequestRecord>& batch, const std::map<std::uint16_t, pid_t>& owners) {
  // Bounded memory: a run of fresh connections per request would otherwise remember every one.
  if (owners_.size() > kMaxRemembered) owners_.clear();
  for (const RequestRecord& r : batch) {
    if (!wants_pid(r) || owners_.contains(key_of(r))) continue;
    const auto it = owners.find(r.local_port);
    owners_.emplace(key_of(r), it == owners.end() ? 0 : it->second);
  }
}

std::size_t ConnectionPids::fill(std::vector<RequestRecord>& batch) const {
  std::size_t filled = 0;
  for (RequestRecord& r : batch) {
    if (!wants_pid(r)) continue;
    if (const auto it = owners_.find(key_of(r)); it != owners_.end() && it->second != 0) {
      r.worker_pid = it->second;
      ++filled;
    }
  }
  return filled;
}

ServingPidResolver::ServingPidResolver(std::uint16_t server_port)
    : port_(server_port), available_(read_port_sockets(server_port).has_value()) {}

void ServingPidResolver::resolve(std::vector<RequestRecord>& batch, const std::vector<pid_t>& candidates) {
  if (!available_) return;
  const std::vector<std::uint16_t> ports = pids_.unresolved_ports(batch);
  if (!ports.empty()) {
    std::map<std::uint16_t, pid_t> owners;
    const auto port = read_port_sockets(port_);
    // The candidates' fd tables are read only when one of the wanted connections still exists.
    const bool any = port && std::any_of(port->accepted.begin(), port->accepted.end(), [&ports](const TcpEntry& e) {
                       return std::binary_search(ports.begin(), ports.end(), e.remote_port);
                     });
    if (any) {
      std::map<pid_t, std::vector<FdSocket>> tables;
      for (pid_t pid : candidates)
        if (auto fds = socket_fds_of(pid)) tables.emplace(pid, std::move(*fds));
      owners = server_side_owners(*port, ports, tables);
    }
    pids_.learn(batch, owners);
  }
  attributed_ += pids_.fill(batch);
}

}  // namespace forkcheck::harness
