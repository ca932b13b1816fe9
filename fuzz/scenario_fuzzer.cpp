// Surface: scenario files (harness/model/scenario.hpp), one YAML document per input.
// Invariants: parse_scenario never throws or crashes (yaml-cpp's exceptions are the parser's to
// catch); an error names the file and a line within the text; an accepted scenario keeps the
// rules the parser promises (warm-up before the end, faults inside the run, no duplicate property).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "fuzz/fuzz_check.hpp"
#include "harness/model/scenario.hpp"

namespace {

using forkcheck::harness::Scenario;
using forkcheck::harness::ScenarioError;

constexpr std::string_view kFileName = "fuzz/input.yaml";

void check_error(const ScenarioError& error, std::string_view text) {
  FUZZ_CHECK(error.file == kFileName, "an error names the file");
  FUZZ_CHECK(!error.message.empty(), "an error says what is wrong");
  // YAML breaks lines at \n, \r\n and \r: counting both characters bounds the line count.
  const auto breaks = std::count(text.begin(), text.end(), '\n') + std::count(text.begin(), text.end(), '\r');
  FUZZ_CHECK(error.line >= 0 && error.line <= breaks + 2, "an error's line is within the text");
  FUZZ_CHECK(!error.to_string().empty(), "an error renders");
}

void check_scenario(const Scenario& s) {
  FUZZ_CHECK(s.source_path == kFileName, "a scenario remembers its file");
  FUZZ_CHECK(s.warmup_s >= 0 && s.warmup_s < s.duration_s, "warm-up ends before the run does");
  FUZZ_CHECK(s.port >= 0 && s.port <= 65535, "the port is a port");
  FUZZ_CHECK(!s.workers || *s.workers >= 1, "workers is auto or positive");
  for (const auto& f : s.faults) {
    FUZZ_CHECK(f.count >= 1 && f.at_s - f.jitter_s >= s.warmup_s, "a fault starts after warm-up");
    FUZZ_CHECK(f.at_s + f.every_s * (f.count - 1) + f.jitter_s < s.duration_s, "a fault ends in the run");
  }
  auto properties = s.properties;
  std::sort(properties.begin(), properties.end());
  FUZZ_CHECK(std::adjacent_find(properties.begin(), properties.end()) == properties.end(),
             "no property is listed twice");
  (void)forkcheck::harness::properties_to_check(s);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto result = forkcheck::harness::parse_scenario(text, kFileName);
  if (const auto* error = std::get_if<ScenarioError>(&result)) {
    check_error(*error, text);
  } else {
    check_scenario(std::get<Scenario>(result));
  }
  return 0;
}
