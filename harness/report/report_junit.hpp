#pragma once
// junit.xml: one <testsuite> per run, one <testcase> per checked property, named by the property's
// stable string. fail -> <failure>, unknown -> <error> (not <skipped>: an undecided property makes
// forkcheck exit 3, and a skip would show green on most CI dashboards). Evidence is the element text.
#include <ostream>
#include <string>
#include <vector>

#include "harness/report/report_summary.hpp"

namespace forkcheck::harness {

std::string render_junit_report(const History& h, const Scenario& s, const std::vector<PropertyResult>& results,
                                const ReportMeta& meta);

// One <testcase name="run"> holding an <error> of `type` ("setup", "interrupted") with the reason:
// what CI shows for a run that could not be made or was stopped early.
// `details`, when given, follows the reason in the element's text (the message attribute is the reason).
void write_error_case(std::ostream& o, const std::string& classname, const std::string& type, const std::string& reason,
                      const std::string& details = {});

// XML text/attribute escaping (&, <, >, ", '); control characters other than tab/newline dropped.
std::string xml_escape(std::string_view text);

}  // namespace forkcheck::harness
