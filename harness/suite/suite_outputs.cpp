#include "harness/suite/suite_outputs.hpp"

#include "harness/report/report_dir.hpp"
#include "harness/suite/suite_console.hpp"
#include "harness/suite/suite_json.hpp"

namespace forkcheck::harness {

bool write_suite_outputs(const SuiteResult& result, const std::string& dir, std::string* error) {
  return write_report_file(dir, "suite.json", render_suite_json(result), error) &&
         write_report_file(dir, "summary.txt", render_suite_text(result), error);
}

}  // namespace forkcheck::harness
