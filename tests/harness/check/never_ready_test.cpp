// A crash loop at start-up is judged by what needs no service window; the rest says why it is unknown.
#include <gtest/gtest.h>

#include "harness/check/checker.hpp"

namespace forkcheck::harness {
namespace {

TEST(WithoutServiceWindow, KeepsWhatNeedsNoWindowAndLeavesTheRestUnknown) {
  const std::vector<PropertyResult> checked = {
      {Property::bounded_restarts, Verdict::fail, "2400 forks in one second", {}},
      {Property::primary_alive, Verdict::pass, "alive", {}},
      {Property::no_overshoot, Verdict::pass, "never above N", {}},
      {Property::no_orphans, Verdict::pass, "none", {}},
      {Property::service_available, Verdict::fail, "refused", {}},
      {Property::workers_restored, Verdict::pass, "restored", {}},
      {Property::no_dropped_requests, Verdict::unknown, "no request", {}},
  };
  const auto out = without_service_window(checked, "2 workers were never ready");
  ASSERT_EQ(out.size(), checked.size());
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(out[i].verdict, checked[i].verdict) << to_string(out[i].property);
  EXPECT_EQ(out[4].verdict, Verdict::unknown);
  EXPECT_EQ(out[4].summary, "no service window: 2 workers were never ready");
  EXPECT_EQ(out[5].verdict, Verdict::unknown);
  EXPECT_EQ(out[6].summary, "no request");  // already unknown: its own reason stands
  EXPECT_EQ(exit_code_for(out), ExitCode::violated);
}

}  // namespace
}  // namespace forkcheck::harness
