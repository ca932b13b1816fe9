#include "harness/model/target_overrides.hpp"

#include <algorithm>
#include <charconv>
#include <csignal>

#include "common/http_text.hpp"
#include "harness/model/c_escape.hpp"
#include "harness/model/load_request.hpp"
#include "harness/model/yaml_reader.hpp"

namespace forkcheck::harness {
namespace {

using Header = std::pair<std::string, std::string>;

// Replaces the header of the same name (case-insensitive) in `into`, or appends it.
void put_header(std::vector<Header>& into, const Header& header) {
  const auto same = std::find_if(into.begin(), into.end(),
                                 [&](const Header& h) { return http_text::iequals(h.first, header.first); });
  if (same != into.end()) *same = header;
  else into.push_back(header);
}

bool has_header(const std::vector<Header>& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(), [&](const Header& h) { return http_text::iequals(h.first, name); });
}

std::string joined_statuses(const std::vector<int>& statuses) {
  std::string out;
  for (int s : statuses) out += (out.empty() ? "" : ",") + std::to_string(s);
  return out;
}

}  // namespace

bool TargetOverrides::empty() const {
  return !path && headers.empty() && !accepted_statuses && !expected_body && !stop_signal;
}

std::optional<Header> parse_header_option(std::string_view text, std::string* error) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    *error = "expected 'Name: value', e.g. 'Authorization: Bearer token' (got '" + std::string(text) + "')";
    return std::nullopt;
  }
  Header h{std::string(text.substr(0, colon)), std::string(http_text::trim_ows(text.substr(colon + 1)))};
  if (auto e = header_name_error(h.first)) {
    *error = *e;
    return std::nullopt;
  }
  if (auto e = header_value_error(h.second)) {
    *error = h.first + " " + *e;
    return std::nullopt;
  }
  return h;
}

std::optional<std::vector<int>> parse_status_list(std::string_view text, std::string* error) {
  std::vector<int> out;
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t comma = std::min(text.find(',', at), text.size());
    const std::string_view item = http_text::trim_ows(text.substr(at, comma - at));
    int status = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), status);
    if (item.empty() || ec != std::errc() || end != item.data() + item.size() || status < kMinStatus || status > kMaxStatus) {
      *error = "expected HTTP statuses " + std::to_string(kMinStatus) + ".." + std::to_string(kMaxStatus) +
               " separated by commas, e.g. 200,204 (got '" + std::string(text) + "')";
      return std::nullopt;
    }
    out.push_back(status);
    at = comma + 1;
  }
  return out;
}

std::optional<std::string> stop_signal_error(int signal) {
  if (signal == SIGKILL) return "SIGKILL cannot ask for a graceful stop (a kill_primary fault sends it)";
  if (signal == SIGSTOP || signal == SIGCONT) return signal_name(signal) + " does not stop a process";
  return std::nullopt;
}

std::optional<TargetOverrides> parse_target_overrides(const TargetOverrideFlags& flags, std::string* error) {
  TargetOverrides o;
  std::string why;
  const auto refuse = [&](const std::string& flag, const std::string& message) {
    *error = flag + ": " + message;
    return std::nullopt;
  };
  if (flags.path) {
    if (auto e = request_path_error(*flags.path)) return refuse("--path", *e);
    o.path = *flags.path;
  }
  for (const std::string& text : flags.headers) {
    const auto header = parse_header_option(text, &why);
    if (!header) return refuse("--header", why);
    if (has_header(o.headers, header->first)) return refuse("--header", header->first + " given twice");
    o.headers.push_back(*header);
  }
  if (flags.expect_status) {
    o.accepted_statuses = parse_status_list(*flags.expect_status, &why);
    if (!o.accepted_statuses) return refuse("--expect-status", why);
  }
  if (flags.expect_body && flags.any_body) return refuse("--expect-body", "give it or --any-body, not both");
  if (flags.expect_body) {
    o.expected_body = unescape_c(*flags.expect_body, &why);
    if (!o.expected_body) return refuse("--expect-body", why);
    if (o.expected_body->empty()) return refuse("--expect-body", "empty: pass --any-body to accept any body");
  }
  if (flags.any_body) o.expected_body = "";
  if (flags.stop_signal) {
    o.stop_signal = signal_from_string(*flags.stop_signal);
    if (!o.stop_signal) return refuse("--stop-signal", "unknown signal '" + *flags.stop_signal + "' (e.g. SIGTERM, QUIT or 3)");
    if (auto e = stop_signal_error(*o.stop_signal)) return refuse("--stop-signal", *e);
  }
  return o;
}

