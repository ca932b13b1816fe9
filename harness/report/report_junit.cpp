#include "harness/report/report_junit.hpp"

#include <algorithm>
#include <sstream>

namespace forkcheck::harness {
namespace {

std::string body(const PropertyResult& r) {
  std::string out = r.summary;
  for (const auto& e : r.evidence) out += "\n" + e;
  return out;
}

void write_case(std::ostream& o, const std::string& classname, const PropertyResult& r) {
  o << "  <testcase name=\"" << to_string(r.property) << "\" classname=\"" << xml_escape(classname) << "\"";
  if (r.verdict == Verdict::pass) {
    o << ">\n    <system-out>" << xml_escape(body(r)) << "</system-out>\n  </testcase>\n";
    return;
  }
  const char* element = r.verdict == Verdict::fail ? "failure" : "error";
  o << ">\n    <" << element << " message=\"" << xml_escape(r.summary) << "\" type=\"" << to_string(r.verdict) << "\">"
    << xml_escape(body(r)) << "</" << element << ">\n  </testcase>\n";
}

}  // namespace

void write_error_case(std::ostream& o, const std::string& classname, const std::string& type, const std::string& reason,
                      const std::string& details) {
  o << "  <testcase name=\"run\" classname=\"" << xml_escape(classname) << "\">\n    <error message=\""
    << xml_escape(reason) << "\" type=\"" << xml_escape(type) << "\">" << xml_escape(reason)
    << (details.empty() ? "" : "\n" + xml_escape(details)) << "</error>\n  </testcase>\n";
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 cannot carry most control characters, even escaped.
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\t') out += c;
    }
  }
  return out;
}

std::string render_junit_report(const History& h, const Scenario& s, const std::vector<PropertyResult>& results,
                                const ReportMeta& meta) {
  const auto count = [&](Verdict v) {
    return std::count_if(results.begin(), results.end(), [v](const PropertyResult& r) { return r.verdict == v; });
  };
  const std::string classname = "forkcheck." + s.name;
  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  const bool interrupted = !meta.interrupted.empty();
  o << "<testsuite name=\"" << xml_escape(classname) << "\" tests=\"" << results.size() + (interrupted ? 1 : 0)
    << "\" failures=\"" << count(Verdict::fail) << "\" errors=\"" << count(Verdict::unknown) + (interrupted ? 1 : 0)
    << "\" skipped=\"0\">\n";
  o << "  <properties>\n";
  o << "    <property name=\"scenario\" value=\"" << xml_escape(s.source_path) << "\"/>\n";
  o << "    <property name=\"target\" value=\"" << xml_escape(h.target.command) << "\"/>\n";
  o << "    <property name=\"seed\" value=\"" << s.seed << "\"/>\n";
  o << "    <property name=\"command\" value=\"" << xml_escape(meta.command_line) << "\"/>\n";
  o << "  </properties>\n";
  if (interrupted) write_error_case(o, classname, "interrupted", meta.interrupted);
  for (const auto& r : results) write_case(o, classname, r);
  o << "</testsuite>\n";
  return o.str();
}

}  // namespace forkcheck::harness
