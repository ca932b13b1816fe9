#pragma once
// One client connection slot of the load generator: a non-blocking socket driven by its thread's
// epoll loop through connect, write, read and parse, carrying one request at a time. Internal to
// the load module (harness/load/load.hpp is the public side).
#include <netinet/in.h>

#include <atomic>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/loopback.hpp"
#include "common/unique_fd.hpp"
#include "harness/model/history.hpp"
#include "harness/load/http_response.hpp"

namespace forkcheck::harness {

// What every connection of one generator talks to, and how.
struct LoadTarget {
  LoopbackEndpoint address;
  std::string keep_alive_request;
  std::string close_request;
  std::vector<int> accepted_statuses;  // another status is bad_status
  std::string expected_body;           // empty: any body of an accepted response is fine
  mono_ns timeout_ns = 0;
};

enum class Progress { pending, finished };

class Connection {
 public:
  Connection(const LoadTarget& target, int epoll_fd, std::uint32_t slot, int connection_id, bool keep_alive,
             bool probe, std::atomic<std::uint64_t>& sent);

  bool busy() const { return state_ == State::connecting || state_ == State::writing || state_ == State::reading; }
  mono_ns deadline_ns() const { return deadline_ns_; }
  const RequestRecord& record() const { return record_; }
  // The body of the response that ended the last request (until the next begin()).
  std::string_view body() const { return parser_.body(); }

  // Starts request `id` on the open connection, or opens a new one for it.
  Progress begin(std::uint64_t id, mono_ns intended_ns, mono_ns now);
  // An epoll event tagged with this slot; stale generations (an fd since closed) are ignored.
  Progress on_event(std::uint32_t events, std::uint32_t generation, std::span<char> buffer);
  Progress expire_if_overdue(mono_ns now);
  Progress cancel();  // a request in flight ends as `cancelled` (ECANCELED); an idle connection closes

  static std::uint64_t tag(std::uint32_t slot, std::uint32_t generation) {
    return (static_cast<std::uint64_t>(generation) << 32) | slot;
  }

 private:
  enum class State { closed, connecting, writing, reading, idle };

  Progress open_connection();
  Progress finish_connect();
  Progress on_connected();
  Progress send_request();
  Progress read_response(std::span<char> buffer);
  Progress finish_response();
  Progress fail(RequestError error, int sys_errno);
  RequestError classify_response() const;
  void close();

  const LoadTarget& target_;
  int epoll_fd_;
  std::uint32_t slot_;
  std::uint32_t generation_ = 0;
  int connection_id_;
  bool keep_alive_;
  bool probe_;
  std::atomic<std::uint64_t>* sent_;
  State state_ = State::closed;
  bool peer_closed_ = false;
  UniqueFd fd_;
  mono_ns opened_ns_ = 0;
  std::uint16_t local_port_ = 0;
  std::size_t written_ = 0;
  mono_ns deadline_ns_ = 0;
  RequestRecord record_;
  ResponseParser parser_;
};

}  // namespace forkcheck::harness