TargetOverrides layered(const TargetOverrides& base, const TargetOverrides& over) {
  TargetOverrides out = base;
  if (over.path) out.path = over.path;
  for (const Header& h : over.headers) put_header(out.headers, h);
  if (over.accepted_statuses) out.accepted_statuses = over.accepted_statuses;
  if (over.expected_body) out.expected_body = over.expected_body;
  if (over.stop_signal) out.stop_signal = over.stop_signal;
  return out;
}

void apply_load_overrides(LoadSpec& load, const TargetOverrides& o) {
  if (o.path) load.path = *o.path;
  for (const Header& h : o.headers) put_header(load.headers, h);
  if (o.accepted_statuses) load.accepted_statuses = *o.accepted_statuses;
  if (o.expected_body) load.expected_body = *o.expected_body;
}

void apply_target_overrides(Scenario& s, const TargetOverrides& o) {
  apply_load_overrides(s.load, o);
  if (o.stop_signal) set_stop_signal(s, *o.stop_signal);
}

std::vector<std::string> target_override_arguments(const TargetOverrides& o) {
  std::vector<std::string> args;
  if (o.path) args.insert(args.end(), {"--path", *o.path});
  for (const Header& h : o.headers) args.insert(args.end(), {"--header", h.first + ": " + h.second});
  if (o.accepted_statuses) args.insert(args.end(), {"--expect-status", joined_statuses(*o.accepted_statuses)});
  if (o.expected_body && o.expected_body->empty()) args.push_back("--any-body");
  else if (o.expected_body) args.insert(args.end(), {"--expect-body", escape_c(*o.expected_body)});
  if (o.stop_signal) args.insert(args.end(), {"--stop-signal", signal_name(*o.stop_signal)});
  return args;
}

int read_stop_signal(const YamlReader& r, const YAML::Node& n, const std::string& field) {
  const auto sig = signal_from_string(r.text(n, field));
  if (!sig) r.fail(n, field, "unknown signal '" + n.Scalar() + "' (e.g. SIGTERM, QUIT or 3)");
  if (auto error = stop_signal_error(*sig)) r.fail(n, field, *error);
  return *sig;
}

TargetOverrides read_request_overrides(const YamlReader& r, const YAML::Node& n, const std::string& prefix) {
  TargetOverrides o;
  const auto checked = [&r](const YAML::Node& v, const std::string& field, std::optional<std::string> error) {
    if (error) r.fail(v, field, *error);
  };
  if (auto v = n["path"]) {
    o.path = r.text(v, prefix + ".path");
    checked(v, prefix + ".path", request_path_error(*o.path));
  }
  if (auto v = n["headers"]) {
    if (!v.IsMap()) r.fail(v, prefix + ".headers", "expected a mapping of header name to value");
    for (const auto& entry : v) {
      const std::string name = r.text(entry.first, prefix + ".headers");
      const std::string field = prefix + ".headers." + name;
      checked(entry.first, field, header_name_error(name));
      if (has_header(o.headers, name)) r.fail(entry.first, field, "duplicate header (names are case-insensitive)");
      const std::string value = r.text(entry.second, field);
      checked(entry.second, field, header_value_error(value));
      o.headers.emplace_back(name, value);
    }
  }
  if (auto v = n["accepted_statuses"]) {
    if (!v.IsSequence() || v.size() == 0)
      r.fail(v, prefix + ".accepted_statuses", "expected a non-empty list of HTTP statuses");
    o.accepted_statuses.emplace();
    for (std::size_t i = 0; i < v.size(); ++i)
      o.accepted_statuses->push_back(
          r.integer_in(v[i], prefix + ".accepted_statuses[" + std::to_string(i) + "]", kMinStatus, kMaxStatus));
  }
  if (auto v = n["expected_body"]) o.expected_body = v.IsNull() ? "" : r.text(v, prefix + ".expected_body");
  return o;
}

}  // namespace forkcheck::harness
