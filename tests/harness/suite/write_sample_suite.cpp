// Writes the sample suite result's outputs into a directory, as `forkcheck suite --report DIR`
// would: index.html, junit.xml, summary.md, and a stand-in report for every run (report.html, or
// report.md for a run that could not be made), so the browser test can follow every link; plus
// expected-matrix.tsv, what the matrix must show. Usage: write_sample_suite DIR
#include <filesystem>
#include <fstream>
#include <iostream>

#include "harness/suite/suite_render.hpp"
#include "harness/suite/suite_render_text.hpp"
#include "tests/harness/suite/sample_suite_result.hpp"

namespace {

namespace fs = std::filesystem;
using namespace forkcheck::harness;

bool write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) std::cerr << "write_sample_suite: cannot write " << path << "\n";
  return static_cast<bool>(out);
}

// One line per cell in matrix order: scenario, target, the status label the cell must show.
std::string expected_matrix(const SuiteResult& r) {
  std::string out;
  for (const SuiteScenario& s : r.scenarios)
    for (const SuiteTarget& t : r.targets)
      out += s.name + "\t" + t.name + "\t" + std::string(status_text(find_cell(r, s.name, t.name)->status).label) + "\n";
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: write_sample_suite DIR\n";
    return 2;
  }
  const fs::path dir = argv[1];
  const SuiteResult r = testing::sample_suite_result();
  bool ok = write(dir / "index.html", render_suite_index_html(r)) && write(dir / "junit.xml", render_suite_junit(r)) &&
            write(dir / "summary.md", render_suite_summary_md(r)) && write(dir / "expected-matrix.tsv", expected_matrix(r));
  for (const Cell& c : r.cells)
    for (const CellRun& run : c.runs)
      ok = ok && write(dir / run_report_path(run), "<!DOCTYPE html><title>a run</title><p>stand-in report</p>\n");
  return ok ? 0 : 1;
}
