#include "common/loopback.hpp"

#include <arpa/inet.h>

namespace forkcheck {

std::optional<LoopbackEndpoint> loopback_endpoint(std::string_view host, int port) {
  const std::string text(host);
  const auto port16 = htons(static_cast<std::uint16_t>(port));
  LoopbackEndpoint out;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out.address);
  if (::inet_pton(AF_INET, text.c_str(), &v4->sin_addr) == 1) {
    if ((ntohl(v4->sin_addr.s_addr) >> 24) != 127) return std::nullopt;
    v4->sin_family = AF_INET;
    v4->sin_port = port16;
    out.length = sizeof(sockaddr_in);
    out.family = AF_INET;
    return out;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out.address);
  if (::inet_pton(AF_INET6, text.c_str(), &v6->sin6_addr) == 1) {
    if (!IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr)) return std::nullopt;
    v6->sin6_family = AF_INET6;
    v6->sin6_port = port16;
    out.length = sizeof(sockaddr_in6);
    out.family = AF_INET6;
    return out;
  }
  return std::nullopt;
}

std::uint16_t port_of(const sockaddr_storage& address) {
  if (address.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&address)->sin_port);
  if (address.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&address)->sin6_port);
  return 0;
}

std::string host_and_port(std::string_view host, int port) {
  const bool v6 = host.find(':') != std::string_view::npos;
  return (v6 ? "[" + std::string(host) + "]" : std::string(host)) + ":" + std::to_string(port);
}

}  // namespace forkcheck
