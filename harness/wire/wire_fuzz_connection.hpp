#pragma once
// One wire-fuzz input over one fresh connection to the loopback target (127.0.0.1 or ::1): connect,
// write every byte, half-close (so a server waiting for more of a truncated request sees the end at
// once and frees its thread), then read until the server closes, resets or the timeout passes.
// Internal to the wire fuzzer.
#include <string_view>

#include "common/clock.hpp"
#include "common/loopback.hpp"
#include "harness/model/history.hpp"

namespace forkcheck::harness {

// Blocking, bounded by `timeout_ns` from the call. Fills every field of the record but sequence,
// spec_index, index and hash, which are the caller's.
WireInputRecord send_wire_input(const LoopbackEndpoint& server, std::string_view bytes, mono_ns timeout_ns);

}  // namespace forkcheck::harness
