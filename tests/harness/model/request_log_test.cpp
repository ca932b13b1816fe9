#include "harness/model/request_log.hpp"

#include <gtest/gtest.h>
#include <malloc.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "harness/model/history.hpp"
#include "harness/model/request_log_format.hpp"

namespace forkcheck::harness {
namespace {

std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "forkcheck_request_log_" + name + "_" + std::to_string(getpid()) + ".tsv";
}

// Records that vary every field, every error kind among them.
std::vector<RequestRecord> varied_records(std::size_t n) {
  std::vector<RequestRecord> out;
  const auto& errors = all_request_errors();
  for (std::size_t i = 0; i < n; ++i) {
    const auto k = static_cast<mono_ns>(i);
    out.push_back({.id = i,
                   .connection_id = i % 7 == 0 ? -1 : static_cast<int>(i % 13),
                   .fresh_connection = i % 2 == 0,
                   .connection_opened_ns = 1'000'000'000'000 + k,
                   .local_port = static_cast<std::uint16_t>(40000 + i % 20000),
                   .intended_ns = 2'000'000'000'000 + 3 * k,
                   .start_ns = i % 7 == 0 ? 0 : 2'000'000'000'001 + 3 * k,
                   .end_ns = 2'000'000'500'000 + 3 * k,
                   .status = i % 5 == 0 ? 0 : 200,
                   .error = errors[i % errors.size()],
                   .sys_errno = static_cast<int>(i % 4),
                   .worker_pid = static_cast<pid_t>(100 + i % 3),
                   .probe = i % 3 == 0});
  }
  return out;
}

// Every field the format knows, compared through its own line form.
std::string line_of(const RequestRecord& r) {
  std::string line;
  append_request_line(r, line);
  return line;
}

void expect_same(const RequestLog& log, const std::vector<RequestRecord>& expected) {
  ASSERT_EQ(log.size(), expected.size());
  std::size_t i = 0;
  for (const RequestRecord& r : log) {
    ASSERT_LT(i, expected.size());
    EXPECT_EQ(line_of(r), line_of(expected[i])) << "record " << i;
    ++i;
  }
  EXPECT_EQ(i, expected.size());
}

TEST(RequestLog, InMemoryBehavesLikeAVector) {
  RequestLog log;
  EXPECT_TRUE(log.empty());
  EXPECT_FALSE(log.streamed());
  const auto records = varied_records(10);
  log.append(records);
  expect_same(log, records);
  log.front().status = 503;
  EXPECT_EQ(log[0].status, 503);
  std::erase_if(log.records(), [](const RequestRecord& r) { return r.probe; });
  EXPECT_EQ(log.size(), 6u);
}

TEST(RequestLog, StreamedRecordsReadBackIdentical) {
  const std::string path = temp_path("roundtrip");
  const auto records = varied_records(20'000);  // several read chunks
  RequestLog log = RequestLog::stream_to(path);
  EXPECT_TRUE(log.streamed());
  EXPECT_EQ(log.path(), path);
  log.append(std::span(records).first(5));
  for (std::size_t i = 5; i < records.size(); ++i) log.push_back(records[i]);
  expect_same(log, records);
  expect_same(log, records);  // a second pass reads the file again
  expect_same(RequestLog::open_file(path), records);
  std::filesystem::remove(path);
}

TEST(RequestLog, StreamedLogAllowsNoMutableAccess) {
  const std::string path = temp_path("const");
  RequestLog log = RequestLog::stream_to(path);
  log.push_back(varied_records(1)[0]);
  EXPECT_THROW(log.records(), std::logic_error);
  EXPECT_THROW(log.front(), std::logic_error);
  RequestLog copy = log;  // shares the file, sees what was written before it
  log.push_back(varied_records(2)[1]);
  EXPECT_EQ(copy.size(), 1u);
  EXPECT_EQ(log.size(), 2u);
  EXPECT_THROW(copy.push_back(varied_records(1)[0]), std::logic_error);
  std::filesystem::remove(path);
}

// A crashed run's file ends in the middle of a line: every whole line before it is read.
TEST(RequestLog, TruncatedFileIsReadUpToItsLastWholeRecord) {
  const std::string path = temp_path("truncated");
  const auto records = varied_records(50);
  {
    RequestLog log = RequestLog::stream_to(path);
    log.append(records);
  }
  const auto full = std::filesystem::file_size(path);
  std::filesystem::resize_file(path, full - 5);
  expect_same(RequestLog::open_file(path), std::vector(records.begin(), records.end() - 1));
  // Cut just after a newline: every line before it is whole.
  std::filesystem::resize_file(path, full - line_of(records.back()).size());
  expect_same(RequestLog::open_file(path), std::vector(records.begin(), records.end() - 1));
  std::filesystem::resize_file(path, full - line_of(records.back()).size() - 1);
  expect_same(RequestLog::open_file(path), std::vector(records.begin(), records.end() - 2));
  std::filesystem::remove(path);
}

TEST(RequestLog, ColumnsAreReadByNameAndUnknownOnesIgnored) {
  const std::string path = temp_path("columns");
  std::ofstream(path) << kRequestLogMagic << "1\n"
                      << "end_ns\tfuture_field\tid\terror\n"
                      << "500\tx\t7\tbad_status\n"
                      << "600\ty\t8\tno_such_error\n"  // not a record: reading stops here
                      << "700\tz\t9\tok\n";
  const RequestLog log = RequestLog::open_file(path);
  ASSERT_EQ(log.size(), 1u);
  const RequestRecord r = *log.begin();  // a copy: the reference lives while the iterator does
  EXPECT_EQ(r.id, 7u);
  EXPECT_EQ(r.end_ns, 500);
  EXPECT_EQ(r.error, RequestError::bad_status);
  EXPECT_EQ(r.status, 0);  // no column: the default
  std::filesystem::remove(path);
}

TEST(RequestLog, NewerVersionOrNoHeaderIsAnError) {
  const std::string path = temp_path("version");
  std::ofstream(path) << kRequestLogMagic << kRequestLogVersion + 1 << "\nid\n1\n";
  EXPECT_THROW(RequestLog::open_file(path), std::runtime_error);
  std::ofstream(path) << "id\tend_ns\n1\t2\n";
  EXPECT_THROW(RequestLog::open_file(path), std::runtime_error);
  std::filesystem::remove(path);
  EXPECT_THROW(RequestLog::open_file(path), std::runtime_error);
}

// Iterating a streamed log holds one chunk, not the log: the heap in use while reading 200 000
// records (16 MB as RequestRecords) stays within a few hundred KB of where it started.
TEST(RequestLog, IterationHoldsBoundedMemory) {
  if (mallinfo2().uordblks == 0) GTEST_SKIP() << "mallinfo2 reports nothing under this allocator (sanitizer build)";
  const std::string path = temp_path("bounded");
  constexpr std::size_t kRecords = 200'000;
  RequestLog log = RequestLog::stream_to(path);
  for (const RequestRecord& r : varied_records(kRecords)) log.push_back(r);
  log.flush();
  const std::size_t before = mallinfo2().uordblks;
  std::size_t peak = before, count = 0;
  for (const RequestRecord& r : log) {
    count += r.id < kRecords;
    if (count % 1000 == 0) peak = std::max(peak, mallinfo2().uordblks);
  }
  EXPECT_EQ(count, kRecords);
  EXPECT_LT(peak - before, std::size_t{1} << 20) << "bytes in use grew by " << peak - before;
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace forkcheck::harness
