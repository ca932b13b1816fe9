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

}  // namespace forkcheck::harness
