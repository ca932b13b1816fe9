// junit.xml of a suite: a <testsuite> per target, a <testcase> per scenario. Unexpected cells are
// failures (conformance failure, unexpected pass, flaky) or errors (could not run, undecided, the
// reference failed); expected failures and cells not run here are skipped, with the reason.
#include <cstdio>
#include <sstream>

#include "harness/report/report_junit.hpp"
#include "harness/suite/suite_render.hpp"
#include "harness/suite/suite_render_text.hpp"

namespace forkcheck::harness {
namespace {

struct Counts {
  std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
  double time_s = 0;
  void add(const Counts& n) {
    tests += n.tests, failures += n.failures, errors += n.errors, skipped += n.skipped, time_s += n.time_s;
  }
  void add(const Cell& c) {
    ++tests;
    const JunitOutcome j = status_text(c.status).junit;
    failures += j == JunitOutcome::failure ? 1 : 0;
    errors += j == JunitOutcome::error ? 1 : 0;
    skipped += j == JunitOutcome::skipped ? 1 : 0;
    time_s += cell_wall_s(c);
  }
};

// JUnit's time: seconds with three decimals, no locale.
std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

std::ostream& write_counts(std::ostream& o, const Counts& n) {
  return o << "tests=\"" << n.tests << "\" failures=\"" << n.failures << "\" errors=\"" << n.errors << "\" skipped=\""
           << n.skipped << "\" time=\"" << seconds(n.time_s) << "\"";
}

// The element text: the note, each run's verdict and report, one per line.
std::string cell_body(const Cell& c) {
  std::string out = c.note;
  for (const CellRun& r : c.runs) {
    out += "\nseed " + std::to_string(r.seed) + (r.rerun ? " (rerun " + std::to_string(r.rerun) + ")" : "") + ": " +
           std::string(run_verdict(r));
    if (!r.failed.empty()) out += " (" + comma_joined(r.failed) + ")";
    if (!r.error.empty()) out += ": " + r.error;
    if (const std::string path = run_report_path(r); !path.empty()) out += ", " + path;
  }
  return out;
}

void write_case(std::ostream& o, const Cell& c, const std::string& classname) {
  const CellStatusText& t = status_text(c.status);
  Counts n;
  n.add(c);
  o << "    <testcase name=\"" << xml_escape(c.scenario) << "\" classname=\"" << xml_escape(classname) << "\" time=\""
    << seconds(n.time_s) << "\"";
  std::string message(t.label);
  if (!c.failing_properties.empty()) message += ": " + comma_joined(c.failing_properties);
  if (!c.note.empty()) message += " — " + c.note;
  switch (t.junit) {
    case JunitOutcome::pass:
      o << ">\n      <system-out>" << xml_escape(cell_body(c)) << "</system-out>\n    </testcase>\n";
      return;
    case JunitOutcome::skipped:
      o << ">\n      <skipped message=\"" << xml_escape(message) << "\"/>\n    </testcase>\n";
      return;
    case JunitOutcome::failure:
    case JunitOutcome::error: {
      const char* element = t.junit == JunitOutcome::failure ? "failure" : "error";
      o << ">\n      <" << element << " message=\"" << xml_escape(message) << "\" type=\"" << xml_escape(t.label) << "\">"
        << xml_escape(cell_body(c)) << "</" << element << ">\n    </testcase>\n";
      return;
    }
  }
}

// Returns the target's counts, which the <testsuites> element sums.
Counts write_target(std::ostream& o, const SuiteResult& r, const SuiteTarget& t) {
  const std::string classname = "forkcheck.suite." + r.name + "." + t.name;
  std::vector<const Cell*> cells;
  for (const SuiteScenario& s : r.scenarios)
    if (const Cell* c = find_cell(r, s.name, t.name)) cells.push_back(c);
  Counts n;
  for (const Cell* c : cells) n.add(*c);
  o << "  <testsuite name=\"" << xml_escape(classname) << "\" ";
  write_counts(o, n) << ">\n    <properties>\n"
                     << "      <property name=\"target\" value=\"" << xml_escape(t.name) << "\"/>\n"
                     << "      <property name=\"command\" value=\"" << xml_escape(t.command) << "\"/>\n"
                     << "      <property name=\"reference\" value=\"" << (t.reference ? "true" : "false") << "\"/>\n";
  if (!t.skipped_because.empty())
    o << "      <property name=\"skipped_because\" value=\"" << xml_escape(t.skipped_because) << "\"/>\n";
  // JUnit has no word for a partial run: a property on every testsuite, and the missing cells as errors.
  if (const std::string partial = partial_text(r); !partial.empty())
    o << "      <property name=\"partial\" value=\"" << xml_escape(partial) << "\"/>\n";
  o << "    </properties>\n";
  for (const Cell* c : cells) write_case(o, *c, classname);
  o << "  </testsuite>\n";
  return n;
}

}  // namespace

std::string render_suite_junit(const SuiteResult& result) {
  Counts all;
  std::ostringstream suites;
  for (const SuiteTarget& t : result.targets) all.add(write_target(suites, result, t));
  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"" << xml_escape("forkcheck.suite." + result.name)
    << "\" ";
  write_counts(o, all) << ">\n" << suites.str() << "</testsuites>\n";
  return o.str();
}

}  // namespace forkcheck::harness
