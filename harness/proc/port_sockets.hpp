#pragma once
// The target's port as the kernel shows it: its listening sockets and the server side of every
// connection accepted on it, and which process holds which. Workers are found by this (a child of
// the primary holding the listening socket, or owning a connection accepted on the port), and each
// load connection is attributed to the process that serves it (docs/design.md, section 5). The joins
// are pure, so they are tested on hand-made tables; read_port_table is the one sock_diag dump.
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "harness/proc/socket_owners.hpp"

namespace forkcheck::harness {

struct PortSockets {
  std::uint16_t port = 0;
  std::vector<std::uint64_t> listening;  // inodes of LISTEN sockets on the port, sorted
  std::vector<TcpEntry> accepted;        // server sides of connections on the port held by a process
};

// Pure: the port's sockets out of a table of the namespace's TCP sockets. Accepted connections are
// ESTABLISHED or CLOSE_WAIT (the client closed first) with an inode (a socket still in the accept
// queue, or one every process has closed, has none).
PortSockets port_sockets(const std::vector<TcpEntry>& table, std::uint16_t port);

// One sock_diag dump of the LISTEN, ESTABLISHED and CLOSE_WAIT sockets, reduced to the port's.
// Empty optional when the kernel cannot answer.
std::optional<PortSockets> read_port_sockets(std::uint16_t port);

// What one process holds on the port, from its socket descriptors (pure).
struct HeldOnPort {
  std::vector<int> listening_fds;  // its descriptors of the port's listening sockets
  int connections = 0;             // accepted connections on the port it holds
  bool any() const { return !listening_fds.empty() || connections > 0; }
};
HeldOnPort held_on_port(const std::vector<FdSocket>& fds, const PortSockets& port);

// Pure: for each client port (the load's side of a connection), the process among `fd_tables` that
// holds the server side of that connection. Ports whose server side no listed process holds are absent.
std::map<std::uint16_t, pid_t> server_side_owners(const PortSockets& port, const std::vector<std::uint16_t>& client_ports,
                                                  const std::map<pid_t, std::vector<FdSocket>>& fd_tables);

}  // namespace forkcheck::harness
