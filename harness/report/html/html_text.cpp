#include "harness/report/html/html_text.hpp"

#include <cmath>
#include <cstdio>

#include "harness/report/report_junit.hpp"

namespace forkcheck::harness {

std::string escape_html(std::string_view text) { return xml_escape(text); }

std::string svg_number(double v) {
  if (!std::isfinite(v)) v = 0;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace forkcheck::harness
