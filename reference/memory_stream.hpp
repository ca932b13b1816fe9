#pragma once
// An in-memory connection for httplib's request path: the peer sent `input` and then closed its
// write side. ServiceServer::process() reads requests from it and writes the answers into output().
// The fuzz target and the request-path tests drive the production code through it.
#include <httplib.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

namespace forkcheck::reference {

class MemoryStream final : public httplib::Stream {
 public:
  explicit MemoryStream(std::string_view input) : input_(input) {}

  // A socket whose peer closed is readable, and read() then returns 0: the same here.
  bool is_readable() const override { return true; }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    const std::size_t n = std::min(size, input_.size() - offset_);
    std::memcpy(ptr, input_.data() + offset_, n);
    offset_ += n;
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

  bool drained() const { return offset_ == input_.size(); }
  const std::string& output() const { return output_; }

 private:
  std::string input_;
  std::size_t offset_ = 0;
  std::string output_;
};

}  // namespace forkcheck::reference
