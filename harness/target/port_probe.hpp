#pragma once
// Loopback port checks for forkcheck's start-up: is the target listening, is a port taken.
#include <string_view>

#include "common/free_port.hpp"  // pick_free_port: a port for {port}
#include "common/loopback.hpp"

namespace forkcheck::harness {

// A TCP connect to host:port succeeds now (host: a loopback address, 127.0.0.1 or ::1).
bool port_accepts(int port, std::string_view host = kDefaultLoopbackHost);

}  // namespace forkcheck::harness
