// Surface: a client connection to a refcluster worker. The bytes go through exactly the code that
// serves requests in production: reference::HttpSession (the strict head parser, body framing,
// the service's handler and the answer writer) with the service from make_service, fed in the
// pieces a socket could deliver (the piece size follows from the input's length, so every corpus
// input is also a plain request stream).
// Invariants: no crash; the worker's output is a sequence of HTTP/1.1 answers; once the session
// closes it answers nothing more; and garbage on one connection never changes the answer to the
// next: a well-formed GET / gets 200 and the greeting.
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "reference/http_service.hpp"

namespace {

using forkcheck::reference::HttpSession;
using forkcheck::reference::Service;
using forkcheck::reference::SessionPhase;

const Service& service() {
  static const Service instance = forkcheck::reference::make_service({});  // refcluster's defaults
  return instance;
}

// Every answer starts with a status line; answers follow each other with nothing in between.
void check_answers(std::string_view out) {
  while (!out.empty()) {
    FUZZ_CHECK(out.starts_with("HTTP/1.1 "), "every answer is HTTP/1.1");
    const auto head_end = out.find("\r\n\r\n");
    FUZZ_CHECK(head_end != std::string_view::npos, "every answer has a complete head");
    const std::string_view head = out.substr(0, head_end);
    std::size_t length = 0;
    if (const auto at = head.find("\r\nContent-Length: "); at != std::string_view::npos)
      length = std::stoul(std::string(head.substr(at + 18, head.find("\r\n", at + 2) - at - 18)));
    // 100 Continue has no body; an answer to HEAD announces one it does not carry (our bodies are
    // the greeting or empty, so an answer right after the head means HEAD).
    const bool head_only = head.starts_with("HTTP/1.1 100 ") || out.substr(head_end + 4).starts_with("HTTP/1.1 ");
    FUZZ_CHECK(head_only || head.find("\r\nContent-Length: ") != std::string_view::npos, "answers say their length");
    const std::size_t total = head_end + 4 + (head_only ? 0 : length);
    out.remove_prefix(std::min(total, out.size()));
  }
}

void serve_in_pieces(std::string_view input, std::size_t piece) {
  HttpSession session(service());
  std::string out;
  while (!input.empty()) {
    const std::string_view bytes = input.substr(0, piece);
    input.remove_prefix(bytes.size());
    const bool was_closing = session.phase() == SessionPhase::closing;
    const std::size_t before = out.size();
    session.receive(bytes);
    session.process(out);
    FUZZ_CHECK(!was_closing || out.size() == before, "a closing session answers nothing more");
  }
  const std::size_t before = out.size();
  session.time_out(out);
  FUZZ_CHECK(session.phase() == SessionPhase::closing || out.size() == before, "a time-out closes");
  check_answers(out);
}

void check_well_formed_get_is_served() {
  HttpSession session(service());
  std::string out;
  session.receive("GET / HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nConnection: close\r\n\r\n");
  session.process(out);
  const std::string pid_header = std::string(forkcheck::reference::kWorkerPidHeader) + ": " + std::to_string(::getpid());
  FUZZ_CHECK(out.starts_with("HTTP/1.1 200 OK\r\n"), "GET / gets 200");
  FUZZ_CHECK(out.find(pid_header) != std::string::npos, "the answer names the worker");
  FUZZ_CHECK(out.ends_with(std::string("\r\n\r\n") + forkcheck::reference::kHelloBody), "the greeting is the body");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::size_t piece = size % 3 == 0 ? std::max<std::size_t>(size, 1) : 1 + size % 61;
  serve_in_pieces(std::string_view(reinterpret_cast<const char*>(data), size), piece);
  check_well_formed_get_is_served();
  return 0;
}
