#pragma once
// Pids as text, for evidence lines, table notes and reports: "101, 102, 103"; empty for none.
#include <sys/types.h>

#include <string>
#include <vector>

namespace forkcheck::harness {

inline std::string pid_list(const std::vector<pid_t>& pids) {
  std::string out;
  for (pid_t p : pids) {
    if (!out.empty()) out += ", ";
    out += std::to_string(p);
  }
  return out;
}

}  // namespace forkcheck::harness
