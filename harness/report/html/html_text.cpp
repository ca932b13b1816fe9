#include "harness/report/html/html_text.hpp"

#include <cmath>
#include <cstdio>

#include "harness/report/report_junit.hpp"

namespace forkcheck::harness {
namespace {

constexpr std::string_view kSharedCss = R"(body{font:14px/1.45 sans-serif;margin:1.5em auto;max-width:1320px;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 7px;text-align:left;vertical-align:top}
th{background:#f2f2f2}
code,pre{font:12.5px monospace;background:#f5f5f5}pre{padding:.6em;overflow-x:auto}
)";

}  // namespace

std::string html_page_start(std::string_view title, std::string_view page_css) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>";
  out += escape_html(title);
  out += "</title>\n<style>\n";
  out += kSharedCss;
  out += page_css;
  out += "</style>\n</head><body>\n";
  return out;
}

std::string escape_html(std::string_view text) { return xml_escape(text); }

std::string escape_href_path(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    // RFC 3986 unreserved characters and the segment separator pass; everything else is encoded.
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (alnum || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
  return out;  // nothing HTML would read as markup is left
}

std::string svg_number(double v) {
  if (!std::isfinite(v)) v = 0;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace forkcheck::harness
