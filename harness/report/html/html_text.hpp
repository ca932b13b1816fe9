#pragma once
// Text into HTML and SVG: every string that may come from the target (its command line, notes,
// evidence, pids' causes) goes through escape(). Pure.
#include <string>
#include <string_view>

namespace forkcheck::harness {

// &, <, >, " and ' as entities: safe in element text and in quoted attribute values. The same
// entities as XML (junit.xml's xml_escape, which also drops control characters HTML cannot carry).
std::string escape_html(std::string_view text);

// A number for an SVG coordinate: one decimal, no locale.
std::string svg_number(double v);

}  // namespace forkcheck::harness
