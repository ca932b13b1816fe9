#include "harness/suite/suite_outputs.hpp"

#include "harness/report/report_dir.hpp"
#include "harness/report/step_summary.hpp"
#include "harness/suite/suite_json.hpp"
#include "harness/suite/suite_render.hpp"

namespace forkcheck::harness {

bool write_suite_outputs(const SuiteResult& result, const std::string& dir, std::string* error) {
  const std::string summary = render_suite_summary_md(result);
  const bool written = write_report_file(dir, "suite.json", render_suite_json(result), error) &&
                       write_report_file(dir, "index.html", render_suite_index_html(result), error) &&
                       write_report_file(dir, "junit.xml", render_suite_junit(result), error) &&
                       write_report_file(dir, "summary.md", summary, error);
  append_step_summary(summary);  // a CI job's summary page, when $GITHUB_STEP_SUMMARY is set
  return written;
}

}  // namespace forkcheck::harness
