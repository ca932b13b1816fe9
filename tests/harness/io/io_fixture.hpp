#pragma once
// Helpers for the launcher, observer and fault tests: the tiny_cluster fixture, launched through
// the production launcher. Every test process is a subreaper, so nothing it starts can escape it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <stdexcept>
#include <string>
#include <variant>

#include "harness/launcher.hpp"
#include "tests/support/spawned.hpp"

namespace forkcheck::harness::io_test {

inline std::string tiny_cluster_bin() { return forkcheck::testing::binary_from_env("TINY_CLUSTER_BIN"); }

inline std::string log_path(const std::string& name) {
  return ::testing::TempDir() + "forkcheck_io_" + name + "_" + std::to_string(getpid()) + ".log";
}

inline Target launch_tiny(const std::string& args, const std::string& name) {
  become_subreaper();
  auto result = launch(tiny_cluster_bin() + " " + args, log_path(name));
  if (auto* err = std::get_if<LaunchError>(&result)) throw std::runtime_error(err->reason + "\n" + err->output_tail);
  return std::move(std::get<Target>(result));
}

inline mono_ns in_ms(int ms) { return monotonic_ns() + ms_to_ns(ms); }

}  // namespace forkcheck::harness::io_test
