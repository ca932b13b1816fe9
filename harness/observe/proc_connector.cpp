#include "harness/observe/proc_connector.hpp"

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstring>

namespace forkcheck::harness {
namespace {

constexpr std::size_t kRecvBuffer = 64 * 1024;

// What the kernel sends back for our subscription: PROC_EVENT_NONE whose `ack` is ours + 1 (the
// kernel overwrites `seq`; acknowledgements are multicast, so other listeners' ones must not count).
struct Ack {
  std::uint32_t cookie = 0;  // what we sent in `ack`
  bool seen = false;
  int err = 0;
};

// Unique per subscription, also between observers of one process.
std::uint32_t new_cookie() {
  static std::atomic<std::uint32_t> count{0};
  return (static_cast<std::uint32_t>(::getpid()) << 12) ^ (count++ * 2654435761u);
}

bool send_mcast_op(int fd, proc_cn_mcast_op op, std::uint32_t cookie = 0) {
  alignas(nlmsghdr) char buf[NLMSG_SPACE(sizeof(cn_msg) + sizeof(op))] = {};
  auto* nl = reinterpret_cast<nlmsghdr*>(buf);
  nl->nlmsg_len = NLMSG_LENGTH(sizeof(cn_msg) + sizeof(op));
  nl->nlmsg_type = NLMSG_DONE;
  nl->nlmsg_pid = 0;
  auto* cn = static_cast<cn_msg*>(NLMSG_DATA(nl));
  cn->id.idx = CN_IDX_PROC;
  cn->id.val = CN_VAL_PROC;
  cn->ack = cookie;
  cn->len = sizeof(op);
  std::memcpy(cn->data, &op, sizeof(op));
  return ::send(fd, buf, nl->nlmsg_len, 0) == static_cast<ssize_t>(nl->nlmsg_len);
}

// One proc_event (unaligned in the datagram: copied out first).
void decode_event(const cn_msg& cn, const unsigned char* payload, std::vector<ProcEvent>& out, Ack* ack) {
  if (cn.id.idx != CN_IDX_PROC || cn.id.val != CN_VAL_PROC || cn.len < offsetof(proc_event, event_data)) return;
  proc_event ev{};
  std::memcpy(&ev, payload, std::min<std::size_t>(cn.len, sizeof ev));
  ProcEvent e;
  e.t_ns = static_cast<mono_ns>(ev.timestamp_ns);
  if (ev.what == proc_event::PROC_EVENT_NONE) {
    if (ack && cn.ack == ack->cookie + 1) {
      ack->seen = true;
      ack->err = static_cast<int>(ev.event_data.ack.err);
    }
  } else if (ev.what == proc_event::PROC_EVENT_FORK) {
    const auto& f = ev.event_data.fork;
    if (f.child_pid != f.child_tgid) return;  // a new thread, not a process
    e.kind = ProcEvent::Kind::fork;
    e.pid = f.child_tgid;
    e.parent = f.parent_tgid;
    out.push_back(e);
  } else if (ev.what == proc_event::PROC_EVENT_EXEC) {
    const auto& x = ev.event_data.exec;
    if (x.process_pid != x.process_tgid) return;
    e.kind = ProcEvent::Kind::exec;
    e.pid = x.process_tgid;
    out.push_back(e);
  } else if (ev.what == proc_event::PROC_EVENT_EXIT) {
    const auto& x = ev.event_data.exit;
    if (x.process_pid != x.process_tgid) return;  // a thread ended; the process may live on
    e.kind = ProcEvent::Kind::exit;
    e.pid = x.process_tgid;
    e.parent = x.parent_tgid;
    e.wait_status = static_cast<int>(x.exit_code);
    out.push_back(e);
  }
}

void decode(const void* data, std::size_t len, std::vector<ProcEvent>& out, Ack* ack) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  // NLMSG_OK/NEXT, spelled out with unsigned sizes (the macros mix signedness).
  for (std::size_t at = 0; at + sizeof(nlmsghdr) <= len;) {
    nlmsghdr nl{};
    std::memcpy(&nl, bytes + at, sizeof nl);
    if (nl.nlmsg_len < sizeof(nlmsghdr) || nl.nlmsg_len > len - at) return;
    const std::size_t payload = nl.nlmsg_len - NLMSG_HDRLEN;
    if (nl.nlmsg_type != NLMSG_ERROR && nl.nlmsg_type != NLMSG_NOOP && payload >= sizeof(cn_msg)) {
      cn_msg cn{};
      std::memcpy(&cn, bytes + at + NLMSG_HDRLEN, sizeof cn);
      if (payload >= sizeof(cn_msg) + cn.len) decode_event(cn, bytes + at + NLMSG_HDRLEN + sizeof(cn_msg), out, ack);
    }
    at += NLMSG_ALIGN(nl.nlmsg_len);
  }
}

// Reads datagrams until the acknowledgement of our subscription arrives or the timeout passes.
Ack await_ack(int fd, std::uint32_t cookie, int timeout_ms, std::vector<ProcEvent>& early) {
  Ack ack;
  ack.cookie = cookie;
  const mono_ns deadline = monotonic_ns() + ms_to_ns(timeout_ms);
  alignas(nlmsghdr) static thread_local char buf[kRecvBuffer];
  while (!ack.seen) {
    const mono_ns left = deadline - monotonic_ns();
    pollfd p{fd, POLLIN, 0};
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left / 1'000'000) + 1) <= 0) break;
    const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) decode(buf, static_cast<std::size_t>(n), early, &ack);
    else if (n < 0 && errno != EAGAIN && errno != EINTR && errno != ENOBUFS) break;
  }
  return ack;
}

}  // namespace

