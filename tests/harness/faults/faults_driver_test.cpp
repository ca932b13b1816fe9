// The load's end against the faults as they were sent (faults_driver.hpp), without processes.
#include <gtest/gtest.h>

#include "harness/faults/faults_driver.hpp"

namespace forkcheck::harness {
namespace {

FaultRecord sent(FaultKind kind, mono_ns sent_ns) {
  FaultRecord f;
  f.kind = kind;
  f.sent_ns = sent_ns;
  return f;
}

// short_kill_random: the fault planned at +0.8 s, a 1.5 s recovery deadline, the load to +2.6 s.
// Under load the kill went out at +1.25 s to +1.86 s (the victims' freeze up to 200 ms, the
// connection read up to 270 ms, the loop descheduled): its recovery then ended after the load and
// service_available said unknown (3 of 75 runs).
TEST(LoadEndCovering, ALateFaultMovesTheEndSoItsRecoveryIsUnderLoad) {
  const mono_ns recovery = ms_to_ns(1750);
  const mono_ns planned_end = ms_to_ns(2600);
  EXPECT_EQ(load_end_covering(planned_end, {sent(FaultKind::kill_worker, ms_to_ns(801))}, recovery), planned_end);
  EXPECT_EQ(load_end_covering(planned_end, {sent(FaultKind::kill_worker, ms_to_ns(1252))}, recovery),
            ms_to_ns(1252) + recovery);
  EXPECT_EQ(load_end_covering(planned_end,
                              {sent(FaultKind::stop_worker, ms_to_ns(900)), sent(FaultKind::remove_file, ms_to_ns(1500))},
                              recovery),
            ms_to_ns(1500) + recovery);
}

TEST(LoadEndCovering, NeitherUnsentFaultsNorThePrimarysMoveIt) {
  const mono_ns recovery = ms_to_ns(1750);
  const mono_ns planned_end = ms_to_ns(2600);
  EXPECT_EQ(load_end_covering(planned_end, {}, recovery), planned_end);
  EXPECT_EQ(load_end_covering(planned_end,
                              {sent(FaultKind::kill_worker, 0), sent(FaultKind::term_primary, ms_to_ns(2000)),
                               sent(FaultKind::kill_primary, ms_to_ns(2100))},
                              recovery),
            planned_end);
}

}  // namespace
}  // namespace forkcheck::harness
