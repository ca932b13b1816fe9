#pragma once
// History::requests: every request a run recorded, in memory or streamed to a file.
//
// In memory (the default: tests, hand-built and recorded histories) it behaves like the vector it
// replaces. Streamed (`RequestLog::stream_to`, what `forkcheck run` uses), each record is appended
// to a request log file in the report directory as the run goes (format: request_log_format.hpp)
// and nothing is kept in memory: iterating reads the file back in chunks of a few hundred KB, so a
// ten-minute run at 10 000 requests/s is read with bounded memory, and a crashed run still leaves
// the file readable up to its last whole line (`RequestLog::open_file`).
//
// Readers use range-for or one-pass std algorithms over begin()/end(): both yield
// `const RequestRecord&`, whatever the backing and the log's constness, and a reference lives only
// until the iterator moves on (keep a copy, not a pointer). Changing records (front, back, [],
// records(): tests and hand-built histories) is for in-memory logs only and throws
// std::logic_error on a streamed one. A copy of a streamed log shares its file and sees the records
// written before the copy; only the original may append.
#include <cstddef>
#include <iterator>
#include <memory>
#include <span>
#include <string>
#include <vector>


namespace forkcheck::harness {

struct RequestRecord;  // history.hpp, which holds a RequestLog
class RequestFileWriter;
class RequestFileCursor;

class RequestLog {
 public:
  class const_iterator;

  RequestLog() = default;
  // Creates (truncates) `path` and writes the header. Throws std::runtime_error when it cannot.
  static RequestLog stream_to(const std::string& path);
  // A request log file left by a run, complete or cut short: every whole, well-formed line up to
  // the first that is not. Throws std::runtime_error when the file cannot be read or has no header.
  static RequestLog open_file(const std::string& path);

  void push_back(const RequestRecord& r);
  // Appends `records`, then writes them through to the file (a streamed log): what a crash keeps.
  void append(std::span<const RequestRecord> records);
  void flush();

  std::size_t size() const;
  bool empty() const { return size() == 0; }
  bool streamed() const { return file_ != nullptr; }
  const std::string& path() const;  // "" when in memory

  const_iterator begin() const;
  const_iterator end() const;

  // In memory only (std::logic_error otherwise).
  std::vector<RequestRecord>& records();
  const std::vector<RequestRecord>& records() const;
  RequestRecord& front();
  RequestRecord& back();
  RequestRecord& operator[](std::size_t i);
  const RequestRecord& front() const;
  const RequestRecord& back() const;
  const RequestRecord& operator[](std::size_t i) const;

 private:
  std::vector<RequestRecord> memory_;
  std::shared_ptr<RequestFileWriter> file_;
  std::size_t file_records_ = 0;  // records of file_ this log holds (a copy holds those written before it)
};

// Yields `const RequestRecord&`. Over a streamed log it is a single-pass input iterator (copies share
// one read position): enough for range-for and one-pass algorithms (count_if, any_of, find_if).
class RequestLog::const_iterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = RequestRecord;
  using difference_type = std::ptrdiff_t;
  using pointer = const RequestRecord*;
  using reference = const RequestRecord&;

  const_iterator() = default;
  reference operator*() const;
  pointer operator->() const { return &**this; }
  const_iterator& operator++();
  void operator++(int) { ++*this; }
  bool operator==(const const_iterator& other) const { return index_ == other.index_; }

 private:
  friend class RequestLog;
  const_iterator(const std::vector<RequestRecord>* memory, std::shared_ptr<RequestFileCursor> cursor, std::size_t index)
      : memory_(memory), cursor_(std::move(cursor)), index_(index) {}

  const std::vector<RequestRecord>* memory_ = nullptr;
  std::shared_ptr<RequestFileCursor> cursor_;  // streamed logs
  std::size_t index_ = 0;
};

}  // namespace forkcheck::harness