void decode_proc_datagram(const void* data, std::size_t len, std::vector<ProcEvent>& out) {
  decode(data, len, out, nullptr);
}

std::optional<ProcConnector> ProcConnector::open(std::string* why_not, int ack_timeout_ms) {
  auto fail = [why_not](const std::string& what) {
    if (why_not) *why_not = what + ": " + std::strerror(errno);
    return std::nullopt;
  };
  UniqueFd fd(::socket(PF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_CONNECTOR));
  if (!fd) return fail("netlink connector socket");
  // A burst of forks elsewhere on the machine must not overflow the queue: ask for a large buffer
  // (FORCE works as root; otherwise the ordinary limit applies).
  const int bytes = 8 << 20;
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) != 0)
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
  sockaddr_nl addr{};
  addr.nl_family = AF_NETLINK;
  addr.nl_groups = CN_IDX_PROC;
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return fail("bind to CN_IDX_PROC");
  const std::uint32_t cookie = new_cookie();
  if (!send_mcast_op(fd.get(), PROC_CN_MCAST_LISTEN, cookie)) return fail("PROC_CN_MCAST_LISTEN");
  std::vector<ProcEvent> early;
  const Ack ack = await_ack(fd.get(), cookie, ack_timeout_ms, early);
  if (!ack.seen) {
    errno = ETIMEDOUT;
    return fail("no acknowledgement from the proc connector");
  }
  if (ack.err != 0) {
    errno = ack.err;
    return fail("proc connector refused the subscription");
  }
  ProcConnector pc(std::move(fd));
  pc.early_ = std::move(early);
  return pc;
}

ProcConnector::~ProcConnector() {
  if (fd_) send_mcast_op(fd_.get(), PROC_CN_MCAST_IGNORE);
}

ProcConnector::ReadResult ProcConnector::read_events(std::vector<ProcEvent>& out) {
  out.insert(out.end(), early_.begin(), early_.end());
  early_.clear();
  alignas(nlmsghdr) static thread_local char buf[kRecvBuffer];
  for (;;) {
    const ssize_t n = ::recv(fd_.get(), buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) {
      decode(buf, static_cast<std::size_t>(n), out, nullptr);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == ENOBUFS) return ReadResult::overrun;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return ReadResult::ok;
    return ReadResult::error;
  }
}

}  // namespace forkcheck::harness
