#include "harness/model/request_log_format.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <type_traits>

namespace forkcheck::harness {
namespace {

template <typename T>
void put_number(T value, std::string& out) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, end);
}

template <typename T>
bool get_number(std::string_view text, T& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

// One column: its name, how a value is written and read back.
struct Field {
  std::string_view name;
  void (*put)(const RequestRecord&, std::string&);
  bool (*get)(std::string_view, RequestRecord&);
};

// A numeric member (bools as 0/1).
template <auto Member>
constexpr Field number(std::string_view name) {
  return {name,
          [](const RequestRecord& r, std::string& out) {
            using T = std::remove_cvref_t<decltype(r.*Member)>;
            if constexpr (std::is_same_v<T, bool>) out.push_back(r.*Member ? '1' : '0');
            else put_number(r.*Member, out);
          },
          [](std::string_view text, RequestRecord& r) {
            using T = std::remove_cvref_t<decltype(r.*Member)>;
            if constexpr (std::is_same_v<T, bool>) {
              if (text != "0" && text != "1") return false;
              r.*Member = text == "1";
              return true;
            } else {
              return get_number(text, r.*Member);
            }
          }};
}

constexpr Field error_field{"error",
                            [](const RequestRecord& r, std::string& out) { out.append(to_string(r.error)); },
                            [](std::string_view text, RequestRecord& r) {
                              const auto e = request_error_from_string(text);
                              if (e) r.error = *e;
                              return e.has_value();
                            }};

// The columns written, in this order. A new RequestRecord field: one row here (and reports/README.md).
constexpr std::array kFields{
    number<&RequestRecord::id>("id"),
    number<&RequestRecord::connection_id>("connection_id"),
    number<&RequestRecord::fresh_connection>("fresh_connection"),
    number<&RequestRecord::connection_opened_ns>("connection_opened_ns"),
    number<&RequestRecord::local_port>("local_port"),
    number<&RequestRecord::intended_ns>("intended_ns"),
    number<&RequestRecord::start_ns>("start_ns"),
    number<&RequestRecord::end_ns>("end_ns"),
    number<&RequestRecord::status>("status"),
    error_field,
    number<&RequestRecord::sys_errno>("sys_errno"),
    number<&RequestRecord::worker_pid>("worker_pid"),
    number<&RequestRecord::probe>("probe"),
};

}  // namespace

std::string request_log_header() {
  std::string out(kRequestLogMagic);
  put_number(kRequestLogVersion, out);
  out.push_back('\n');
  for (std::size_t i = 0; i < kFields.size(); ++i) {
    if (i > 0) out.push_back('\t');
    out.append(kFields[i].name);
  }
  out.push_back('\n');
  return out;
}

void append_request_line(const RequestRecord& r, std::string& out) {
  for (std::size_t i = 0; i < kFields.size(); ++i) {
    if (i > 0) out.push_back('\t');
    kFields[i].put(r, out);
  }
  out.push_back('\n');
}

std::optional<RequestColumns> RequestColumns::parse(std::string_view magic_line, std::string_view names_line,
                                                    std::string* error) {
  int version = 0;
  if (!magic_line.starts_with(kRequestLogMagic) || !get_number(magic_line.substr(kRequestLogMagic.size()), version) ||
      version < 1 || version > kRequestLogVersion) {
    if (error) *error = "not a request log of version 1.." + std::to_string(kRequestLogVersion) + ": '" + std::string(magic_line) + "'";
    return std::nullopt;
  }
  RequestColumns columns;
  for (std::size_t from = 0; from <= names_line.size();) {
    const std::size_t tab = std::min(names_line.find('\t', from), names_line.size());
    const std::string_view name = names_line.substr(from, tab - from);
    int field = -1;
    for (std::size_t i = 0; i < kFields.size(); ++i)
      if (kFields[i].name == name) field = static_cast<int>(i);
    columns.field_of_column_.push_back(field);
    from = tab + 1;
  }
  return columns;
}

std::optional<RequestRecord> RequestColumns::parse_line(std::string_view line) const {
  RequestRecord r;
  std::size_t from = 0;
  for (const int field : field_of_column_) {
    if (from > line.size()) return std::nullopt;  // fewer values than columns
    const std::size_t tab = std::min(line.find('\t', from), line.size());
    if (field >= 0 && !kFields[static_cast<std::size_t>(field)].get(line.substr(from, tab - from), r)) return std::nullopt;
    from = tab + 1;
  }
  return r;
}

}  // namespace forkcheck::harness
