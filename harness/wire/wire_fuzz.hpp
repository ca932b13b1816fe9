#pragma once
// The live wire fuzzer: the scenario's wire_fuzz faults, sent alongside the load on a thread of its
// own. Each occurrence (wire_fuzz_plan.hpp) sends its inputs one after another, each on a fresh
// connection to 127.0.0.1 (wire_fuzz_connection.hpp), and records every one. One at a time on
// purpose: an input a worker dies on is then one of very few in flight (wire_fuzz_attribution.hpp).
// The inputs come from the built-in seeds plus the fault's corpus directory, mutated by the seed
// (wire_fuzz_mutator.hpp); the bytes are regenerated, not kept, when a crash input is saved.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.hpp"
#include "common/loopback.hpp"
#include "harness/model/history.hpp"
#include "harness/model/scenario.hpp"
#include "harness/wire/wire_fuzz_mutator.hpp"
#include "harness/wire/wire_fuzz_plan.hpp"

namespace forkcheck::harness {

constexpr std::size_t kMaxCorpusFiles = 256;

// The regular files of `dir`, by name, each cut to max_bytes, at most kMaxCorpusFiles. Empty and
// *error set when the directory cannot be read.
std::optional<std::vector<std::string>> read_corpus_dir(const std::string& dir, std::size_t max_bytes,
                                                        std::string* error);

class WireFuzzer {
 public:
  // nullptr with *error when a fault's corpus cannot be read. A scenario without wire_fuzz faults
  // gives an idle fuzzer (empty()).
  static std::unique_ptr<WireFuzzer> create(const Scenario& s, std::uint64_t seed, std::uint16_t port,
                                            std::string* error);
  WireFuzzer(const WireFuzzer&) = delete;
  WireFuzzer& operator=(const WireFuzzer&) = delete;
  ~WireFuzzer();  // stops and joins

  bool empty() const { return plan_.empty(); }
  // Sends each burst at load_start_ns + its offset, until stop().
  void start(mono_ns load_start_ns);
  // Lets the input in flight finish (bounded by its timeout), joins, and hands over every record.
  std::vector<WireInputRecord> stop();
  std::size_t unsent_inputs() const { return unsent_; }  // planned but not sent before stop()
  std::size_t sent_inputs() const { return sent_.load(); }  // so far (any thread)

  // The bytes of a recorded input, regenerated; empty if they no longer match its hash.
  std::string bytes_of(const WireInputRecord& r) const;

 private:
  WireFuzzer(std::vector<WireBurst> plan, std::map<std::size_t, WireInputSource> sources,
             std::map<std::size_t, mono_ns> timeouts, LoopbackEndpoint server);
  void loop(mono_ns load_start_ns);
  bool wait_until(mono_ns t);
  void send_next(std::size_t spec_index);

  std::vector<WireBurst> plan_;
  std::map<std::size_t, WireInputSource> sources_;  // by spec index
  std::map<std::size_t, mono_ns> timeouts_;         // by spec index
  std::map<std::size_t, std::uint64_t> next_index_;
  LoopbackEndpoint server_;
  std::vector<WireInputRecord> records_;  // written by the thread only, read after the join
  std::size_t unsent_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> sent_{0};
};

// Writes every input crash_inputs_to_save(h) names into dir, as crash_input_file_name(). False
// (with *error) when one cannot be regenerated or written.
bool save_crash_inputs(const WireFuzzer& fuzzer, const History& h, const std::string& dir, std::string* error);

}  // namespace forkcheck::harness
