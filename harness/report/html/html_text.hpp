#pragma once
// Text into HTML and SVG: every string that may come from the target (its command line, notes,
// evidence, pids' causes) goes through escape(). Pure.
#include <string>
#include <string_view>

namespace forkcheck::harness {

// &, <, >, " and ' as entities: safe in element text and in quoted attribute values. The same
// entities as XML (junit.xml's xml_escape, which also drops control characters HTML cannot carry).
std::string escape_html(std::string_view text);

// A relative file path as the value of an href: each segment percent-encoded (a space, '#', '?',
// '%', '&', a quote or a non-ASCII byte would change or break the link), '/' kept; safe in a quoted attribute.
std::string escape_href_path(std::string_view path);

// The start of a self-contained page, up to and including <body>: charset, the escaped title, and
// one inline stylesheet: the rules every forkcheck page shares (type, headings, tables, code)
// followed by `page_css`, the page's own.
std::string html_page_start(std::string_view title, std::string_view page_css);

// A number for an SVG coordinate: one decimal, no locale.
std::string svg_number(double v);

}  // namespace forkcheck::harness
