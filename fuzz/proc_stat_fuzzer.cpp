// Surface: /proc/<pid>/stat as the launcher, observer and fault injector read it (parse_proc_stat
// in harness/proc/proc_scan.hpp). The target names its own processes (prctl PR_SET_NAME), so the
// command field in parentheses is outside input: it may hold spaces, ')' and digits that look like
// the fields after it.
// Invariants: no crash on any text; and a kernel-shaped line with the input's first 15 bytes as
// the command (what the kernel keeps) always reads back the state, parent and group it carries.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "harness/proc/proc_scan.hpp"

namespace {

constexpr std::size_t kCommMaxBytes = 15;  // TASK_COMM_LEN - 1

// Fields 1-5, then 6-51 as zeros, then 52 (exit_code), as Linux >= 3.5 writes them.
std::string stat_line(std::string_view comm, int exit_code) {
  std::string line = "4242 (" + std::string(comm) + ") Z 17 4242";
  for (int field = 6; field <= 51; ++field) line += " 0";
  return line + " " + std::to_string(exit_code) + "\n";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const auto st = forkcheck::harness::parse_proc_stat(text)) (void)st->alive();

  std::string_view comm = text.substr(0, std::min(size, kCommMaxBytes));
  comm = comm.substr(0, comm.find('\0'));  // the kernel's comm is a C string
  const auto st = forkcheck::harness::parse_proc_stat(stat_line(comm, 9));
  FUZZ_CHECK(st.has_value(), "a kernel-shaped line parses whatever the command");
  FUZZ_CHECK(st->state == 'Z' && st->ppid == 17 && st->pgrp == 4242 && st->exit_code == 9,
             "the command cannot spoof the fields after it");
  return 0;
}
