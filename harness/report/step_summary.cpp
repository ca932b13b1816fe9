#include "harness/report/step_summary.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace forkcheck::harness {

StepSummaryWrite append_step_summary(const std::string& markdown, std::ostream& warnings) {
  const char* path = std::getenv("GITHUB_STEP_SUMMARY");
  if (path == nullptr || *path == '\0') return StepSummaryWrite::not_requested;
  std::ofstream out(path, std::ios::out | std::ios::app | std::ios::binary);
  if (out) out << markdown << (markdown.empty() || markdown.back() == '\n' ? "\n" : "\n\n");
  if (out) out.close();
  if (!out) {
    warnings << "forkcheck: warning: could not append the summary to $GITHUB_STEP_SUMMARY (" << path
             << "): " << std::strerror(errno) << "\n";
    return StepSummaryWrite::failed;
  }
  return StepSummaryWrite::appended;
}

}  // namespace forkcheck::harness
