#include "harness/proc/socket_owners.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>
#include <string>

#include "common/unique_fd.hpp"

namespace forkcheck::harness {
namespace {

std::string_view next_field(std::string_view& rest) {
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  const size_t end = rest.find_first_of(" \t");
  std::string_view field = rest.substr(0, end);
  rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
  return field;
}

template <typename Int>
bool parse_int(std::string_view s, Int& out, int base) {
  if (s.empty()) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out, base);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// "0100007F:1F90" (v4) or 32 hex digits ":1F90" (v6) -> port; the address width tells v4 from v6.
bool parse_endpoint(std::string_view field, std::uint16_t& port, bool& v6) {
  const size_t colon = field.find(':');
  if (colon == std::string_view::npos) return false;
  const size_t addr_len = colon;
  if (addr_len != 8 && addr_len != 32) return false;
  v6 = addr_len == 32;
  return parse_int(field.substr(colon + 1), port, 16);
}

// One table line: "  0: 0100007F:1F90 0100007F:D2A4 01 00000000:00000000 00:00000000 00000000
// 0 0 12345 1 ..." — sl, local, remote, st, tx:rx, tr:when, retrnsmt, uid, timeout, inode.
bool parse_line(std::string_view line, TcpEntry& out) {
  std::string_view rest = line;
  const std::string_view sl = next_field(rest);
  if (sl.empty() || sl.back() != ':') return false;
  bool local_v6 = false, remote_v6 = false;
  if (!parse_endpoint(next_field(rest), out.local_port, local_v6)) return false;
  if (!parse_endpoint(next_field(rest), out.remote_port, remote_v6) || local_v6 != remote_v6) return false;
  if (!parse_int(next_field(rest), out.state, 16)) return false;
  for (int skip = 0; skip < 5; ++skip) next_field(rest);  // tx:rx tr:when retrnsmt uid timeout
  if (!parse_int(next_field(rest), out.inode, 10)) return false;
  out.v6 = local_v6;
  return true;
}

std::string read_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  std::string out;
  if (!fd) return out;
  char buf[16384];
  for (ssize_t n; (n = ::read(fd.get(), buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  return out;
}

}  // namespace

std::vector<TcpEntry> parse_proc_net_tcp(std::string_view text) {
  std::vector<TcpEntry> out;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    TcpEntry entry;
    if (parse_line(line, entry)) out.push_back(entry);
  }
  return out;
}

std::optional<std::vector<FdSocket>> socket_fds_of(pid_t pid) {
  const std::string dir = "/proc/" + std::to_string(pid) + "/fd/";
  DIR* d = ::opendir(dir.c_str());
  if (!d) return std::nullopt;
  std::vector<FdSocket> out;
  while (const dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    char target[64];
    const ssize_t n = ::readlink((dir + e->d_name).c_str(), target, sizeof target - 1);
    if (n <= 0) continue;
    const std::string_view link(target, static_cast<size_t>(n));
    constexpr std::string_view prefix = "socket:[";
    if (!link.starts_with(prefix) || link.back() != ']') continue;
    FdSocket s;
    if (parse_int(link.substr(prefix.size(), link.size() - prefix.size() - 1), s.inode, 10) &&
        parse_int(std::string_view(e->d_name), s.fd, 10))
      out.push_back(s);
  }
  ::closedir(d);
  return out;
}

std::vector<std::uint64_t> socket_inodes_of(pid_t pid) {
  std::vector<std::uint64_t> out;
  if (const auto fds = socket_fds_of(pid))
    for (const FdSocket& s : *fds) out.push_back(s.inode);
  return out;
}

namespace {

// One NETLINK_SOCK_DIAG dump of a family's TCP sockets in the given states. Bounded: a receive
// timeout, and at most kMaxReads datagrams (each holds dozens of sockets).
bool dump_tcp(int fd, int family, std::uint32_t states, std::vector<TcpEntry>& out) {
  struct {
    nlmsghdr header;
    inet_diag_req_v2 request;
  } message{};
  message.header.nlmsg_len = sizeof message;
  message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  message.request.sdiag_family = static_cast<std::uint8_t>(family);
  message.request.sdiag_protocol = IPPROTO_TCP;
  message.request.idiag_states = states;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd, &message, sizeof message, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) return false;
  constexpr int kMaxReads = 100'000;
  char buf[32768];
  for (int read = 0; read < kMaxReads; ++read) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    const auto len = static_cast<std::size_t>(n);
    // NLMSG_OK/NEXT, spelled out with unsigned sizes (the macros mix signedness), as in proc_connector.
    for (std::size_t at = 0; at + sizeof(nlmsghdr) <= len;) {
      nlmsghdr h{};
      std::memcpy(&h, buf + at, sizeof h);
      if (h.nlmsg_len < sizeof(nlmsghdr) || h.nlmsg_len > len - at) return false;
      if (h.nlmsg_type == NLMSG_DONE) return true;
      // NLMSG_ERROR: the kernel has no sock_diag for this family.
      if (h.nlmsg_type != SOCK_DIAG_BY_FAMILY || h.nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg))) return false;
      inet_diag_msg d{};
      std::memcpy(&d, buf + at + NLMSG_HDRLEN, sizeof d);
      out.push_back(TcpEntry{.local_port = ntohs(d.id.idiag_sport),
                             .remote_port = ntohs(d.id.idiag_dport),
                             .state = d.idiag_state,
                             .inode = d.idiag_inode,
                             .v6 = family == AF_INET6});
      at += NLMSG_ALIGN(h.nlmsg_len);
    }
  }
  return false;
}

