#include "harness/wire/wire_fuzz.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <utility>

#include "harness/wire/wire_fuzz_attribution.hpp"
#include "harness/wire/wire_fuzz_connection.hpp"

namespace forkcheck::harness {
namespace {

std::string read_prefix(const std::filesystem::path& file, std::size_t max_bytes) {
  std::ifstream in(file, std::ios::binary);
  std::string out(max_bytes, '\0');
  in.read(out.data(), static_cast<std::streamsize>(max_bytes));
  out.resize(static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  return out;
}

std::optional<WireInputSource> source_for(const FaultSpec& f, std::size_t spec_index, std::uint64_t seed,
                                          std::string* error) {
  std::vector<std::string> seeds = builtin_wire_seeds();
  const auto max_bytes = static_cast<std::size_t>(f.wire.max_bytes);
  if (!f.wire.corpus.empty()) {
    auto corpus = read_corpus_dir(f.wire.corpus, max_bytes, error);
    if (!corpus) return std::nullopt;
    seeds.insert(seeds.end(), std::make_move_iterator(corpus->begin()), std::make_move_iterator(corpus->end()));
  }
  return WireInputSource(std::move(seeds), MutatorLimits{f.wire.max_mutations, max_bytes}, wire_fuzz_seed(seed, spec_index));
}

}  // namespace

std::optional<std::vector<std::string>> read_corpus_dir(const std::string& dir, std::size_t max_bytes,
                                                        std::string* error) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file(ec) && files.size() < kMaxCorpusFiles) files.push_back(it->path());
  if (ec) {
    if (error) *error = "cannot read the wire_fuzz corpus " + dir + ": " + ec.message();
    return std::nullopt;
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(read_prefix(f, max_bytes));
  return out;
}

std::unique_ptr<WireFuzzer> WireFuzzer::create(const Scenario& s, std::uint64_t seed, std::uint16_t port,
                                               std::string* error) {
  std::map<std::size_t, WireInputSource> sources;
  std::map<std::size_t, mono_ns> timeouts;
  for (std::size_t i = 0; i < s.faults.size(); ++i) {
    const FaultSpec& f = s.faults[i];
    if (f.kind != FaultKind::wire_fuzz) continue;
    auto source = source_for(f, i, seed, error);
    if (!source) return nullptr;
    sources.emplace(i, std::move(*source));
    timeouts.emplace(i, ms_to_ns(f.wire.timeout_ms));
  }
  const auto server = loopback_endpoint(s.load.host, port);  // the load's host: loopback only
  if (!server) {
    if (error) *error = "wire_fuzz: load.host " + s.load.host + " is not a loopback address";
    return nullptr;
  }
  return std::unique_ptr<WireFuzzer>(
      new WireFuzzer(plan_wire_fuzz(s, seed), std::move(sources), std::move(timeouts), *server));
}

WireFuzzer::WireFuzzer(std::vector<WireBurst> plan, std::map<std::size_t, WireInputSource> sources,
                       std::map<std::size_t, mono_ns> timeouts, LoopbackEndpoint server)
    : plan_(std::move(plan)), sources_(std::move(sources)), timeouts_(std::move(timeouts)), server_(server) {}

WireFuzzer::~WireFuzzer() { stop(); }

void WireFuzzer::start(mono_ns load_start_ns) {
  if (plan_.empty() || thread_.joinable()) return;
  thread_ = std::thread([this, load_start_ns] { loop(load_start_ns); });
}

std::vector<WireInputRecord> WireFuzzer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  return std::exchange(records_, {});
}

// Sleeps until t (CLOCK_MONOTONIC, which steady_clock is on Linux) unless stop() comes first.
bool WireFuzzer::wait_until(mono_ns t) {
  std::unique_lock lock(mutex_);
  for (int i = 0; i < 1'000'000 && !stopping_; ++i) {
    const mono_ns left = t - monotonic_ns();
    if (left <= 0) return true;
    wake_.wait_for(lock, std::chrono::nanoseconds(left));
  }
  return !stopping_;
}

void WireFuzzer::loop(mono_ns load_start_ns) {
  for (std::size_t b = 0; b < plan_.size(); ++b) {
    const WireBurst& burst = plan_[b];
    int sent = 0;
    if (wait_until(load_start_ns + burst.offset_ns))
      for (; sent < burst.inputs && !stopping_; ++sent) send_next(burst.spec_index);
    unsent_ += static_cast<std::size_t>(burst.inputs - sent);
  }
}

void WireFuzzer::send_next(std::size_t spec_index) {
  const std::uint64_t k = next_index_[spec_index]++;
  const std::string bytes = sources_.at(spec_index).input(k);
  WireInputRecord r = send_wire_input(server_, bytes, timeouts_.at(spec_index));
  r.sequence = records_.size();
  r.spec_index = spec_index;
  r.index = k;
  r.hash = fnv1a64(bytes);
  records_.push_back(r);
  ++sent_;
}

std::string WireFuzzer::bytes_of(const WireInputRecord& r) const {
  const auto it = sources_.find(r.spec_index);
  if (it == sources_.end()) return {};
  std::string bytes = it->second.input(r.index);
  return fnv1a64(bytes) == r.hash ? bytes : std::string();
}

bool save_crash_inputs(const WireFuzzer& fuzzer, const History& h, const std::string& dir, std::string* error) {
  for (std::size_t i : crash_inputs_to_save(h)) {
    const WireInputRecord& r = h.wire_inputs[i];
    const std::string bytes = fuzzer.bytes_of(r);
    const std::string path = dir + "/" + crash_input_file_name(r);
    if (bytes.empty()) {
      if (error) *error = "cannot regenerate wire-fuzz input #" + std::to_string(r.sequence) + " for " + path;
      return false;
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      if (error) *error = "cannot write " + path;
      return false;
    }
  }
  return true;
}

}  // namespace forkcheck::harness
