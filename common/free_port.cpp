#include "common/free_port.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <random>

#include "common/unique_fd.hpp"

namespace forkcheck {

namespace {

constexpr int kFirstUnprivileged = 1024;
constexpr int kLastPort = 65535;
constexpr int kTries = 64;

// Bound to host:port now (port 0: the kernel's choice); the port, or 0 when the bind failed.
int try_bind(std::string_view host, int port) {
  auto address = loopback_endpoint(host, port);
  if (!address) return 0;
  UniqueFd fd(::socket(address->family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd || ::bind(fd.get(), address->get(), address->length) != 0) return 0;
  socklen_t len = sizeof address->address;
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address->address), &len) != 0) return 0;
  return port_of(address->address);
}

}  // namespace

PortRange ephemeral_port_range() {
  PortRange range;
  std::ifstream file("/proc/sys/net/ipv4/ip_local_port_range");
  int first = 0;
  int last = 0;
  if (file >> first >> last && first >= 1 && first <= last && last <= kLastPort) range = {first, last};
  return range;
}

int port_outside(PortRange ephemeral, std::uint64_t k) {
  const int below = std::max(0, std::min(ephemeral.first, kLastPort + 1) - kFirstUnprivileged);
  const int above = std::max(0, kLastPort - std::max(ephemeral.last, kFirstUnprivileged - 1));
  const std::uint64_t count = static_cast<std::uint64_t>(below) + static_cast<std::uint64_t>(above);
  if (count == 0) return 0;
  const auto i = static_cast<int>(k % count);
  return i < below ? kFirstUnprivileged + i : std::max(ephemeral.last, kFirstUnprivileged - 1) + 1 + (i - below);
}

int pick_free_port(std::string_view host) {
  const PortRange ephemeral = ephemeral_port_range();
  // Seeded per process and call: parallel pickers (tests, suite cells) must not walk the same sequence.
  std::random_device entropy;
  std::mt19937_64 random((static_cast<std::uint64_t>(entropy()) << 32) ^ static_cast<std::uint64_t>(::getpid()));
  for (int attempt = 0; attempt < kTries; ++attempt) {
    const int port = port_outside(ephemeral, random());
    if (port != 0 && try_bind(host, port) == port) return port;
  }
  return try_bind(host, 0);
}

}  // namespace forkcheck
