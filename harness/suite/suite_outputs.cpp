#include "harness/suite/suite_outputs.hpp"

#include "harness/report/report_dir.hpp"
#include "harness/report/step_summary.hpp"
#include "harness/suite/suite_console.hpp"
#include "harness/suite/suite_json.hpp"
#include "harness/suite/suite_render.hpp"

namespace forkcheck::harness {

bool write_suite_outputs(const SuiteResult& result, const std::string& dir, std::string* error) {
  const std::string summary_md = render_suite_summary_md(result);
  const bool written = write_report_file(dir, "suite.json", render_suite_json(result), error) &&
                       write_report_file(dir, "summary.txt", render_suite_text(result), error) &&
                       write_report_file(dir, "index.html", render_suite_index_html(result), error) &&
                       write_report_file(dir, "junit.xml", render_suite_junit(result), error) &&
                       write_report_file(dir, "summary.md", summary_md, error);
  append_step_summary(summary_md);
  return written;
}

}  // namespace forkcheck::harness
