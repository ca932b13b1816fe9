#pragma once
// One connection's HTTP/1.1 conversation, without the socket: bytes received go in, answers come
// out. Each head is parsed once by the strict parser (http_head), the body framed by
// Content-Length or chunked, the handler called with a Request and a Response (http_message.hpp), and the answer
// serialised here in one buffer (one send per batch of answers). The event loop owns the socket
// and the timers; the fuzz target and the tests drive this same class in memory.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "reference/http_head.hpp"

namespace forkcheck::reference {

using Handler = std::function<void(const Request&, Response&)>;

// What the conversation waits for, which decides the timeout the loop applies.
enum class SessionPhase : std::uint8_t {
  idle,     // no byte of the next request yet
  head,     // part of a request head
  body,     // a complete head, its body not yet complete
  closing,  // answered with `Connection: close` (or rejected): nothing more is read
};

struct SessionLimits {
  HeadLimits head;
  std::size_t keep_alive_max = 1000;  // requests per connection; the last answer closes it
};

// What a worker serves: limits, the handler, and header lines added to every answer (rejections
// included), e.g. "X-Worker-Pid: 123\r\n", made once instead of per request.
struct Service {
  SessionLimits limits;
  Handler handler;
  std::string fixed_header_lines;
};

class HttpSession {
 public:
  explicit HttpSession(const Service& service) : service_(&service) {}

  void receive(std::string_view bytes) { in_.append(bytes); }
  // Answers every complete request received so far, appending the answers to `out`; sends
  // `100 Continue` once for a body announced with `Expect: 100-continue` and within the limit.
  void process(std::string& out);
  // Drain: a request already begun is still answered (with `Connection: close`); a kept-alive
  // connection with nothing pending is closing at once (a fresh one still gets its first answer).
  void drain();
  // The peer sent no more timed-out data: answer 408 and close.
  void time_out(std::string& out);

  SessionPhase phase() const;
  bool rejected() const { return rejected_; }  // closing after a 4xx: unread input may follow
  std::size_t answered() const { return answered_; }
  std::size_t buffered() const { return in_.size() - start_; }

 private:
  bool take_head(std::string& out);
  bool take_body(std::string& out);
  void answer(std::string& out);
  void reject(int status, std::string& out);

  const Service* service_;
  std::string in_;
  std::size_t start_ = 0;    // first byte of in_ not yet consumed
  std::size_t scanned_ = 0;  // in_ up to here holds no line feed of the current head's last line
  Request request_;
  std::optional<ParsedHead> head_;  // set while the body is awaited
  bool continue_sent_ = false;
  bool closing_ = false;
  bool rejected_ = false;
  bool draining_ = false;
  std::size_t answered_ = 0;
};

struct AnswerShape {
  bool with_body = true;  // false for HEAD
  bool keep_alive = true;
  bool http10 = false;
};

// Serialises `response`: status line, its headers, the service's fixed lines, Content-Length,
// `Connection: close` unless kept alive, then the body.
void write_response(const Response& response, AnswerShape shape, const Service& service, std::string& out);

}  // namespace forkcheck::reference
