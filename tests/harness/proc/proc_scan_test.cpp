#include "harness/proc/proc_scan.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>

namespace forkcheck::harness {
namespace {

// 52 fields as a 6.x kernel prints them; the command holds a space and a ')'.
constexpr const char* kZombieStat =
    "4242 (tiny (x) y) Z 4200 4200 4100 0 -1 4227596 95 0 0 0 0 0 0 0 20 0 1 0 12345 0 0 "
    "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 9\n";

TEST(ProcScan, ParsesStateParentGroupAndExitCode) {
  const auto st = parse_proc_stat(kZombieStat);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->state, 'Z');
  EXPECT_EQ(st->ppid, 4200);
  EXPECT_EQ(st->pgrp, 4200);
  EXPECT_EQ(st->exit_code, 9);
  EXPECT_FALSE(st->alive());
}

TEST(ProcScan, RejectsGarbage) {
  EXPECT_FALSE(parse_proc_stat(""));
  EXPECT_FALSE(parse_proc_stat("12 (x"));
  EXPECT_FALSE(parse_proc_stat("12 (x) RR 1 1"));
  EXPECT_FALSE(parse_proc_stat("12 (x) R one 1"));
}

TEST(ProcScan, ReadsItself) {
  const auto st = read_proc_stat(getpid());
  ASSERT_TRUE(st);
  EXPECT_TRUE(st->alive());
  EXPECT_EQ(st->ppid, getppid());
  EXPECT_EQ(st->pgrp, getpgrp());
  EXPECT_TRUE(process_alive(getpid()));
  const auto members = group_members(getpgrp());
  EXPECT_NE(std::find(members.begin(), members.end(), getpid()), members.end());
}

TEST(ProcScan, AGoneProcessHasNoStat) { EXPECT_FALSE(read_proc_stat(0x3fffffff)); }

}  // namespace
}  // namespace forkcheck::harness
