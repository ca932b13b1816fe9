// The wire fuzzer's sockets, against the load tests' misbehaving server on 127.0.0.1.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/harness/support/test_server.hpp"
#include "harness/wire/wire_fuzz.hpp"
#include "harness/wire/wire_fuzz_connection.hpp"

namespace forkcheck::harness {
namespace {

using forkcheck::testing::ServerMode;
using forkcheck::testing::ServerOptions;
using forkcheck::testing::TestServer;

constexpr std::string_view kGet = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

LoopbackEndpoint loopback(int port) { return *loopback_endpoint("127.0.0.1", port); }

WireInputRecord send_to(ServerMode mode, std::string_view bytes, mono_ns timeout = ms_to_ns(1000)) {
  TestServer server(ServerOptions{.mode = mode});
  return send_wire_input(loopback(server.port()), bytes, timeout);
}

TEST(WireInput, Answered) {
  const WireInputRecord r = send_to(ServerMode::normal, kGet);
  EXPECT_EQ(r.outcome, WireOutcome::answered);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.worker_pid, 4242);
  EXPECT_NE(r.local_port, 0);
  EXPECT_EQ(r.size, kGet.size());
  EXPECT_GE(r.sent_ns, r.connect_ns);
  EXPECT_GE(r.end_ns, r.sent_ns);
}

TEST(WireInput, ClosedOrResetWithoutAnAnswer) {
  EXPECT_EQ(send_to(ServerMode::eof, kGet).outcome, WireOutcome::closed);
  EXPECT_EQ(send_to(ServerMode::reset, kGet).outcome, WireOutcome::reset);
}

TEST(WireInput, ATruncatedRequestIsHalfClosedSoTheServerEndsIt) {
  const WireInputRecord r = send_to(ServerMode::normal, "GET / HT");
  EXPECT_EQ(r.outcome, WireOutcome::closed);
  EXPECT_GT(r.half_closed_ns, r.sent_ns);
  EXPECT_LT(r.end_ns - r.connect_ns, ms_to_ns(900));
}

TEST(WireInput, ASilentServerTimesOut) {
  TestServer server(ServerOptions{.accept_connections = false});  // the kernel accepts; nobody reads
  const WireInputRecord r = send_wire_input(loopback(server.port()), kGet, ms_to_ns(150));
  EXPECT_EQ(r.outcome, WireOutcome::timeout);
  EXPECT_GE(r.end_ns - r.connect_ns, ms_to_ns(150));
  EXPECT_LT(r.end_ns - r.connect_ns, ms_to_ns(1000));
}

TEST(WireInput, RefusedWhenNothingListens) {
  int port = 0;
  {
    TestServer gone;
    port = gone.port();
  }
  const WireInputRecord r = send_wire_input(loopback(port), kGet, ms_to_ns(500));
  EXPECT_EQ(r.outcome, WireOutcome::refused);
  EXPECT_EQ(r.local_port, 0);
}

Scenario fuzz_scenario(const std::string& extra = "") {
  auto parsed = parse_scenario("warmup_s: 0\nduration_s: 1\nfaults:\n  - kind: wire_fuzz\n    at_s: 0\n    every_s: 0.01\n"
                               "    count: 2\n    inputs: 3\n" + extra, "/tmp/x.yaml");
  if (auto* e = std::get_if<ScenarioError>(&parsed)) ADD_FAILURE() << e->to_string();
  return std::get<Scenario>(parsed);
}

TEST(WireFuzzer, SendsEveryPlannedInputAndRecordsIt) {
  TestServer server;
  std::string error;
  auto fuzzer = WireFuzzer::create(fuzz_scenario(), 1, static_cast<std::uint16_t>(server.port()), &error);
  ASSERT_TRUE(fuzzer) << error;
  fuzzer->start(monotonic_ns());
  const mono_ns deadline = monotonic_ns() + ms_to_ns(5000);
  while (fuzzer->sent_inputs() < 6 && monotonic_ns() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const auto records = fuzzer->stop();
  ASSERT_EQ(records.size(), 6u);
  EXPECT_EQ(fuzzer->unsent_inputs(), 0u);
  for (std::size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].sequence, i);
    EXPECT_EQ(records[i].index, i);
    EXPECT_EQ(records[i].spec_index, 0u);
    EXPECT_EQ(fuzzer->bytes_of(records[i]), builtin_wire_seeds()[i]);  // the seeds go first
  }
  WireInputRecord tampered = records[0];
  tampered.hash ^= 1;
  EXPECT_TRUE(fuzzer->bytes_of(tampered).empty());
}

TEST(WireFuzzer, StopEndsItEarlyAndCountsWhatWasNotSent) {
  std::string error;
  auto fuzzer = WireFuzzer::create(fuzz_scenario(), 1, 9, &error);
  ASSERT_TRUE(fuzzer);
  fuzzer->start(monotonic_ns() + ms_to_ns(60'000));  // due in a minute
  EXPECT_TRUE(fuzzer->stop().empty());
  EXPECT_EQ(fuzzer->unsent_inputs(), 6u);
}

TEST(WireFuzzer, ReadsACorpusDirectory) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("wire-corpus-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "b") << "second";
  std::ofstream(dir / "a") << "first";
  std::string error;
  const auto corpus = read_corpus_dir(dir.string(), 4, &error);
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(corpus) << error;
  EXPECT_EQ(*corpus, (std::vector<std::string>{"firs", "seco"}));
  EXPECT_FALSE(read_corpus_dir(dir.string(), 4, &error));
  EXPECT_NE(error.find(dir.string()), std::string::npos);
  EXPECT_FALSE(WireFuzzer::create(fuzz_scenario("    corpus: /nonexistent/corpus\n"), 1, 9, &error));
}

TEST(WireFuzzer, IdleWithoutWireFuzzFaults) {
  std::string error;
  auto fuzzer = WireFuzzer::create(Scenario{}, 1, 9, &error);
  ASSERT_TRUE(fuzzer);
  EXPECT_TRUE(fuzzer->empty());
  fuzzer->start(monotonic_ns());
  EXPECT_TRUE(fuzzer->stop().empty());
}

}  // namespace
}  // namespace forkcheck::harness
