#include "harness/proc/port_sockets.hpp"

#include <gtest/gtest.h>

namespace forkcheck::harness {
namespace {

constexpr int kEstablished = 1, kCloseWait = 8, kListen = 10, kTimeWait = 6;

TcpEntry entry(std::uint16_t local, std::uint16_t remote, int state, std::uint64_t inode) {
  return TcpEntry{.local_port = local, .remote_port = remote, .state = state, .inode = inode};
}

// The port 8000's sockets among the host's: two listening (reuseport), accepted connections from
// client ports 40001 and 40002 (one the client closed: CLOSE_WAIT), a TIME_WAIT without an owner,
// the load's own client sides (local port 4000x) and another server's.
std::vector<TcpEntry> table() {
  return {entry(8000, 0, kListen, 100),          entry(8000, 0, kListen, 101),
          entry(8000, 40001, kEstablished, 201), entry(8000, 40002, kCloseWait, 202),
          entry(8000, 40003, kTimeWait, 0),      entry(40001, 8000, kEstablished, 301),
          entry(9000, 40004, kEstablished, 401), entry(9000, 0, kListen, 102)};
}

TEST(PortSockets, KeepsThePortsListeningAndAcceptedSockets) {
  const PortSockets p = port_sockets(table(), 8000);
  EXPECT_EQ(p.listening, (std::vector<std::uint64_t>{100, 101}));
  ASSERT_EQ(p.accepted.size(), 2u);
  EXPECT_EQ(p.accepted[0].remote_port, 40001);
  EXPECT_EQ(p.accepted[1].remote_port, 40002);
}

TEST(HeldOnPort, ListeningDescriptorsAndConnections) {
  const PortSockets p = port_sockets(table(), 8000);
  const HeldOnPort worker = held_on_port({{3, 100}, {7, 201}, {8, 999}}, p);
  EXPECT_EQ(worker.listening_fds, (std::vector<int>{3}));
  EXPECT_EQ(worker.connections, 1);
  EXPECT_TRUE(worker.any());
  // A helper that closed the inherited socket holds nothing of the port; another server's socket
  // and the load's own client side are not the port's.
  EXPECT_FALSE(held_on_port({{4, 102}, {5, 401}, {6, 301}}, p).any());
  // A worker handed connections over IPC (Node's round-robin) holds no listening socket.
  const HeldOnPort handed = held_on_port({{9, 202}}, p);
  EXPECT_TRUE(handed.listening_fds.empty());
  EXPECT_EQ(handed.connections, 1);
}

TEST(ServerSideOwners, MapsClientPortsToTheProcessHoldingTheServerSide) {
  const PortSockets p = port_sockets(table(), 8000);
  const std::map<pid_t, std::vector<FdSocket>> fds{{11, {{3, 100}, {7, 201}}}, {12, {{3, 100}, {9, 202}}}, {13, {{4, 301}}}};
  const auto owners = server_side_owners(p, {40001, 40002, 40003, 40009}, fds);
  EXPECT_EQ(owners, (std::map<std::uint16_t, pid_t>{{40001, 11}, {40002, 12}}));
  EXPECT_TRUE(server_side_owners(p, {}, fds).empty());
  EXPECT_TRUE(server_side_owners(p, {40001}, {}).empty());
}

}  // namespace
}  // namespace forkcheck::harness
