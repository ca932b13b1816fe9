// Requests the harness's own interrupt cut (RequestError::cancelled) are not the target's doing: no
// property counts them, in or out of the service window.
#include <gtest/gtest.h>

#include <algorithm>

#include "harness/check/checker.hpp"
#include "tests/harness/support/history_builder.hpp"

namespace forkcheck::harness {
namespace {

using namespace forkcheck::harness::testing;

// SIGINT to forkcheck at +1500 ms: the load stops and every connection's request in flight ends
// there, on connections no fault touched.
History interrupted_at_1500_ms(RequestError cut_as) {
  History h = correct_cluster();
  for (int c = 0; c < 40; ++c) {
    RequestRecord r;
    r.id = 10'000 + static_cast<std::uint64_t>(c);
    r.connection_id = c;
    r.local_port = static_cast<std::uint16_t>(41'000 + c);
    r.connection_opened_ns = at(150);
    r.intended_ns = r.start_ns = at(1499.5);
    r.end_ns = at(1500);
    r.error = cut_as;
    h.requests.push_back(r);
  }
  return h;
}

Scenario with_failed_ratio_bound() {
  Scenario s = walkthrough_scenario();
  s.walkthrough = false;
  s.thresholds.failed_ratio_max = 0.01;  // the one excused eof of correct_cluster is within it
  return s;
}

PropertyResult result_for(Property p, const std::vector<PropertyResult>& results) {
  const auto it = std::find_if(results.begin(), results.end(), [p](const PropertyResult& r) { return r.property == p; });
  if (it == results.end()) {
    ADD_FAILURE() << to_string(p) << " was not checked";
    return {};
  }
  return *it;
}

TEST(CancelledRequests, NoPropertyCountsARequestTheInterruptCut) {
  const History h = interrupted_at_1500_ms(RequestError::cancelled);
  const auto results = check(h, with_failed_ratio_bound());
  const PropertyResult dropped = result_for(Property::no_dropped_requests, results);
  EXPECT_EQ(dropped.verdict, Verdict::pass) << dropped.summary;
  // The cut requests are not even considered: the count is the uncut history's.
  const PropertyResult uncut = check_property(Property::no_dropped_requests, correct_cluster(), with_failed_ratio_bound());
  EXPECT_EQ(dropped.summary, uncut.summary);
  EXPECT_EQ(result_for(Property::failed_request_ratio, results).verdict, Verdict::pass)
      << result_for(Property::failed_request_ratio, results).summary;
  EXPECT_EQ(result_for(Property::service_available, results).summary,
            check_property(Property::service_available, correct_cluster(), with_failed_ratio_bound()).summary);
  EXPECT_FALSE(excusing_fault(h, Scenario{}, h.requests.records().back())) << "cancelled is not excused: it is no failure at all";
}

// The control: the same requests lost by the target (here `other`) are failures.
TEST(CancelledRequests, TheSameRequestsLostOtherwiseAreFailures) {
  const auto results = check(interrupted_at_1500_ms(RequestError::other), with_failed_ratio_bound());
  EXPECT_EQ(result_for(Property::no_dropped_requests, results).verdict, Verdict::fail);
  EXPECT_EQ(result_for(Property::failed_request_ratio, results).verdict, Verdict::fail);
}

}  // namespace
}  // namespace forkcheck::harness
