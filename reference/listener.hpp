#pragma once
// The listening socket. In `shared` mode the primary opens it once and every worker inherits it, so
// the accept queue belongs to no worker and survives any worker's death. In `reuseport` mode each
// worker opens its own SO_REUSEPORT socket (its own queue, lost with it); the primary only holds a
// bound, never-listening socket on the port to reserve it and to learn which port `--port 0` gave.
#include <string>

#include "common/unique_fd.hpp"

namespace forkcheck::reference {

enum class SocketRole {
  shared_listener,       // SO_REUSEADDR, listening; inherited by the workers
  reuseport_reservation, // SO_REUSEADDR + SO_REUSEPORT, bound but not listening (never gets connections)
  reuseport_listener,    // SO_REUSEADDR + SO_REUSEPORT, listening; one per worker
};

// A CLOEXEC, O_NONBLOCK, TCP_NODELAY socket bound to host:port (port 0: any free port), listening
// with backlog SOMAXCONN unless it is a reservation. On failure: invalid fd and *error says why.
UniqueFd open_socket(const std::string& host, int port, SocketRole role, std::string* error);

// The port a bound socket got; 0 if it cannot be read.
int bound_port(int fd);

}  // namespace forkcheck::reference
