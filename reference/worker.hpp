#pragma once
// A worker: the child side of fork. It serves HTTP on the listening socket with its event loop
// (serving_loop) until told to stop (SIGTERM/SIGINT: stop accepting, answer what was received,
// exit 0), tells the primary when it is accepting, and its loop sends heartbeats so a hung or
// stuck worker (SIGSTOPped, or a loop that no longer turns) is detected.
#include <sys/types.h>

#include <string>

#include "common/clock.hpp"
#include "reference/accept_board.hpp"
#include "reference/http_service.hpp"

namespace forkcheck::reference {

struct WorkerSetup {
  int slot = -1;
  pid_t primary_pid = 0;     // to close the PDEATHSIG race
  int listen_fd = -1;        // shared mode: the inherited socket; -1: open an SO_REUSEPORT socket
  AcceptBoard* board = nullptr;  // shared mode: connection counts of every slot (least connections)
  std::string host;          // reuseport mode only
  int port = 0;              // reuseport mode only
  int channel_fd = -1;       // write end of the worker channel
  ServiceOptions service;
  mono_ns heartbeat_interval_ns = 0;  // 0: no heartbeats
  std::string crash_at_start_path;    // test only
};

// Runs in the forked child and never returns into the primary's code: it _exit()s with 0 after a
// drain, 1 when it could not serve, 3 for the test-only crash at start-up. Expects SIGTERM and
// SIGINT blocked (the primary's mask, inherited).
[[noreturn]] void run_worker(const WorkerSetup& setup);

}  // namespace forkcheck::reference
