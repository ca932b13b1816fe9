#include "harness/observe/connection_owners.hpp"

#include <gtest/gtest.h>

namespace forkcheck::harness {
namespace {

RequestRecord answered(std::uint16_t port, mono_ns opened, pid_t header_pid = 0) {
  RequestRecord r;
  r.local_port = port;
  r.connection_opened_ns = opened;
  r.status = 200;
  r.worker_pid = header_pid;
  return r;
}

TEST(ConnectionPids, ResolvesEachConnectionOnceAndKeepsTheHeaderAsAShortcut) {
  ConnectionPids pids;
  std::vector<RequestRecord> batch{answered(40001, 10), answered(40001, 10), answered(40002, 11, 77),
                                   answered(40003, 12)};
  RequestRecord failed = answered(40004, 13);
  failed.status = 0;  // no answer: nothing served it
  batch.push_back(failed);
  EXPECT_EQ(pids.unresolved_ports(batch), (std::vector<std::uint16_t>{40001, 40003}));
  pids.learn(batch, {{40001, 501}});  // 40003 was gone by the time the kernel was asked
  EXPECT_EQ(pids.fill(batch), 2u);
  EXPECT_EQ(batch[0].worker_pid, 501);
  EXPECT_EQ(batch[1].worker_pid, 501);
  EXPECT_EQ(batch[2].worker_pid, 77);  // X-Worker-Pid kept
  EXPECT_EQ(batch[3].worker_pid, 0);
  EXPECT_EQ(batch[4].worker_pid, 0);
  // The next batch: the same connection is known, the unresolvable one is not asked again, and a
  // new connection on a reused client port is a new connection.
  std::vector<RequestRecord> next{answered(40001, 10), answered(40003, 12), answered(40001, 50)};
  EXPECT_EQ(pids.unresolved_ports(next), (std::vector<std::uint16_t>{40001}));
  pids.learn(next, {{40001, 502}});
  pids.fill(next);
  EXPECT_EQ(next[0].worker_pid, 501);
  EXPECT_EQ(next[1].worker_pid, 0);
  EXPECT_EQ(next[2].worker_pid, 502);
}

}  // namespace
}  // namespace forkcheck::harness
