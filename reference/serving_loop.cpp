#include "reference/serving_loop.hpp"

#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>

namespace forkcheck::reference {
namespace {

// epoll data for the loop's own fds; connections carry their Connection*.
char kSignalToken, kTimerToken, kAcceptorToken, kListenerToken;

constexpr std::size_t kReadChunk = 64 * 1024;
// Past this much unsent output a connection's input is not read further until the peer reads.
constexpr std::size_t kOutputHighWater = 256 * 1024;
// While draining, how soon an accept thread that has not stopped yet is signalled again.
constexpr int kAcceptorRetryMs = 1;

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

bool watch(int epoll_fd, int fd, void* token, std::uint32_t events) {
  epoll_event event{.events = events, .data = {.ptr = token}};
  return epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event) == 0;
}

std::chrono::milliseconds timeout_of(const ServiceOptions& o, Wait wait) {
  switch (wait) {
    case Wait::idle: return o.idle_timeout;
    case Wait::head: return o.head_timeout;
    case Wait::body: return o.body_timeout;
    case Wait::write: return o.write_timeout;
    case Wait::linger: return o.linger_timeout;
    case Wait::closed: break;
  }
  return std::chrono::milliseconds(0);
}

Wait wait_for(SessionPhase phase) {
  switch (phase) {
    case SessionPhase::idle: return Wait::idle;
    case SessionPhase::head: return Wait::head;
    case SessionPhase::body: return Wait::body;
    case SessionPhase::closing: break;
  }
  return Wait::closed;
}

}  // namespace

ServingLoop::ServingLoop(LoopSetup setup)
    : setup_(std::move(setup)),
      max_connections_(setup_.options->max_connections),
      read_buffer_(std::make_unique_for_overwrite<char[]>(kReadChunk)) {}

ServingLoop::~ServingLoop() = default;

