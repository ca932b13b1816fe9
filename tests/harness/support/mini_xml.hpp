#pragma once
// A strict little XML reader for the tests of what forkcheck writes as XML (junit.xml): elements,
// attributes in double quotes, text, the five predefined entities and numeric references, an XML
// declaration. Anything else, a mismatched end tag, a raw '<' or '&' in text or a value, throws.
// Not a general parser (no comments, CDATA, DOCTYPE): forkcheck writes none.
#include <cctype>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace forkcheck::testing {

struct XmlElement {
  std::string name;
  std::map<std::string, std::string> attributes;  // unescaped values
  std::vector<XmlElement> children;
  std::string text;                               // unescaped, all text children joined

  std::vector<const XmlElement*> all(std::string_view child_name) const {
    std::vector<const XmlElement*> out;
    for (const auto& c : children)
      if (c.name == child_name) out.push_back(&c);
    return out;
  }
  std::string attr(const std::string& key) const {
    const auto it = attributes.find(key);
    if (it == attributes.end()) throw std::runtime_error("<" + name + "> has no attribute " + key);
    return it->second;
  }
};

class MiniXmlReader {
 public:
  explicit MiniXmlReader(std::string_view text) : s_(text) {}

  XmlElement document() {
    skip_space();
    if (s_.substr(i_, 5) == "<?xml") {
      const auto end = s_.find("?>", i_);
      if (end == std::string_view::npos) error("unterminated declaration");
      i_ = end + 2;
    }
    skip_space();
    XmlElement root = element();
    skip_space();
    if (i_ != s_.size()) error("content after the root element");
    return root;
  }

 private:
  [[noreturn]] void error(const std::string& what) const {
    throw std::runtime_error("XML at offset " + std::to_string(i_) + ": " + what);
  }
  static bool name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == ':';
  }
  void skip_space() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  void expect(char c) {
    if (i_ >= s_.size() || s_[i_] != c) error(std::string("expected '") + c + "'");
    ++i_;
  }
  std::string name() {
    const std::size_t start = i_;
    while (i_ < s_.size() && name_char(s_[i_])) ++i_;
    if (i_ == start) error("expected a name");
    return std::string(s_.substr(start, i_ - start));
  }
  // Reads up to (not including) `stop`, resolving references; a raw '<' is an error.
  std::string chars_until(char stop) {
    std::string out;
    while (i_ < s_.size() && s_[i_] != stop) {
      const char c = s_[i_];
      if (c == '<') error("raw '<'");
      if (c != '&') {
        out += c, ++i_;
        continue;
      }
      const auto semi = s_.find(';', i_);
      if (semi == std::string_view::npos) error("unterminated reference");
      const std::string_view ref = s_.substr(i_ + 1, semi - i_ - 1);
      static const std::map<std::string_view, char> kEntities = {
          {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
      if (const auto it = kEntities.find(ref); it != kEntities.end()) out += it->second;
      else if (ref.size() > 1 && ref[0] == '#') out += '?';  // numeric: valid, its value does not matter here
      else error("unknown entity &" + std::string(ref) + ";");
      i_ = semi + 1;
    }
    return out;
  }
  XmlElement element() {
    expect('<');
    XmlElement e;
    e.name = name();
    for (;;) {
      skip_space();
      if (i_ >= s_.size()) error("unterminated start tag");
      if (s_[i_] == '/') {
        ++i_, expect('>');
        return e;
      }
      if (s_[i_] == '>') break;
      const std::string key = name();
      expect('='), expect('"');
      if (!e.attributes.emplace(key, chars_until('"')).second) error("duplicate attribute " + key);
      expect('"');
    }
    ++i_;
    for (;;) {
      e.text += chars_until('<');
      if (i_ >= s_.size()) error("unterminated <" + e.name + ">");
      if (s_.substr(i_, 2) == "</") break;
      e.children.push_back(element());
    }
    i_ += 2;
    if (name() != e.name) error("end tag does not match <" + e.name + ">");
    skip_space();
    expect('>');
    return e;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

inline XmlElement parse_xml(std::string_view text) { return MiniXmlReader(text).document(); }

}  // namespace forkcheck::testing
