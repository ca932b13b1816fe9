// Surface: refcluster's event feed as forkcheck reads it (common/event.hpp), one line per input.
// Invariants: parse_event_line never crashes and explains every rejection; an accepted event is
// normalised by one write (fields foreign to its kind are dropped by design), after which
// write -> parse -> write is a fixed point.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/event.hpp"
#include "fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto event = forkcheck::parse_event_line(line, &error);
  if (!event) {
    FUZZ_CHECK(!error.empty(), "a rejected line says why");
    return 0;
  }
  const std::string written = forkcheck::to_json_line(*event);
  FUZZ_CHECK(written.find('\n') == std::string::npos, "an event is one line");
  const auto reread = forkcheck::parse_event_line(written, &error);
  FUZZ_CHECK(reread.has_value(), "what to_json_line writes, parse_event_line reads");
  FUZZ_CHECK(reread->kind == event->kind && reread->t_ns == event->t_ns, "kind and t_ns survive");
  FUZZ_CHECK(forkcheck::to_json_line(*reread) == written, "write(parse(write(e))) == write(e)");
  const auto again = forkcheck::parse_event_line(forkcheck::to_json_line(*reread));
  FUZZ_CHECK(again.has_value() && *again == *reread, "a normalised event round-trips exactly");
  return 0;
}
