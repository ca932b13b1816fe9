#pragma once
// The loopback hosts forkcheck talks to: an IPv4 address in 127.0.0.0/8 (127.0.0.1 by default) or
// the IPv6 loopback ::1. Anything else is refused: forkcheck never sends load off the machine.
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace forkcheck {

inline constexpr std::string_view kDefaultLoopbackHost = "127.0.0.1";

struct LoopbackEndpoint {
  sockaddr_storage address{};
  socklen_t length = 0;
  int family = AF_INET;
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&address); }
};

// host:port as a socket address; empty when host is not a loopback address literal.
std::optional<LoopbackEndpoint> loopback_endpoint(std::string_view host, int port);

// The port of an AF_INET or AF_INET6 address (0 for another family).
std::uint16_t port_of(const sockaddr_storage& address);

// "127.0.0.1:8000" or "[::1]:8000": for Host headers and messages.
std::string host_and_port(std::string_view host, int port);

}  // namespace forkcheck
