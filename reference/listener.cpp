#include "reference/listener.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace forkcheck::reference {
namespace {

struct AddrinfoDeleter {
  void operator()(addrinfo* ai) const { freeaddrinfo(ai); }
};

bool set_flag(int fd, int level, int name) {
  const int yes = 1;
  return setsockopt(fd, level, name, &yes, sizeof yes) == 0;
}

std::string where(const std::string& host, int port) { return host + ":" + std::to_string(port); }

}  // namespace

UniqueFd open_socket(const std::string& host, int port, SocketRole role, std::string* error) {
  const auto fail = [&](const std::string& what) {
    if (error) *error = what + " " + where(host, port) + ": " + std::strerror(errno);
    return UniqueFd();
  };
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* raw = nullptr;
  const std::string service = std::to_string(port);
  if (const int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &raw); rc != 0) {
    if (error) *error = "cannot resolve " + where(host, port) + ": " + gai_strerror(rc);
    return UniqueFd();
  }
  const std::unique_ptr<addrinfo, AddrinfoDeleter> ai(raw);
  UniqueFd fd(socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol));
  if (!fd) return fail("socket");
  // TCP_NODELAY on the listener is inherited by every accepted socket: an answer written after a
  // `100 Continue` would otherwise wait for a delayed ACK (~40 ms). Workers set the blocking mode
  // their accept mode needs (worker.cpp).
  if (!set_flag(fd.get(), SOL_SOCKET, SO_REUSEADDR) || !set_flag(fd.get(), IPPROTO_TCP, TCP_NODELAY))
    return fail("setsockopt");
  if (role != SocketRole::shared_listener && !set_flag(fd.get(), SOL_SOCKET, SO_REUSEPORT))
    return fail("setsockopt(SO_REUSEPORT)");
  if (bind(fd.get(), ai->ai_addr, ai->ai_addrlen) != 0) return fail("cannot bind");
  if (role != SocketRole::reuseport_reservation && listen(fd.get(), SOMAXCONN) != 0)
    return fail("cannot listen on");
  return fd;
}

int bound_port(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return 0;
  if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return 0;
}

}  // namespace forkcheck::reference
