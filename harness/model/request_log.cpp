#include "harness/model/request_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "common/unique_fd.hpp"
#include "harness/model/history.hpp"
#include "harness/model/request_log_format.hpp"

namespace forkcheck::harness {
namespace {

constexpr std::size_t kWriteBufferBytes = 256 * 1024;
constexpr std::size_t kReadBlockBytes = 128 * 1024;
constexpr std::size_t kChunkRecords = 4096;

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::runtime_error("request log " + path + ": " + what + ": " + std::strerror(errno));
}

}  // namespace

// The log's file. Writable when created by stream_to (lines are buffered and written through when
// the buffer is full and on flush()); read-only when opened by open_file.
class RequestFileWriter {
 public:
  enum class Mode { create, read_only };
  RequestFileWriter(std::string path, Mode mode, std::size_t records = 0) : path_(std::move(path)), records_(records) {
    if (mode == Mode::read_only) return;
    fd_.reset(::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd_) fail("cannot create", path_);
    buffer_ = request_log_header();
    flush();
  }

  void add(const RequestRecord& r) {
    if (!fd_) throw std::logic_error("request log " + path_ + ": opened for reading, not appending");
    append_request_line(r, buffer_);
    ++records_;
    if (buffer_.size() >= kWriteBufferBytes) flush();
  }

  void flush() {
    std::size_t done = 0;
    while (done < buffer_.size()) {
      const ssize_t n = ::write(fd_.get(), buffer_.data() + done, buffer_.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) fail("cannot write", path_);
      done += static_cast<std::size_t>(n);
    }
    buffer_.clear();
  }

  std::size_t records() const { return records_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  UniqueFd fd_;
  std::string buffer_;
  std::size_t records_ = 0;
};

// Reads a request log file from its start, a chunk of records at a time.
class RequestFileCursor {
 public:
  explicit RequestFileCursor(const std::string& path) : path_(path), fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (!fd_) fail("cannot open", path_);
    std::string_view line;
    std::string magic, names;
    if (!next_line(line)) throw std::runtime_error("request log " + path_ + ": no header");
    magic = line;
    if (!next_line(line)) throw std::runtime_error("request log " + path_ + ": no header");
    names = line;
    std::string error;
    auto columns = RequestColumns::parse(magic, names, &error);
    if (!columns) throw std::runtime_error("request log " + path_ + ": " + error);
    columns_ = std::move(*columns);
  }

  // The next records (at most kChunkRecords); empty at the end of the whole, well-formed lines.
  const std::vector<RequestRecord>& next_chunk() {
    chunk_.clear();
    std::string_view line;
    while (chunk_.size() < kChunkRecords && next_line(line)) {
      auto record = columns_.parse_line(line);
      if (!record) {
        at_end_ = true;
        break;
      }
      chunk_.push_back(*record);
    }
    return chunk_;
  }

  const std::vector<RequestRecord>& chunk() const { return chunk_; }

 private:
  // A '\n'-terminated line, without it, valid until the next call; false at the end (a last line
  // without '\n' was cut short).
  bool next_line(std::string_view& line) {
    while (!at_end_) {
      if (const auto nl = pending_.find('\n', pos_); nl != std::string::npos) {
        line = std::string_view(pending_).substr(pos_, nl - pos_);
        pos_ = nl + 1;
        return true;
      }
      pending_.erase(0, pos_);
      pos_ = 0;
      const std::size_t old = pending_.size();
      pending_.resize(old + kReadBlockBytes);
      const ssize_t n = ::read(fd_.get(), pending_.data() + old, kReadBlockBytes);
      pending_.resize(old + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail("cannot read", path_);
      if (n == 0) at_end_ = true;
    }
    return false;
  }

  std::string path_;
  UniqueFd fd_;
  RequestColumns columns_;
  std::string pending_;
  std::size_t pos_ = 0;
  bool at_end_ = false;
  std::vector<RequestRecord> chunk_;

 public:
  std::size_t chunk_begin = 0;  // index of chunk()[0] in the log
  std::size_t limit = 0;        // the log's size(): iteration ends there
};

RequestLog RequestLog::stream_to(const std::string& path) {
  RequestLog log;
  log.file_ = std::make_shared<RequestFileWriter>(path, RequestFileWriter::Mode::create);
  return log;
}

RequestLog RequestLog::open_file(const std::string& path) {
  // Counting the readable records once fixes size() and where iteration stops.
  RequestFileCursor cursor(path);
  std::size_t count = 0;
  for (auto* chunk = &cursor.next_chunk(); !chunk->empty(); chunk = &cursor.next_chunk()) count += chunk->size();
  RequestLog log;
  log.file_ = std::make_shared<RequestFileWriter>(path, RequestFileWriter::Mode::read_only, count);
  log.file_records_ = count;
  return log;
}

void RequestLog::push_back(const RequestRecord& r) {
  if (!file_) return memory_.push_back(r);
  if (file_records_ != file_->records()) throw std::logic_error("request log: only the original of a streamed log may append");
  file_->add(r);
  ++file_records_;
}

void RequestLog::append(std::span<const RequestRecord> records) {
  for (const RequestRecord& r : records) push_back(r);
  flush();
}

void RequestLog::flush() {
  if (file_) file_->flush();
}

std::size_t RequestLog::size() const { return file_ ? file_records_ : memory_.size(); }

const std::string& RequestLog::path() const {
  static const std::string none;
  return file_ ? file_->path() : none;
}

RequestLog::const_iterator RequestLog::begin() const {
  if (!file_) return {&memory_, nullptr, 0};
  if (file_records_ == 0) return end();
  file_->flush();
  auto cursor = std::make_shared<RequestFileCursor>(file_->path());
  cursor->limit = file_records_;
  if (cursor->next_chunk().empty()) return end();  // the file lost records it had: nothing to read
  return {nullptr, std::move(cursor), 0};
}

RequestLog::const_iterator RequestLog::end() const { return {file_ ? nullptr : &memory_, nullptr, size()}; }

const std::vector<RequestRecord>& RequestLog::records() const {
  if (file_) throw std::logic_error("request log " + file_->path() + ": streamed, read it with begin()/end()");
  return memory_;
}

std::vector<RequestRecord>& RequestLog::records() {
  static_cast<void>(std::as_const(*this).records());  // the check
  return memory_;
}

RequestRecord& RequestLog::front() { return records().front(); }
RequestRecord& RequestLog::back() { return records().back(); }
RequestRecord& RequestLog::operator[](std::size_t i) { return records()[i]; }
const RequestRecord& RequestLog::front() const { return records().front(); }
const RequestRecord& RequestLog::back() const { return records().back(); }
const RequestRecord& RequestLog::operator[](std::size_t i) const { return records()[i]; }


RequestLog::const_iterator::reference RequestLog::const_iterator::operator*() const {
  if (memory_) return (*memory_)[index_];
  return cursor_->chunk()[index_ - cursor_->chunk_begin];
}

RequestLog::const_iterator& RequestLog::const_iterator::operator++() {
  ++index_;
  if (!cursor_ || index_ == cursor_->limit || index_ - cursor_->chunk_begin < cursor_->chunk().size()) return *this;
  cursor_->chunk_begin = index_;
  if (cursor_->next_chunk().empty()) index_ = cursor_->limit;  // the file lost lines it had: stop there
  return *this;
}

}  // namespace forkcheck::harness
