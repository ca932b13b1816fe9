#pragma once
// The strict YAML reading shared by the scenario and suite file parsers: every error is thrown as
// a YamlFailure carrying "file:line: field: message"; an unknown or duplicate key is an error.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <variant>
#include <cmath>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>

#include "harness/model/scenario.hpp"

namespace forkcheck::harness {

// Thrown inside a parser only; the parser turns it into its return value.
struct YamlFailure {
  ScenarioError error;
};

inline std::string join_names(std::initializer_list<std::string_view> names) {
  std::string out;
  for (auto n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const YAML::Node& at, const std::string& field, const std::string& message) const {
    const int line = at.IsDefined() && at.Mark().line >= 0 ? at.Mark().line + 1 : 0;
    throw YamlFailure{ScenarioError{file_, line, field, message}};
  }

  // `map` must be a mapping whose keys are all in `allowed`, each at most once.
  void check_keys(const YAML::Node& map, const std::string& path, std::initializer_list<std::string_view> allowed) const {
    if (!map.IsMap()) fail(map, path, "expected a mapping with keys: " + join_names(allowed));
    std::set<std::string> seen;
    for (const auto& entry : map) {
      const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : std::string("?");
      const std::string field = path.empty() ? key : path + "." + key;
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
        fail(entry.first, field, "unknown key (expected one of: " + join_names(allowed) + ")");
      if (!seen.insert(key).second) fail(entry.first, field, "duplicate key");
    }
  }

  double number(const YAML::Node& n, const std::string& field) const {
    double v = 0;
    if (!n.IsScalar() || !YAML::convert<double>::decode(n, v) || !std::isfinite(v))
      fail(n, field, "expected a number");
    return v;
  }

  int integer(const YAML::Node& n, const std::string& field) const {
    int v = 0;
    if (!n.IsScalar() || !YAML::convert<int>::decode(n, v)) fail(n, field, "expected an integer");
    return v;
  }

  bool boolean(const YAML::Node& n, const std::string& field) const {
    bool v = false;
    if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v)) fail(n, field, "expected true or false");
    return v;
  }

  std::string text(const YAML::Node& n, const std::string& field) const {
    if (!n.IsScalar()) fail(n, field, "expected a string");
    return n.Scalar();
  }

  int integer_in(const YAML::Node& n, const std::string& field, int lo, int hi) const {
    const int v = integer(n, field);
    if (v < lo || v > hi) fail(n, field, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    return v;
  }

  double positive(const YAML::Node& n, const std::string& field) const {
    const double v = number(n, field);
    if (v <= 0) fail(n, field, "must be greater than 0");
    return v;
  }

  double non_negative(const YAML::Node& n, const std::string& field) const {
    const double v = number(n, field);
    if (v < 0) fail(n, field, "must not be negative");
    return v;
  }

 private:
  std::string file_;
};

// Parses yaml_text and hands the root to read(reader, root); a YamlFailure thrown by the reader, or
// a syntax error, becomes the returned ScenarioError.
template <typename T, typename Read>
std::variant<T, ScenarioError> parse_yaml_strictly(std::string_view yaml_text, std::string_view file_name, Read read) {
  const YamlReader reader{std::string(file_name)};
  try {
    return read(reader, YAML::Load(std::string(yaml_text)));
  } catch (const YamlFailure& f) {
    return f.error;
  } catch (const YAML::Exception& e) {
    // Syntax errors: yaml-cpp's mark is 0-based, ours 1-based.
    return ScenarioError{std::string(file_name), e.mark.line >= 0 ? e.mark.line + 1 : 0, "", e.msg};
  }
}

// The whole file, or an error "cannot open the <what> file: <reason>".
inline std::variant<std::string, ScenarioError> read_yaml_file(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ScenarioError{path, 0, "", "cannot open the " + std::string(what) + " file: " + std::strerror(errno)};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace forkcheck::harness
