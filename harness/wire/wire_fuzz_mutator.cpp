#include "harness/wire/wire_fuzz_mutator.hpp"

#include <algorithm>
#include <array>

namespace forkcheck::harness {
namespace {

// The request bytes a server's parser branches on (fuzz/dict/worker_request.dict holds the same
// words for libFuzzer; these are built in so a run needs no file).
constexpr std::array<std::string_view, 34> kTokens{{
    "GET ", "HEAD ", "POST ", "PUT ", "DELETE ", "OPTIONS ", "CONNECT ", "PRI ", " HTTP/1.1", " HTTP/1.0",
    " HTTP/2.0", " HTTP/1.1 HTTP/1.1", "\r\n", "\n", "\r\n\r\n", "Host: ", "Content-Length: ",
    "Content-Length: 0\r\nContent-Length: 5\r\n", "Transfer-Encoding: chunked\r\n", "Transfer-Encoding: identity, chunked\r\n",
    "Connection: close\r\n", "Connection: keep-alive\r\n", "Expect: 100-continue\r\n", "Range: bytes=0-1,2-3,-4\r\n",
    "Upgrade: h2c\r\n", "0\r\n\r\n", "ffffffffffffffff\r\n", ";ext=1", ": ", " : ", "\t", "%", "%00", "?",
}};

// Request targets: servers route on these, and routing is where input meets handler code. /crash is
// the conventional trigger of test fixtures (brokencluster's crash_on_input among them).
constexpr std::array<std::string_view, 12> kTargets{{
    "/", "*", "/index.html", "/../../../etc/passwd", "/%2e%2e/%2e%2e/", "/%00", "//", "/?a=1&a=2&a[]=3",
    "http://127.0.0.1/", "/crash", "/admin", "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z",
}};

constexpr std::array<char, 12> kBytes{{'\0', '\xff', '\r', '\n', ' ', ':', '%', '/', '\t', '\x7f', '"', '\\'}};

constexpr std::array<std::string_view, 8> kNumbers{{
    "0", "-1", "4294967296", "18446744073709551615", "18446744073709551616", "99999999999999999999999", "1e3", "0x10",
}};

std::string_view pick(const auto& table, WireRng& rng) { return std::string_view(table[rng.below(table.size())]); }

std::size_t position(const std::string& s, WireRng& rng) { return rng.below(s.size() + 1); }

void flip_bit(std::string& s, WireRng& rng) {
  if (s.empty()) return;
  s[rng.below(s.size())] ^= static_cast<char>(1u << rng.below(8));
}

void set_byte(std::string& s, WireRng& rng) {
  if (s.empty()) return;
  s[rng.below(s.size())] = kBytes[rng.below(kBytes.size())];
}

// Each draw is its own statement: the order in which a call's arguments are evaluated is unspecified,
// and compilers differ, which would make the inputs differ between builds.
void insert_token(std::string& s, WireRng& rng) {
  const std::size_t at = position(s, rng);
  s.insert(at, pick(kTokens, rng));
}

// The request line's target (between its first two spaces) becomes one of kTargets.
void replace_target(std::string& s, WireRng& rng) {
  const std::string_view target = pick(kTargets, rng);
  const std::size_t eol = std::min(s.find('\n'), s.size());
  const std::size_t sp1 = s.find(' ');
  if (sp1 == std::string::npos || sp1 >= eol) {
    s.insert(0, "GET " + std::string(target) + " ");
    return;
  }
  std::size_t sp2 = s.find(' ', sp1 + 1);
  if (sp2 == std::string::npos || sp2 > eol) sp2 = eol;
  s.replace(sp1 + 1, sp2 - sp1 - 1, target);
}

void erase_range(std::string& s, WireRng& rng) {
  if (s.size() < 2) return;
  const std::size_t at = rng.below(s.size());
  s.erase(at, 1 + rng.below(std::min<std::size_t>(s.size() - at, 32)));
}

// A chunk repeated: long header lines, many headers, many pipelined requests.
void repeat_range(std::string& s, WireRng& rng, std::size_t max_bytes) {
  if (s.empty()) return;
  const std::size_t at = rng.below(s.size());
  const std::string chunk = s.substr(at, 1 + rng.below(std::min<std::size_t>(s.size() - at, 64)));
  const std::size_t copies = 1 + rng.below(16);
  for (std::size_t i = 0; i < copies && s.size() + chunk.size() <= max_bytes; ++i) s.insert(at, chunk);
}

void truncate(std::string& s, WireRng& rng) {
  if (s.size() > 1) s.resize(1 + rng.below(s.size() - 1));
}

void splice(std::string& s, const std::vector<std::string>& pool, WireRng& rng) {
  if (pool.empty()) return;
  const std::string& other = pool[rng.below(pool.size())];
  const std::size_t head = position(s, rng);
  const std::size_t tail = rng.below(other.size() + 1);
  s = s.substr(0, head) + other.substr(tail);
}

// The first run of digits at or after a random point (a length, a chunk size, a version) becomes
// another number, the kind that overflows parsers.
void swap_number(std::string& s, WireRng& rng) {
  std::size_t begin = s.find_first_of("0123456789", rng.below(s.size() + 1));
  if (begin == std::string::npos) begin = s.find_first_of("0123456789");
  if (begin == std::string::npos) return;
  const std::size_t end = std::min(s.find_first_not_of("0123456789", begin), s.size());
  s.replace(begin, end - begin, pick(kNumbers, rng));
}

// Weighted by what finds bugs in request parsers: routing and framing first.
void mutate_once(std::string& s, const std::vector<std::string>& pool, std::size_t max_bytes, WireRng& rng) {
  switch (rng.below(12)) {
    case 0: flip_bit(s, rng); break;
    case 1: set_byte(s, rng); break;
    case 2:
    case 3: insert_token(s, rng); break;
    case 4:
    case 5:
    case 6: replace_target(s, rng); break;
    case 7: erase_range(s, rng); break;
    case 8: repeat_range(s, rng, max_bytes); break;
    case 9: truncate(s, rng); break;
    case 10: splice(s, pool, rng); break;
    default: swap_number(s, rng); break;
  }
  if (s.size() > max_bytes) s.resize(max_bytes);
}

}  // namespace

std::uint64_t WireRng::next() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t WireRng::below(std::uint64_t n) {
  // The modulo's bias is below n / 2^64: nothing for a fuzzer, and defined the same everywhere.
  return n == 0 ? 0 : next() % n;
}

const std::vector<std::string>& builtin_wire_seeds() {
  static const std::vector<std::string> seeds{
      "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
      "HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
      "GET / HTTP/1.0\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello",
      "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
      "GET /?q=%20%zz&r=%ff HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
      "OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /x HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nRange: bytes=0-1,2-3,-4\r\n\r\n",
      "PUT / HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
      "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 18446744073709551616\r\n\r\n",
      "GET / HTTP/1.1\nHost: 127.0.0.1\n\n",
      "GET / HTTP/9.9\r\n\r\n",
      "GARBAGE\r\n\r\n",
  };
  return seeds;
}

std::string mutate(std::string base, const std::vector<std::string>& pool, const MutatorLimits& limits, WireRng& rng) {
  const std::size_t max_bytes = std::max<std::size_t>(limits.max_bytes, 1);
  const auto rounds = 1 + rng.below(static_cast<std::uint64_t>(std::max(limits.max_mutations, 1)));
  for (std::uint64_t i = 0; i < rounds; ++i) mutate_once(base, pool, max_bytes, rng);
  if (base.size() > max_bytes) base.resize(max_bytes);
  // push_back, not `base = "\n"`: g++ 12 at -O3 reports a false -Wrestrict on the inlined assign.
  if (base.empty()) base.push_back('\n');
  return base;
}

WireInputSource::WireInputSource(std::vector<std::string> seeds, MutatorLimits limits, std::uint64_t seed)
    : seeds_(std::move(seeds)), limits_(limits), seed_(seed) {
  limits_.max_bytes = std::max<std::size_t>(limits_.max_bytes, 1);
  std::erase_if(seeds_, [](const std::string& s) { return s.empty(); });
  if (seeds_.empty()) seeds_ = builtin_wire_seeds();
  for (std::string& s : seeds_)
    if (s.size() > limits_.max_bytes) s.resize(limits_.max_bytes);
}

std::string WireInputSource::input(std::uint64_t k) const {
  if (limits_.max_mutations <= 0) return seeds_[k % seeds_.size()];
  if (k < seeds_.size()) return seeds_[k];
  WireRng rng(seed_ ^ (k * 0xd1342543de82ef95ULL));
  std::string base = seeds_[rng.below(seeds_.size())];
  return mutate(std::move(base), seeds_, limits_, rng);
}

std::uint64_t wire_fuzz_seed(std::uint64_t run_seed, std::size_t spec_index) {
  WireRng rng(run_seed ^ (0xa0761d6478bd642fULL * (spec_index + 1)));
  return rng.next();
}

std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

}  // namespace forkcheck::harness
