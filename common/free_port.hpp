#pragma once
// A free TCP port for a server that someone else will bind (a target launched with {port}, a test's
// server). Picked OUTSIDE the kernel's ephemeral range (net.ipv4.ip_local_port_range): a port taken
// from bind(port 0) lies inside it, where any process's outgoing connect() may take it as a source
// port between our pick and the server's bind, and the server then fails with EADDRINUSE. That race
// failed tests under parallel load; ports below the range are never handed out implicitly.
#include <cstdint>
#include <string_view>

#include "common/loopback.hpp"

namespace forkcheck {

struct PortRange {
  int first = 32768;
  int last = 60999;
};

// The ephemeral range from /proc/sys/net/ipv4/ip_local_port_range; Linux's default when unreadable.
PortRange ephemeral_port_range();

// The k-th candidate (k = any number, e.g. random) among the unprivileged ports outside `ephemeral`:
// [1024, first) and (last, 65535]. 0 when there is none.
int port_outside(PortRange ephemeral, std::uint64_t k);

// A port on host that was free a moment ago, outside the ephemeral range when one can be had there
// (up to 64 random tries), else one from bind(port 0); 0 when none could be had.
int pick_free_port(std::string_view host = kDefaultLoopbackHost);

}  // namespace forkcheck
