// Surface: a client connection to a refcluster worker. The bytes go through exactly the code that
// serves requests in production: reference::ServiceServer (routes and limits from
// configure_service) and cpp-httplib's request path, with an in-memory Stream in place of the
// socket and the keep-alive loop httplib runs per connection.
// Invariants: no crash; whatever the worker writes back is HTTP/1.1 responses; and garbage on one
// connection never changes the answer to the next: a well-formed GET / gets 200 and the greeting.
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "reference/http_service.hpp"
#include "reference/memory_stream.hpp"

namespace {

using forkcheck::reference::MemoryStream;
using forkcheck::reference::ServiceOptions;
using forkcheck::reference::ServiceServer;

ServiceServer& server() {
  static const ServiceOptions options;  // refcluster's defaults
  static ServiceServer instance(options);
  return instance;
}

// httplib's per-connection loop (process_server_socket_core) with "the peer sent more" in place of
// the poll for readability: at most keep_alive_max_count requests, the last one told to close.
void serve_connection(MemoryStream& stream) {
  const std::size_t max_requests = ServiceOptions{}.keep_alive_max_count;
  for (std::size_t count = max_requests; count > 0 && !stream.drained(); --count) {
    const std::size_t written_before = stream.output().size();
    bool connection_closed = false;
    const bool ok = server().process_request(stream, count == 1, connection_closed, nullptr);
    const std::string_view answer = std::string_view(stream.output()).substr(written_before);
    FUZZ_CHECK(answer.empty() || answer.starts_with("HTTP/1.1 "), "the worker answers in HTTP/1.1");
    if (!ok || connection_closed) break;
  }
}

void check_well_formed_get_is_served() {
  MemoryStream stream("GET / HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nConnection: close\r\n\r\n");
  serve_connection(stream);
  const std::string& answer = stream.output();
  const std::string pid_header = std::string(forkcheck::reference::kWorkerPidHeader) + ": " + std::to_string(::getpid());
  FUZZ_CHECK(answer.starts_with("HTTP/1.1 200 OK\r\n"), "GET / gets 200");
  FUZZ_CHECK(answer.find(pid_header) != std::string::npos, "the answer names the worker");
  FUZZ_CHECK(answer.ends_with(std::string("\r\n\r\n") + forkcheck::reference::kHelloBody), "the greeting is the body");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  MemoryStream stream(std::string_view(reinterpret_cast<const char*>(data), size));
  serve_connection(stream);
  check_well_formed_get_is_served();
  return 0;
}
