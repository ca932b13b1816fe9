#pragma once
// What `forkcheck suite` writes besides suite.json: index.html (the matrix, each cell linking to
// its runs' report.html), junit.xml (a testsuite per target, a testcase per scenario) and
// summary.md (the matrix and the unexpected cells; also the CI job's summary). Pure: a
// SuiteResult in, text out; the suite writes the files (layout: reports/README.md, "Suite reports").
#include <string>

#include "harness/suite/suite_model.hpp"

namespace forkcheck::harness {

// Self-contained (inline CSS, no script, nothing fetched). Links are relative to the suite's report
// directory, where index.html lives.
std::string render_suite_index_html(const SuiteResult& result);
std::string render_suite_junit(const SuiteResult& result);
std::string render_suite_summary_md(const SuiteResult& result);

}  // namespace forkcheck::harness
