// A target whose N workers were never ready, because it was crash-looping, still gets the verdicts
// that need no service window; the others cannot be judged and say why.
#include <algorithm>
#include <utility>

#include "harness/check/checker.hpp"

namespace forkcheck::harness {

namespace {

// What a run that never served can still show: how fast it forked, how many workers it held at once,
// whether its primary lived, whether its tree outlived it.
bool needs_no_service_window(Property p) {
  switch (p) {
    case Property::bounded_restarts:
    case Property::no_overshoot:
    case Property::primary_alive:
    case Property::no_orphans:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::vector<PropertyResult> without_service_window(std::vector<PropertyResult> results, const std::string& why) {
  for (PropertyResult& r : results) {
    if (needs_no_service_window(r.property) || r.verdict == Verdict::unknown) continue;
    r.evidence.insert(r.evidence.begin(), "not judged: " + why);
    r.verdict = Verdict::unknown;
    r.summary = "no service window: " + why;
  }
  return results;
}

}  // namespace forkcheck::harness
