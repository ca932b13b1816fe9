#include "harness/proc/socket_owners.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "common/unique_fd.hpp"

namespace forkcheck::harness {
namespace {

constexpr const char* kTcp4 =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 31337 1 0000000000000000 100 0 0 10 0\n"
    "   1: 0100007F:1F90 0100007F:D2A4 01 00000000:00000000 00:00000000 00000000     0        0 40001 1 0000000000000000 20 4 30 10 -1\n"
    "   2: 0100007F:D2A4 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 40002 1 0000000000000000 20 4 30 10 -1\n"
    "   3: 0100007F:1F90 0100007F:D2A6 06 00000000:00000000 03:00000FA0 00000000     0        0 0 3 0000000000000000\n";

constexpr const char* kTcp6 =
    "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    "   0: 00000000000000000000000001000000:1F90 00000000000000000000000001000000:C350 01 00000000:00000000 00:00000000 00000000     0        0 50001 1 0000000000000000 20 4 30 10 -1\n"
    "garbage line\n"
    "   1: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:C351 01 00000000:00000000 00:00000000 00000000  1000        0 50002 1 0000000000000000 20 4 30 10 -1";

TEST(ParseProcNetTcp, V4) {
  const auto entries = parse_proc_net_tcp(kTcp4);
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0].local_port, 8080);
  EXPECT_EQ(entries[0].state, static_cast<int>(TcpState::listen));
  EXPECT_EQ(entries[0].inode, 31337u);
  EXPECT_EQ(entries[1].local_port, 8080);
  EXPECT_EQ(entries[1].remote_port, 0xD2A4);
  EXPECT_EQ(entries[1].state, static_cast<int>(TcpState::established));
  EXPECT_EQ(entries[1].inode, 40001u);
  EXPECT_FALSE(entries[1].v6);
  EXPECT_EQ(entries[3].state, 6);  // TIME_WAIT: no inode
  EXPECT_EQ(entries[3].inode, 0u);
}

TEST(ParseProcNetTcp, V6WithoutTrailingNewlineAndWithGarbage) {
  const auto entries = parse_proc_net_tcp(kTcp6);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_TRUE(entries[0].v6);
  EXPECT_EQ(entries[0].remote_port, 50000);
  EXPECT_EQ(entries[1].remote_port, 50001);
  EXPECT_EQ(entries[1].inode, 50002u);
}

TEST(ParseProcNetTcp, EmptyAndTruncatedInput) {
  EXPECT_TRUE(parse_proc_net_tcp("").empty());
  EXPECT_TRUE(parse_proc_net_tcp("   0: 0100007F:1F90 0100007F").empty());
  EXPECT_TRUE(parse_proc_net_tcp("   0: 0100007F:1F90 0100007F:D2A4 01 0:0 0:0 0 0 0").empty());
  EXPECT_TRUE(parse_proc_net_tcp("   0: 0100007F:FFFFF 0100007F:D2A4 01 0:0 0:0 0 0 0 1").empty());
}

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  return a;
}

std::uint16_t local_port(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return ntohs(a.sin_port);
}

// A listening socket on a free loopback port and a client connected to it (not yet accepted).
struct LoopbackConnection {
  UniqueFd server, client;
  std::uint16_t port = 0;
};

void open_loopback_connection(LoopbackConnection& c) {
  c.server = UniqueFd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in any = loopback(0);
  ASSERT_EQ(bind(c.server.get(), reinterpret_cast<sockaddr*>(&any), sizeof any), 0);
  ASSERT_EQ(listen(c.server.get(), 4), 0);
  c.port = local_port(c.server.get());
  c.client = UniqueFd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in to = loopback(c.port);
  ASSERT_EQ(connect(c.client.get(), reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
}

TEST(ClientPortsOf, FindsTheAcceptedConnectionOfThisProcess) {
  LoopbackConnection c;
  ASSERT_NO_FATAL_FAILURE(open_loopback_connection(c));
  const std::uint16_t port = c.port;
  // Not accepted yet: it waits in the accept queue and is in no process's fd table, so no
  // process owns it (a kill of a worker cannot excuse failures on it).
  EXPECT_TRUE(client_ports_of({getpid()}, port).empty());
  UniqueFd accepted(accept4(c.server.get(), nullptr, nullptr, SOCK_CLOEXEC));
  ASSERT_TRUE(accepted);
  const auto ports = client_ports_of({getpid()}, port);
  ASSERT_EQ(ports.size(), 1u);
  EXPECT_EQ(ports[0], local_port(c.client.get()));
}

TEST(EstablishedTcpEntries, ListsTheAcceptedEndWithItsInodeButNotTheListener) {
  LoopbackConnection c;
  ASSERT_NO_FATAL_FAILURE(open_loopback_connection(c));
  const std::uint16_t port = c.port;
  UniqueFd accepted(accept4(c.server.get(), nullptr, nullptr, SOCK_CLOEXEC));
  ASSERT_TRUE(accepted);
  const auto entries = established_tcp_entries();
  ASSERT_TRUE(entries);
  const std::uint16_t client_port = local_port(c.client.get());
  const auto server_end = std::find_if(entries->begin(), entries->end(), [&](const TcpEntry& e) {
    return e.local_port == port && e.remote_port == client_port;
  });
  ASSERT_NE(server_end, entries->end());
  EXPECT_EQ(server_end->state, static_cast<int>(TcpState::established));
  EXPECT_FALSE(server_end->v6);
  const auto inodes = socket_inodes_of(getpid());
  EXPECT_NE(std::find(inodes.begin(), inodes.end(), server_end->inode), inodes.end());
  // The listening socket is not ESTABLISHED: the kernel filtered it out.
  EXPECT_TRUE(std::none_of(entries->begin(), entries->end(), [&](const TcpEntry& e) {
    return e.local_port == port && e.remote_port == 0;
  }));
}

}  // namespace
}  // namespace forkcheck::harness