bool ServingLoop::open() {
  epoll_.reset(epoll_create1(EPOLL_CLOEXEC));
  const sigset_t stop = stop_signals();
  signals_.reset(signalfd(-1, &stop, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!epoll_ || !signals_ || !watch(epoll_.get(), signals_.get(), &kSignalToken, EPOLLIN)) return false;
  if (setup_.heartbeat_interval_ns > 0) {
    heartbeat_timer_.reset(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
    const timespec interval{static_cast<time_t>(setup_.heartbeat_interval_ns / 1'000'000'000),
                            static_cast<long>(setup_.heartbeat_interval_ns % 1'000'000'000)};
    const itimerspec spec{.it_interval = interval, .it_value = interval};
    if (!heartbeat_timer_ || timerfd_settime(heartbeat_timer_.get(), 0, &spec, nullptr) != 0 ||
        !watch(epoll_.get(), heartbeat_timer_.get(), &kTimerToken, EPOLLIN))
      return false;
  }
  start_accepting();
  return setup_.options->accept != AcceptMode::thread || (acceptor_ && acceptor_->started());
}

void ServingLoop::start_accepting() {
  if (setup_.options->accept == AcceptMode::thread) {
    acceptor_ = std::make_unique<Acceptor>(setup_.listen_fd, max_connections_, setup_.board, setup_.slot);
    if (acceptor_->started()) watch(epoll_.get(), acceptor_->wake_fd(), &kAcceptorToken, EPOLLIN);
    return;
  }
  const std::uint32_t exclusive = setup_.options->accept == AcceptMode::epoll_exclusive ? std::uint32_t{EPOLLEXCLUSIVE} : 0u;
  listening_ = watch(epoll_.get(), setup_.listen_fd, &kListenerToken, EPOLLIN | exclusive);
}

bool ServingLoop::run() {
  std::array<epoll_event, 256> events;
  while (!drained()) {
    const int n = epoll_wait(epoll_.get(), events.data(), events.size(), wait_timeout_ms(monotonic_ns()));
    if (n < 0 && errno != EINTR) return false;
    for (int i = 0; i < n; ++i) dispatch(events[static_cast<std::size_t>(i)]);
    expire_due(monotonic_ns());
    if (draining_ && acceptor_) settle_acceptor();
    bury_closed();
  }
  return true;
}

void ServingLoop::dispatch(const epoll_event& event) {
  void* token = event.data.ptr;
  if (token == &kSignalToken) {
    signalfd_siginfo info{};
    while (::read(signals_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) begin_drain();
  } else if (token == &kTimerToken) {
    std::uint64_t expirations = 0;
    if (::read(heartbeat_timer_.get(), &expirations, sizeof expirations) > 0 && setup_.beat) setup_.beat();
  } else if (token == &kAcceptorToken) {
    for (int fd : acceptor_->take()) add_connection(fd);
  } else if (token == &kListenerToken) {
    accept_from_listener();
  } else {
    auto& c = *static_cast<Connection*>(token);
    if (c.wait == Wait::closed) return;
    bool read_now = event.events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR);
    if ((event.events & EPOLLOUT) && c.out_sent < c.out.size()) {
      if (!flush(c)) return;
      // Input may have been left unread while the answers piled up (edge-triggered: no new event).
      read_now = read_now || c.out_sent == c.out.size();
    }
    if (read_now) on_readable(c);
    else settle(c, c.session.answered());
  }
}

// Epoll accept modes: one connection per wake-up (like nginx without multi_accept), so a busy
// worker does not take a whole burst; level-triggered, the socket wakes a worker again while more wait.
void ServingLoop::accept_from_listener() {
  const int fd = ::accept4(setup_.listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd >= 0) add_connection(fd);
  if (connection_count() >= max_connections_ && listening_) {
    epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, setup_.listen_fd, nullptr);
    listening_ = false;
  }
}

void ServingLoop::add_connection(int fd) {
  auto& list = waits_[static_cast<std::size_t>(Wait::idle)];
  list.push_back(Connection{.fd = UniqueFd(fd), .session = HttpSession(*setup_.service), .out = {}, .out_sent = 0,
                            .peer_closed = false, .wait = Wait::idle,
                            .deadline = monotonic_ns() + ms_to_ns(setup_.options->idle_timeout.count()), .self = {}});
  Connection& c = list.back();
  c.self = std::prev(list.end());
  if (draining_) c.session.drain();
  // Edge-triggered and registered once: no epoll_ctl per request. Data that arrived before the
  // registration is reported by it.
  if (!watch(epoll_.get(), fd, &c, EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET)) close_connection(c);
}

// Reads what the socket holds (a short read means it is empty; the next arrival is a new edge),
// then answers it. Stops reading while the peer does not read its answers.
void ServingLoop::on_readable(Connection& c) {
  const std::size_t answered = c.session.answered();
  for (;;) {
    const ssize_t n = ::read(c.fd.get(), read_buffer_.get(), kReadChunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN) return close_connection(c);
    if (n == 0) c.peer_closed = true;
    if (n <= 0) break;
    if (c.wait != Wait::linger) c.session.receive(std::string_view(read_buffer_.get(), static_cast<std::size_t>(n)));
    if (static_cast<std::size_t>(n) < kReadChunk) break;
    if (c.wait != Wait::linger) c.session.process(c.out);
    if (c.out.size() - c.out_sent > kOutputHighWater && (!flush(c) || c.out_sent < c.out.size())) break;
  }
  pump(c, answered);
}

void ServingLoop::pump(Connection& c, std::size_t answered_before) {
  if (c.wait == Wait::closed) return;
  if (c.wait != Wait::linger) c.session.process(c.out);
  if (!flush(c)) return;
  settle(c, answered_before);
}

// False when the connection was closed (a send error).
bool ServingLoop::flush(Connection& c) {
  while (c.out_sent < c.out.size()) {
    const ssize_t n = ::send(c.fd.get(), c.out.data() + c.out_sent, c.out.size() - c.out_sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return true;
    if (n < 0) {
      close_connection(c);
      return false;
    }
    c.out_sent += static_cast<std::size_t>(n);
  }
  c.out.clear();
  c.out_sent = 0;
  return true;
}

// Puts the connection in the list of what it now waits for, or ends it.
void ServingLoop::settle(Connection& c, std::size_t answered_before) {
  if (c.wait == Wait::closed) return;
  if (c.out_sent < c.out.size()) {
    if (c.wait != Wait::write) move_to(c, Wait::write);
    return;
  }
  if (c.wait == Wait::linger) {
    if (c.peer_closed) close_connection(c);
    return;
  }
  const SessionPhase phase = c.session.phase();
  if (phase == SessionPhase::closing) {
    // After a rejection the client may still be sending: closing with unread input would reset
    // the connection and could destroy the answer before the client reads it.
    if (!c.session.rejected() || c.peer_closed) return close_connection(c);
    ::shutdown(c.fd.get(), SHUT_WR);
    return move_to(c, Wait::linger);
  }
  if (c.peer_closed) return close_connection(c);  // nothing more can complete a request
  const Wait wait = wait_for(phase);
  if (wait != c.wait || c.session.answered() != answered_before) move_to(c, wait);
}

void ServingLoop::move_to(Connection& c, Wait wait) {
  auto& to = waits_[static_cast<std::size_t>(wait)];
  to.splice(to.end(), waits_[static_cast<std::size_t>(c.wait)], c.self);
  c.wait = wait;
  c.deadline = monotonic_ns() + ms_to_ns(timeout_of(*setup_.options, wait).count());
}

// The Connection stays in memory (in the `closed` list) until the end of the loop iteration, so
// events already returned by epoll_wait never point at freed memory.
void ServingLoop::close_connection(Connection& c) {
  if (c.wait == Wait::closed) return;
  epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, c.fd.get(), nullptr);
  c.fd.reset();
  move_to(c, Wait::closed);
}

void ServingLoop::bury_closed() {
  auto& closed = waits_[static_cast<std::size_t>(Wait::closed)];
  const std::size_t count = closed.size();
  closed.clear();
  if (acceptor_) acceptor_->release(count);
  if (count > 0 && !listening_ && !draining_ && setup_.options->accept != AcceptMode::thread &&
      connection_count() < max_connections_)
    start_accepting();
}

void ServingLoop::expire_due(mono_ns now) {
  for (Wait wait : {Wait::idle, Wait::head, Wait::body, Wait::write, Wait::linger}) {
    auto& list = waits_[static_cast<std::size_t>(wait)];
    while (!list.empty() && list.front().deadline <= now) {
      Connection& c = list.front();
      if (wait == Wait::head || wait == Wait::body) {
        c.session.time_out(c.out);
        flush(c);  // best effort: the 408 goes out if the socket takes it
      }
      close_connection(c);
    }
  }
}

// Stop accepting (the shared socket keeps queuing for the other workers), answer what was
// received, close what is idle. Idle connections are read once first: a request already sent on
// a kept-alive connection is answered, not lost to the close.
void ServingLoop::begin_drain() {
  if (draining_) return;
  draining_ = true;
  if (acceptor_) acceptor_->stop();
  if (listening_) epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, setup_.listen_fd, nullptr);
  listening_ = false;
  std::vector<Connection*> open;
  for (Wait wait : {Wait::idle, Wait::head, Wait::body, Wait::write})
    for (Connection& c : waits_[static_cast<std::size_t>(wait)]) open.push_back(&c);
  for (Connection* c : open) {
    const std::size_t answered = c->session.answered();
    if (c->wait == Wait::idle) on_readable(*c);
    c->session.drain();
    pump(*c, answered);
  }
}

// While draining: signal the accept thread until it has stopped; once it has, adopt what it took
// in its last moments (handed over but not yet read from the eventfd): those clients connected
// before the worker stopped accepting and are served like any other.
void ServingLoop::settle_acceptor() {
  if (!acceptor_->stopped()) return acceptor_->stop();
  for (int fd : acceptor_->take()) add_connection(fd);
}

bool ServingLoop::drained() {
  if (!draining_) return false;
  if (acceptor_ && !acceptor_->finished()) return false;
  return connection_count() == 0;
}

std::size_t ServingLoop::connection_count() const {
  std::size_t n = 0;
  for (Wait wait : {Wait::idle, Wait::head, Wait::body, Wait::write, Wait::linger})
    n += waits_[static_cast<std::size_t>(wait)].size();
  return n;
}

int ServingLoop::wait_timeout_ms(mono_ns now) const {
  if (draining_ && acceptor_ && !acceptor_->stopped()) return kAcceptorRetryMs;
  mono_ns next = -1;
  for (Wait wait : {Wait::idle, Wait::head, Wait::body, Wait::write, Wait::linger}) {
    const auto& list = waits_[static_cast<std::size_t>(wait)];
    if (!list.empty() && (next < 0 || list.front().deadline < next)) next = list.front().deadline;
  }
  if (next < 0) return -1;
  return static_cast<int>(std::max<mono_ns>(next - now + 999'999, 0) / 1'000'000);
}

}  // namespace forkcheck::reference
