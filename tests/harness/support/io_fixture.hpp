#pragma once
// Helpers for the launcher, observer and fault tests: the tiny_cluster fixture, launched through
// the production launcher. Every test process is a subreaper, so nothing it starts can escape it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "harness/target/launcher.hpp"
#include "harness/observe/observer.hpp"
#include "tests/support/spawned.hpp"

namespace forkcheck::harness::io_test {

// TINY_CLUSTER_BIN when set, else the sibling of this test executable (both are built in one folder).
inline std::string tiny_cluster_bin() {
  if (const char* env = std::getenv("TINY_CLUSTER_BIN"); env && *env) return env;
  return (std::filesystem::read_symlink("/proc/self/exe").parent_path() / "tiny_cluster").string();
}

inline std::string log_path(const std::string& name) {
  return ::testing::TempDir() + "forkcheck_io_" + name + "_" + std::to_string(getpid()) + ".log";
}

// The observers (if any) learn the primary's pid as soon as it exists.
inline Target launch_tiny(const std::string& args, const std::string& name, std::vector<Observer*> observers = {}) {
  become_subreaper();
  auto result = launch(tiny_cluster_bin() + " " + args, log_path(name), 50, [&observers](pid_t primary) {
    for (Observer* o : observers) o->set_primary(primary);
  });
  if (auto* err = std::get_if<LaunchError>(&result)) throw std::runtime_error(err->reason + "\n" + err->output_tail);
  return std::move(std::get<Target>(result));
}

inline mono_ns in_ms(int ms) { return monotonic_ns() + ms_to_ns(ms); }

}  // namespace forkcheck::harness::io_test
