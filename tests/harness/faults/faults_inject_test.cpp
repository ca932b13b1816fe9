#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "common/pidfd.hpp"
#include "common/unique_fd.hpp"
#include "harness/faults/faults.hpp"
#include "harness/faults/faults_driver.hpp"
#include "harness/observe/observer.hpp"
#include "harness/proc/proc_scan.hpp"
#include "harness/proc/socket_owners.hpp"
#include "tests/harness/support/io_fixture.hpp"

namespace forkcheck::harness {
namespace {

using forkcheck::testing::eventually;
using io_test::in_ms;
using io_test::launch_tiny;

PlannedFault fault(FaultKind kind, VictimSelector victim = VictimSelector::random, int victims = 1) {
  PlannedFault f;
  f.kind = kind;
  f.signal = signal_for(kind, SIGKILL);
  f.victim = victim;
  f.victims = victims;
  f.victim_seed = 1234;
  return f;
}

bool contains(const std::vector<pid_t>& v, pid_t p) { return std::find(v.begin(), v.end(), p) != v.end(); }

struct Cluster {
  explicit Cluster(const std::string& args, const std::string& name, int n)
      : observer(), target(launch_tiny(args, name, {&observer})) {
    ok = observer.wait_for_live_count(n, in_ms(5000));
  }
  Observer observer;  // constructed first: it must see the first forks
  Target target;
  bool ok = false;
};

TEST(Inject, KillConfirmsDeathAfterRecordingTheVictimsConnections) {
  const int port = forkcheck::testing::free_port();
  Cluster c("2 --listen " + std::to_string(port), "inject_kill_conn", 2);
  ASSERT_TRUE(c.ok);
  UniqueFd client(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  ASSERT_EQ(connect(client.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  getsockname(client.get(), reinterpret_cast<sockaddr*>(&addr), &len);
  const std::uint16_t client_port = ntohs(addr.sin_port);
  const auto live = c.observer.live_workers();
  ASSERT_TRUE(eventually([&] { return client_ports_of(live, static_cast<std::uint16_t>(port)).size() == 1; }, 5000));

  const FaultRecord rec = inject(fault(FaultKind::kill_all), live, c.target.primary_pid(),
                                 static_cast<std::uint16_t>(port), ms_to_ns(5000));
  EXPECT_EQ(rec.victims, live);
  EXPECT_EQ(rec.signal, SIGKILL);
  EXPECT_EQ(rec.victim_client_ports, std::vector<std::uint16_t>{client_port});
  ASSERT_TRUE(rec.death_seen_ns) << rec.note;
  EXPECT_GE(*rec.death_seen_ns, rec.sent_ns);
  EXPECT_TRUE(rec.note.empty()) << rec.note;
  // The observer agrees: both died of SIGKILL, no earlier than the freeze.
  ASSERT_TRUE(c.observer.wait_until([](const WorkerBook& b) { return b.workers().size() == 4 && b.live_count() == 2; }, in_ms(5000)));
  for (const auto& w : c.observer.workers()) {
    if (!contains(live, w.pid)) continue;
    EXPECT_EQ(w.exit_signal, SIGKILL);
    EXPECT_LE(*w.exit_ns, *rec.death_seen_ns);
    EXPECT_GE(*w.exit_ns, rec.scheduled_ns);
  }
}

TEST(Inject, KillWorkerPicksOneLiveWorkerAndConfirmsItsDeath) {
  Cluster c("3", "inject_kill_one", 3);
  ASSERT_TRUE(c.ok);
  const auto live = c.observer.live_workers();
  const FaultRecord rec = inject(fault(FaultKind::kill_worker), live, c.target.primary_pid(), 1, ms_to_ns(5000), 77);
  ASSERT_EQ(rec.victims.size(), 1u);
  EXPECT_TRUE(contains(live, rec.victims[0]));
  EXPECT_EQ(rec.scheduled_ns, 77);
  EXPECT_TRUE(rec.victim_client_ports.empty());
  ASSERT_TRUE(rec.death_seen_ns) << rec.note;
  EXPECT_FALSE(process_alive(rec.victims[0]));
  // The same seed over the same live list picks the same victim.
  std::mt19937_64 rng(1234);
  EXPECT_EQ(choose_victims(live, VictimSelector::random, 1, rng), rec.victims);
}

TEST(Inject, StopThenContinue) {
  Cluster c("2", "inject_stop", 2);
  ASSERT_TRUE(c.ok);
  const pid_t primary = c.target.primary_pid();
  const FaultRecord stop = inject(fault(FaultKind::stop_worker, VictimSelector::newest), c.observer.live_workers(),
                                  primary, 1, ms_to_ns(2000));
  ASSERT_EQ(stop.victims.size(), 1u);
  EXPECT_EQ(stop.victims[0], c.observer.live_workers().back());
  EXPECT_EQ(stop.signal, SIGSTOP);
  ASSERT_TRUE(stop.confirmed_ns) << stop.note;
  EXPECT_FALSE(stop.death_seen_ns);
  EXPECT_EQ(read_proc_stat(stop.victims[0])->state, 'T');
  const FaultRecord cont = inject(fault(FaultKind::cont_worker), c.observer.live_workers(), primary, 1, ms_to_ns(2000));
  EXPECT_EQ(cont.victims, stop.victims);  // the only stopped worker
  ASSERT_TRUE(cont.confirmed_ns) << cont.note;
  EXPECT_NE(read_proc_stat(stop.victims[0])->state, 'T');
  const FaultRecord none = inject(fault(FaultKind::cont_worker), c.observer.live_workers(), primary, 1, ms_to_ns(200));
  EXPECT_TRUE(none.victims.empty());
  EXPECT_NE(none.note.find("no stopped worker"), std::string::npos);
}

TEST(Inject, AVictimAlreadyGoneIsNotedNotAssumed) {
  Cluster c("1", "inject_gone", 1);
  ASSERT_TRUE(c.ok);
  const pid_t dead = fork();
  if (dead == 0) _exit(0);
  waitpid(dead, nullptr, 0);
  const FaultRecord rec = inject(fault(FaultKind::kill_worker), {dead}, c.target.primary_pid(), 1, ms_to_ns(500));
  EXPECT_TRUE(rec.victims.empty());
  EXPECT_FALSE(rec.death_seen_ns);
  EXPECT_NE(rec.note.find("gone"), std::string::npos) << rec.note;
  // A live process that is not a worker of this primary (ourselves) is never signalled.
  const FaultRecord self = inject(fault(FaultKind::kill_worker), {getpid()}, c.target.primary_pid(), 1, ms_to_ns(500));
  EXPECT_TRUE(self.victims.empty());
}

TEST(Inject, ADeathThatDoesNotHappenIsReported) {
  Cluster c("1 --orphan", "inject_unconfirmed", 1);  // its worker ignores SIGTERM
  ASSERT_TRUE(c.ok);
  const FaultRecord rec = inject(fault(FaultKind::term_worker), c.observer.live_workers(), c.target.primary_pid(), 1,
                                 ms_to_ns(100));
  ASSERT_EQ(rec.victims.size(), 1u);
  EXPECT_EQ(rec.signal, SIGTERM);
  EXPECT_FALSE(rec.death_seen_ns);
  EXPECT_NE(rec.note.find("still alive"), std::string::npos) << rec.note;
}

// The child of a vfork: it reports its pid on the pipe and waits for ever, so its parent stays
// blocked in vfork(2), where SIGSTOP waits but SIGKILL kills.
int hold_vfork_parent(void* pipe_fd) {
  const pid_t self = static_cast<pid_t>(::syscall(SYS_getpid));
  if (::write(*static_cast<int*>(pipe_fd), &self, sizeof self) != sizeof self) ::_exit(1);
  for (;;) ::pause();
}

// A victim that cannot be stopped makes the kill's freeze wait its whole kFreezeWait; the death is
// then awaited for the confirm timeout from the SIGKILL. When the freeze was taken from that
// timeout, a 100 ms timeout had expired before the signal was even sent: "still alive at the deadline".
TEST(Inject, TheFreezeIsNotTakenFromTheDeathConfirmTimeout) {
  static_assert(kFreezeWait > ms_to_ns(100));
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  UniqueFd read_end(fds[0]), write_end(fds[1]);
  const pid_t victim = ::fork();
  if (victim == 0) {
    static char stack[64 * 1024];
    int fd = write_end.get();
    ::clone(hold_vfork_parent, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, &fd);
    ::_exit(0);
  }
  ASSERT_GT(victim, 0);
  pid_t holder = 0;
  ASSERT_EQ(::read(read_end.get(), &holder, sizeof holder), static_cast<ssize_t>(sizeof holder));
  const auto holder_fd = Pidfd::open(holder);
  ASSERT_TRUE(holder_fd);
  ASSERT_TRUE(eventually([&] { return read_proc_stat(victim) && read_proc_stat(victim)->state == 'D'; }, 5000));

  const FaultRecord rec = inject(fault(FaultKind::kill_worker), {victim}, ::getpid(), 1, ms_to_ns(100));
  holder_fd->send_signal(SIGKILL);
  ::waitpid(victim, nullptr, 0);
  ASSERT_EQ(rec.victims, std::vector<pid_t>{victim});
  EXPECT_NE(rec.note.find("not seen stopped"), std::string::npos) << rec.note;
  ASSERT_TRUE(rec.death_seen_ns) << rec.note;
  EXPECT_GE(*rec.death_seen_ns, rec.sent_ns);
}

TEST(Inject, KillPrimary) {
  Cluster c("2", "inject_primary", 2);
  ASSERT_TRUE(c.ok);
  const FaultRecord rec = inject(fault(FaultKind::kill_primary), c.observer.live_workers(), c.target.primary_pid(), 1,
                                 ms_to_ns(5000));
  EXPECT_EQ(rec.victims, std::vector<pid_t>{c.target.primary_pid()});
  ASSERT_TRUE(rec.death_seen_ns) << rec.note;
  EXPECT_TRUE(c.target.primary_exited());
  EXPECT_EQ(c.target.exit_info()->signal, SIGKILL);
}

TEST(FaultDriver, TwoKillsDueInOneTickKillTwoWorkers) {
  Cluster c("3", "driver_two_kills", 3);
  ASSERT_TRUE(c.ok);
  Scenario s;
  FaultSpec kill;
  kill.kind = FaultKind::kill_worker;
  kill.every_s = 0.001;
  kill.count = 2;
  kill.victim = VictimSelector::newest;
  s.faults = {kill};
  FaultDriver driver(s, 1, FaultTargets{c.target.primary_pid(), 1, "", ms_to_ns(5000)});
  // A late tick: both kills are due, and the observer's list was taken before the first of them.
  std::vector<FaultRecord> out;
  const mono_ns start = monotonic_ns();
  driver.fire_due(start, start + ms_to_ns(100), c.observer.live_workers(), out);
  ASSERT_EQ(out.size(), 2u);
  for (const FaultRecord& rec : out) {
    ASSERT_EQ(rec.victims.size(), 1u) << rec.note;
    EXPECT_TRUE(rec.death_seen_ns) << rec.note;
  }
  EXPECT_NE(out[0].victims, out[1].victims);
}

// Two storms raging at once: a newcomer is killed once, by the older storm, and the kill names it
// (each storm is judged from its own last kill: the checker must know which storm a kill was).
TEST(FaultDriver, OverlappingStormsKillANewcomerOnceAndNameTheStorm) {
  Cluster c("2", "driver_storms", 2);
  ASSERT_TRUE(c.ok);
  Scenario s;
  FaultSpec storm;
  storm.kind = FaultKind::kill_new_workers;
  storm.signal = SIGKILL;
  storm.for_s = 30;
  s.faults = {storm, storm};
  FaultDriver driver(s, 1, FaultTargets{c.target.primary_pid(), 1, "", ms_to_ns(5000)});
  std::vector<FaultRecord> out;
  const mono_ns start = monotonic_ns();
  const std::vector<pid_t> before = c.observer.live_workers();
  driver.fire_due(start, start, before, out);  // both storms begin, sparing the two workers
  EXPECT_TRUE(out.empty());
  const FaultRecord kill = inject(fault(FaultKind::kill_worker), before, c.target.primary_pid(), 1, ms_to_ns(5000));
  ASSERT_TRUE(kill.death_seen_ns) << kill.note;
  std::vector<pid_t> now;
  ASSERT_TRUE(eventually([&] {
    now = c.observer.live_workers();
    return now.size() == 2 && now != before;
  }, 5000));
  driver.fire_due(start, monotonic_ns(), now, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].kind, FaultKind::kill_new_workers);
  EXPECT_EQ(out[0].storm, 1);
  EXPECT_TRUE(out[0].death_seen_ns) << out[0].note;
}

}  // namespace
}  // namespace forkcheck::harness
