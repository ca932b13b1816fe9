#include "harness/library/library_listing.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>
#include <variant>

#include "harness/library/scenario_library.hpp"
#include "harness/model/property.hpp"
#include "harness/model/scenario.hpp"

namespace forkcheck::harness {
namespace fs = std::filesystem;

namespace {

std::string trimmed(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

std::string file_head(const fs::path& path, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  std::string text(max_bytes, '\0');
  in.read(text.data(), static_cast<std::streamsize>(max_bytes));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

std::vector<ListedTarget> list_targets(const fs::path& dir) {
  std::vector<ListedTarget> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string summary = target_summary(file_head(it->path(), 4096));
    if (!summary.empty()) out.push_back({it->path().filename().string(), std::move(summary)});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.file < b.file; });
  return out;
}

// Column width for names, so the summaries line up.
template <typename Rows, typename Name>
std::size_t name_width(const Rows& rows, Name name) {
  std::size_t width = 0;
  for (const auto& row : rows) width = std::max(width, name(row).size());
  return width + 2;
}

std::string padded(const std::string& text, std::size_t width) {
  return text + std::string(width > text.size() ? width - text.size() : 1, ' ');
}

}  // namespace

std::string workers_summary(const std::optional<int>& n, const std::optional<int>& lo, const std::optional<int>& hi) {
  if (lo && hi && *lo == *hi) return "N fixed at " + std::to_string(*lo);
  std::string out = "N=" + (n ? std::to_string(*n) : std::string("auto"));
  if (lo && hi) return out + " (" + std::to_string(*lo) + ".." + std::to_string(*hi) + ")";
  if (lo) return out + " (>= " + std::to_string(*lo) + ")";
  if (hi) return out + " (<= " + std::to_string(*hi) + ")";
  return out;
}

std::string first_sentence(const std::string& text) {
  const std::string line = trimmed(text.substr(0, text.find('\n')));
  const auto stop = line.find(". ");
  return stop == std::string::npos ? line : line.substr(0, stop + 1);
}

std::string target_summary(const std::string& file_text) {
  std::istringstream in(file_text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("#!")) continue;
    std::string comment;
    if (line.starts_with("//")) comment = line.substr(2);
    else if (line.starts_with("#")) comment = line.substr(1);
    else return {};
    comment = trimmed(comment);
    return comment.find(" as a forkcheck target: ") == std::string::npos ? std::string() : comment;
  }
  return {};
}

LibraryListing list_library(const fs::path& dir, const SuiteDescriber& describe_suite) {
  LibraryListing listing;
  listing.dir = dir;
  if (dir.empty()) return listing;
  for (const LibraryScenario& file : library_scenarios(dir)) {
    auto parsed = load_scenario_file(file.path.string());
    if (const auto* bad = std::get_if<ScenarioError>(&parsed)) {
      if (auto suite = describe_suite ? describe_suite(file.path) : std::nullopt)
        listing.suites.push_back({file.name, first_sentence(*suite)});
      else
        listing.others.push_back({file.name, bad->to_string()});
      continue;
    }
    const Scenario& s = std::get<Scenario>(parsed);
    listing.scenarios.push_back({file.name, first_sentence(s.description), trimmed(s.description),
                                 workers_summary(s.workers, s.min_workers, s.max_workers), s.workers, s.min_workers,
                                 s.max_workers});
  }
  listing.targets = list_targets(dir / "targets");
  return listing;
}

std::string render_listing_text(const LibraryListing& listing) {
  std::ostringstream o;
  if (listing.dir.empty()) {
    o << "Scenarios: no library directory found (set FORKCHECK_SCENARIOS)\n";
  } else {
    o << "Scenarios (forkcheck run NAME; library " << listing.dir.string() << "):\n";
    const std::size_t w = name_width(listing.scenarios, [](const auto& s) -> const std::string& { return s.name; });
    const std::size_t nw = name_width(listing.scenarios, [](const auto& s) -> const std::string& { return s.workers; });
    for (const ListedScenario& s : listing.scenarios)
      o << "  " << padded(s.name, w) << padded(s.workers, nw) << s.summary << "\n";
    o << "  (N: the scenario's worker count, --workers overrides it; in brackets or fixed: the N its faults mean "
         "what they say for)\n";
  }
  if (!listing.suites.empty()) {
    o << "\nSuites (forkcheck suite NAME):\n";
    const std::size_t w = name_width(listing.suites, [](const auto& s) -> const std::string& { return s.name; });
    for (const ListedSuite& s : listing.suites) o << "  " << padded(s.name, w) << s.summary << "\n";
  }
  if (!listing.others.empty()) {
    o << "\nOther YAML files in the library (neither scenarios nor suites):\n";
    for (const ListedOther& other : listing.others) o << "  " << other.name << ": " << other.reason << "\n";
  }
  o << "\nProperties:\n";
  std::size_t w = 0;
  for (Property p : all_properties()) w = std::max(w, to_string(p).size() + 2);
  for (Property p : all_properties()) o << "  " << padded(std::string(to_string(p)), w) << property_summary(p) << "\n";
  if (!listing.dir.empty()) {
    o << "\nPeer targets (" << (listing.dir / "targets").string() << "; {targets} in a --target names it):\n";
    if (listing.targets.empty()) o << "  none\n";
    const std::size_t tw = name_width(listing.targets, [](const auto& t) -> const std::string& { return t.file; });
    for (const ListedTarget& t : listing.targets) o << "  " << padded(t.file, tw) << t.summary << "\n";
  }
  return o.str();
}

std::string render_listing_json(const LibraryListing& listing) {
  nlohmann::ordered_json j;
  j["library"] = listing.dir.string();
  j["scenarios"] = nlohmann::ordered_json::array();
  for (const ListedScenario& s : listing.scenarios)
    j["scenarios"].push_back({{"name", s.name},
                              {"summary", s.summary},
                              {"description", s.description},
                              {"workers", s.n ? nlohmann::ordered_json(*s.n) : nlohmann::ordered_json("auto")},
                              {"min_workers", s.min_workers ? nlohmann::ordered_json(*s.min_workers) : nullptr},
                              {"max_workers", s.max_workers ? nlohmann::ordered_json(*s.max_workers) : nullptr}});
  j["suites"] = nlohmann::ordered_json::array();
  for (const ListedSuite& suite : listing.suites) j["suites"].push_back({{"name", suite.name}, {"summary", suite.summary}});
  j["others"] = nlohmann::ordered_json::array();
  for (const ListedOther& other : listing.others)
    j["others"].push_back({{"name", other.name}, {"reason", other.reason}});
  j["properties"] = nlohmann::ordered_json::array();
  for (Property p : all_properties())
    j["properties"].push_back({{"name", std::string(to_string(p))}, {"summary", std::string(property_summary(p))}});
  j["targets"] = nlohmann::ordered_json::array();
  for (const ListedTarget& t : listing.targets) j["targets"].push_back({{"file", t.file}, {"summary", t.summary}});
  return j.dump(2) + "\n";
}

}  // namespace forkcheck::harness
