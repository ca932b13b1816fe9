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

enum class TcpState : int { established = 1, close_wait = 8, listen = 10 };  // the codes this module uses

// A bit of a sock_diag state mask.
constexpr std::uint32_t tcp_state_bit(TcpState s) { return 1U << static_cast<int>(s); }

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

// A socket descriptor of a process: its number there and the socket's inode.
struct FdSocket {
  int fd = -1;
  std::uint64_t inode = 0;
};
// The sockets in /proc/<pid>/fd with their descriptor numbers; empty optional when the directory
// cannot be read (the process is gone, or is not ours to look at).
std::optional<std::vector<FdSocket>> socket_fds_of(pid_t pid);

// Every TCP socket (v4 and v6) of this process's network namespace whose state is in `state_mask`
// (tcp_state_bit), by sock_diag netlink; empty optional when the kernel cannot answer (no sock_diag).
std::optional<std::vector<TcpEntry>> tcp_entries(std::uint32_t state_mask);
// tcp_entries of ESTABLISHED alone.
std::optional<std::vector<TcpEntry>> established_tcp_entries();

// For established connections held by any of `pids` whose local port is `server_port`: the remote
// port, which is the client's local port. Sorted, unique.
std::vector<std::uint16_t> client_ports_of(const std::vector<pid_t>& pids, std::uint16_t server_port);

}  // namespace forkcheck::harness
