#include "harness/report/step_summary.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string_view>

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

std::vector<char*> environment_without_step_summary(char** environment) {
  static constexpr std::string_view kName = "GITHUB_STEP_SUMMARY=";
  std::vector<char*> out;
  for (char** e = environment; e != nullptr && *e != nullptr; ++e)
    if (std::string_view(*e).substr(0, kName.size()) != kName) out.push_back(*e);
  out.push_back(nullptr);
  return out;
}

}  // namespace forkcheck::harness
