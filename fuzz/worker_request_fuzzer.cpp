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

namespace {

using forkcheck::reference::ServiceOptions;
using forkcheck::reference::ServiceServer;

// A connection whose peer sent `input` and then closed its write side.
class MemoryStream final : public httplib::Stream {
 public:
  explicit MemoryStream(std::string_view input) : input_(input) {}

  // A socket whose peer closed is readable, and read() then returns 0: the same here.
  bool is_readable() const override { return true; }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    const std::size_t n = std::min(size, input_.size());
    std::memcpy(ptr, input_.data(), n);
    input_.remove_prefix(n);
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    output_.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 40000;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 8000;
  }
  socket_t socket() const override { return INVALID_SOCKET; }

  bool drained() const { return input_.empty(); }
  const std::string& output() const { return output_; }

 private:
  std::string_view input_;
  std::string output_;
};

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
