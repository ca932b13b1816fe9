// Surface: the kernel's TCP tables as the fault injector reads them (parse_proc_net_tcp in
// harness/proc/socket_owners.hpp): /proc/<pid>/net/tcp of a process we do not control may be
// truncated mid-line or from a kernel with other columns.
// Invariants: no crash; malformed lines are dropped, never half-kept (at most one entry per line);
// and every entry kept, written back as a canonical table line, parses to itself.
#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.hpp"
#include "harness/proc/socket_owners.hpp"

namespace {

using forkcheck::harness::TcpEntry;

template <typename Int>
std::string to_text(Int value, int base) {
  char buf[32];
  const auto result = std::to_chars(buf, buf + sizeof buf, value, base);
  return std::string(buf, result.ptr);
}

std::string endpoint(bool v6, std::uint16_t port) {
  return std::string(v6 ? 32 : 8, '0') + ":" + to_text(port, 16);
}

// The kernel's column layout: sl, local, remote, st, tx:rx, tr:when, retrnsmt, uid, timeout, inode.
std::string canonical_line(std::size_t index, const TcpEntry& e) {
  return "  " + std::to_string(index) + ": " + endpoint(e.v6, e.local_port) + " " + endpoint(e.v6, e.remote_port) +
         " " + to_text(e.state, 16) + " 00000000:00000000 00:00000000 00000000 0 0 " + std::to_string(e.inode) +
         " 1 0000000000000000 20 4 30 10 -1\n";
}

bool same(const TcpEntry& a, const TcpEntry& b) {
  return a.local_port == b.local_port && a.remote_port == b.remote_port && a.state == b.state &&
         a.inode == b.inode && a.v6 == b.v6;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::vector<TcpEntry> entries = forkcheck::harness::parse_proc_net_tcp(text);
  const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  FUZZ_CHECK(entries.size() <= lines, "at most one entry per line");

  std::string table = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
  for (std::size_t i = 0; i < entries.size(); ++i) table += canonical_line(i, entries[i]);
  const std::vector<TcpEntry> reread = forkcheck::harness::parse_proc_net_tcp(table);
  FUZZ_CHECK(reread.size() == entries.size(), "every entry written back is read back");
  for (std::size_t i = 0; i < entries.size(); ++i) FUZZ_CHECK(same(reread[i], entries[i]), "an entry round-trips");
  return 0;
}
