#include "harness/target/port_probe.hpp"

#include <sys/socket.h>

#include "common/unique_fd.hpp"

namespace forkcheck::harness {

bool port_accepts(int port, std::string_view host) {
  const auto address = loopback_endpoint(host, port);
  if (!address) return false;
  UniqueFd fd(::socket(address->family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  return fd && ::connect(fd.get(), address->get(), address->length) == 0;
}

int pick_free_port(std::string_view host) {
  auto address = loopback_endpoint(host, 0);
  if (!address) return 0;
  UniqueFd fd(::socket(address->family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd || ::bind(fd.get(), address->get(), address->length) != 0) return 0;
  socklen_t len = sizeof address->address;
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address->address), &len) != 0) return 0;
  return port_of(address->address);
}

}  // namespace forkcheck::harness
