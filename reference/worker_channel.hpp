#pragma once
// Workers talk to the primary through one pipe that they all share: fixed 16-byte messages,
// smaller than PIPE_BUF, so each write is atomic and messages from different workers never
// interleave. The primary tells workers apart by (slot, pid) and ignores messages from workers it
// has already reaped. Both ends are O_NONBLOCK: a worker never blocks on a primary that is busy.
#include <sys/types.h>

#include <cstdint>
#include <vector>

#include "common/unique_fd.hpp"

namespace forkcheck::reference {

enum class WorkerSignal : std::int32_t { ready = 1, heartbeat = 2 };

struct WorkerMessage {
  std::int32_t slot = -1;
  std::int32_t pid = 0;
  WorkerSignal kind = WorkerSignal::ready;
  std::int32_t reserved = 0;
};
static_assert(sizeof(WorkerMessage) == 16);

struct WorkerChannel {
  UniqueFd read_end;   // primary only
  UniqueFd write_end;  // inherited by every worker
};

// pipe2(O_NONBLOCK | O_CLOEXEC); invalid ends on failure.
WorkerChannel open_worker_channel();

// From a worker. `retry` keeps trying briefly when the pipe is full (the ready message must arrive;
// a lost heartbeat is harmless).
bool send_worker_message(int write_fd, const WorkerMessage& message, bool retry);

// Every complete message the pipe holds right now (non-blocking).
std::vector<WorkerMessage> read_worker_messages(int read_fd);

}  // namespace forkcheck::reference
