// The small vocabularies of the scenario format: victim selectors, signal names, error text.
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <utility>

#include "harness/model/scenario.hpp"
#include "common/name_table.hpp"

namespace forkcheck::harness {
namespace {

constexpr NameTable<int, 30> kSignalNames{{
    {SIGHUP, "SIGHUP"},   {SIGINT, "SIGINT"},     {SIGQUIT, "SIGQUIT"},     {SIGILL, "SIGILL"},
    {SIGTRAP, "SIGTRAP"}, {SIGABRT, "SIGABRT"},   {SIGBUS, "SIGBUS"},       {SIGFPE, "SIGFPE"},
    {SIGKILL, "SIGKILL"}, {SIGUSR1, "SIGUSR1"},   {SIGSEGV, "SIGSEGV"},     {SIGUSR2, "SIGUSR2"},
    {SIGPIPE, "SIGPIPE"}, {SIGALRM, "SIGALRM"},   {SIGTERM, "SIGTERM"},     {SIGCHLD, "SIGCHLD"},
    {SIGCONT, "SIGCONT"}, {SIGSTOP, "SIGSTOP"},   {SIGTSTP, "SIGTSTP"},     {SIGTTIN, "SIGTTIN"},
    {SIGTTOU, "SIGTTOU"}, {SIGURG, "SIGURG"},     {SIGXCPU, "SIGXCPU"},     {SIGXFSZ, "SIGXFSZ"},
    {SIGVTALRM, "SIGVTALRM"}, {SIGPROF, "SIGPROF"}, {SIGWINCH, "SIGWINCH"}, {SIGIO, "SIGIO"},
    {SIGPWR, "SIGPWR"},   {SIGSYS, "SIGSYS"},
}};

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
  return out;
}

}  // namespace

std::string_view to_string(VictimSelector v) {
  switch (v) {
    case VictimSelector::random: return "random";
    case VictimSelector::newest: return "newest";
    case VictimSelector::all: return "all";
  }
  return "unknown";
}

std::optional<VictimSelector> victim_selector_from_string(std::string_view name) {
  for (auto v : {VictimSelector::random, VictimSelector::newest, VictimSelector::all})
    if (to_string(v) == name) return v;
  return std::nullopt;
}

std::optional<int> signal_from_string(std::string_view text) {
  int number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec == std::errc() && end == text.data() + text.size())
    return number >= 1 && number <= SIGRTMAX ? std::optional<int>(number) : std::nullopt;
  std::string name = upper(text);
  if (name.rfind("SIG", 0) != 0) name = "SIG" + name;
  return value_named(kSignalNames, name);
}

std::string signal_name(int signal) {
  if (const auto name = name_in(kSignalNames, signal)) return std::string(*name);
  return "signal " + std::to_string(signal);
}

std::string ScenarioError::to_string() const {
  // Appended piece by piece: g++ 12 at -O3 reports a false -Wrestrict on the inlined
  // `":" + std::to_string(line)` (operator+ inserting at the front of a temporary).
  std::string out = file;
  if (line > 0) {
    out += ':';
    out += std::to_string(line);
  }
  out += ": ";
  if (!field.empty()) {
    out += field;
    out += ": ";
  }
  out += message;
  return out;
}

// no_worker_crash_on_input is applicable by default only where inputs are fuzzed; listed, it judges any run.
bool fuzzes_wire(const Scenario& s) {
  return std::any_of(s.faults.begin(), s.faults.end(), [](const FaultSpec& f) { return f.kind == FaultKind::wire_fuzz; });
}

std::vector<std::string> fault_placeholders_missing(const Scenario& s, std::string_view target_template) {
  std::vector<std::string> out;
  const bool has = target_template.find(kCrashFilePlaceholder) != std::string_view::npos;
  for (std::size_t i = 0; i < s.faults.size(); ++i) {
    const FaultSpec& f = s.faults[i];
    if (!touches_file(f.kind) || has || f.path.find(kCrashFilePlaceholder) == std::string::npos) continue;
    out.push_back("fault " + std::to_string(i + 1) + " (" + std::string(to_string(f.kind)) + ") acts on " +
                  std::string(kCrashFilePlaceholder) + " but the target command has no " +
                  std::string(kCrashFilePlaceholder) + ": the target will never see the file, so the fault cannot act on it");
  }
  return out;
}

bool terminates_workers_in(const Scenario& s) {
  return std::any_of(s.faults.begin(), s.faults.end(),
                     [](const FaultSpec& f) { return terminates_workers(f.kind, f.signal); });
}

bool is_threshold(Property p) {
  return p == Property::recovery_latency_p99 || p == Property::failed_request_ratio || p == Property::recovery_time;
}

bool threshold_set(const Scenario& s, Property p) {
  switch (p) {
    case Property::recovery_latency_p99: return s.thresholds.recovery_latency_p99_ms.has_value();
    case Property::failed_request_ratio: return s.thresholds.failed_ratio_max.has_value();
    case Property::recovery_time: return s.thresholds.recovery_ms_max.has_value();
    default: return false;
  }
}

namespace {

std::vector<Property> fixed_properties_to_check(const Scenario& s) {
  if (!s.properties.empty()) return s.properties;
  std::vector<Property> out;
  const bool stops_primary = std::any_of(s.faults.begin(), s.faults.end(),
                                         [](const FaultSpec& f) { return f.kind == FaultKind::term_primary; });
  const bool terminates_a_worker = terminates_workers_in(s);
  for (Property p : all_properties()) {
    if (p == Property::steps_match_walkthrough && !s.walkthrough) continue;
    if (p == Property::bounded_restarts && !s.max_forks_per_s) continue;
    if (p == Property::graceful_stop && !stops_primary) continue;
    if (p == Property::graceful_worker_stop && !terminates_a_worker) continue;
    if (p == Property::no_worker_crash_on_input && !fuzzes_wire(s)) continue;
    if (is_threshold(p)) continue;
    out.push_back(p);
  }
  return out;
}

}  // namespace

std::vector<Property> properties_to_check(const Scenario& s) {
  std::vector<Property> out = fixed_properties_to_check(s);
  for (Property p : all_properties())
    if (threshold_set(s, p) && std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  return out;
}

}  // namespace forkcheck::harness