bool in_our_network_namespace(pid_t pid) {
  struct stat ours {}, theirs {};
  return ::stat("/proc/self/ns/net", &ours) == 0 &&
         ::stat(("/proc/" + std::to_string(pid) + "/ns/net").c_str(), &theirs) == 0 &&
         ours.st_dev == theirs.st_dev && ours.st_ino == theirs.st_ino;
}

// The victim's established sockets from /proc/<pid>/net/tcp{,6}: the whole table as text, TIME_WAIT
// included, so it is slow on a busy host; used only when the victim is in another namespace.
std::vector<TcpEntry> proc_tables_of(pid_t pid) {
  std::vector<TcpEntry> out;
  const std::string net = "/proc/" + std::to_string(pid) + "/net/";
  for (const char* table : {"tcp", "tcp6"})
    for (const TcpEntry& e : parse_proc_net_tcp(read_file(net + table)))
      if (e.state == static_cast<int>(TcpState::established)) out.push_back(e);
  return out;
}

}  // namespace

std::optional<std::vector<TcpEntry>> tcp_entries(std::uint32_t state_mask) {
  UniqueFd fd(::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG));
  if (!fd) return std::nullopt;
  const timeval timeout{1, 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::vector<TcpEntry> out;
  for (int family : {AF_INET, AF_INET6})
    if (!dump_tcp(fd.get(), family, state_mask, out)) return std::nullopt;
  return out;
}

std::optional<std::vector<TcpEntry>> established_tcp_entries() {
  return tcp_entries(tcp_state_bit(TcpState::established));
}

std::vector<std::uint16_t> client_ports_of(const std::vector<pid_t>& pids, std::uint16_t server_port) {
  std::vector<std::uint16_t> ports;
  std::optional<std::vector<TcpEntry>> ours;  // our namespace's table, asked for once
  for (const pid_t pid : pids) {
    std::vector<std::uint64_t> inodes = socket_inodes_of(pid);
    if (inodes.empty()) continue;
    std::sort(inodes.begin(), inodes.end());
    // The victim's own network namespace: the same as ours unless the target runs in another one.
    const bool here = in_our_network_namespace(pid) && (ours || (ours = established_tcp_entries()));
    std::vector<TcpEntry> theirs;
    if (!here) theirs = proc_tables_of(pid);
    const std::vector<TcpEntry>& table = here ? *ours : theirs;
    for (const TcpEntry& e : table) {
      if (e.state != static_cast<int>(TcpState::established) || e.local_port != server_port) continue;
      if (std::binary_search(inodes.begin(), inodes.end(), e.inode)) ports.push_back(e.remote_port);
    }
  }
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  return ports;
}

}  // namespace forkcheck::harness
