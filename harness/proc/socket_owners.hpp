#pragma once
// Which client connections a server process holds: its socket inodes (/proc/<pid>/fd) joined with
// the kernel's established TCP sockets, in the process's own network namespace. The fault injector
// records these for a frozen victim so that no_dropped_requests can excuse exactly the failures on
// connections that victim had accepted. The table comes from a sock_diag netlink dump filtered to
// ESTABLISHED in the kernel: /proc/net/tcp lists every TIME_WAIT socket of the host as text, and
// on a busy host reading it took hundreds of ms per victim, all that time with the victims frozen
// (which delayed the kill itself). /proc/<pid>/net/tcp{,6} remains for a victim in another
// network namespace.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace forkcheck::harness {

enum class TcpState : int { established = 1, listen = 10 };  // the codes this module uses

struct TcpEntry {
  std::uint16_t local_port = 0;
  std::uint16_t remote_port = 0;
  int state = 0;            // the kernel's TCP state code (1 = ESTABLISHED, 10 = LISTEN, ...)
  std::uint64_t inode = 0;  // 0 for a socket no process holds (e.g. TIME_WAIT)
  bool v6 = false;
};

// Pure: the text of /proc/net/tcp or /proc/net/tcp6 (header line skipped, malformed lines dropped).
// Addresses are not kept: only ports, state and inode are needed to attribute connections.
std::vector<TcpEntry> parse_proc_net_tcp(std::string_view text);

// Inodes of the sockets in /proc/<pid>/fd (readlink gives "socket:[inode]"). Empty when gone.
std::vector<std::uint64_t> socket_inodes_of(pid_t pid);

// Every ESTABLISHED TCP socket (v4 and v6) of this process's network namespace, by sock_diag
// netlink; empty optional when the kernel cannot answer (no sock_diag).
std::optional<std::vector<TcpEntry>> established_tcp_entries();

// For established connections held by any of `pids` whose local port is `server_port`: the remote
// port, which is the client's local port. Sorted, unique.
std::vector<std::uint16_t> client_ports_of(const std::vector<pid_t>& pids, std::uint16_t server_port);

}  // namespace forkcheck::harness
