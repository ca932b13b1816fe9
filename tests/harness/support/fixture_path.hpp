#pragma once
// Where the test fixtures live: $FORKCHECK_SOURCE_DIR (set by ctest), else the configured source dir.
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace forkcheck::harness::testing {

inline std::string source_path(const std::string& relative) {
  const char* dir = std::getenv("FORKCHECK_SOURCE_DIR");
  return std::string(dir && *dir ? dir : FORKCHECK_SOURCE_DIR_DEFAULT) + "/" + relative;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace forkcheck::harness::testing
