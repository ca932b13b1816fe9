#pragma once
// What `forkcheck list` prints: the library's scenarios with the first sentence of their description,
// the properties with one line each, and the peer targets in <library>/targets. Reading the files
// is list_library(); the renderings are pure.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace forkcheck::harness {

struct ListedScenario {
  std::string name;         // what `forkcheck run NAME` takes
  std::string summary;      // the description's first sentence
  std::string description;  // the whole description
  std::string workers;      // workers_summary(): its N and the N it is meaningful for
  std::optional<int> n, min_workers, max_workers;  // the scenario's keys (n empty: auto)
};

// A suite file of the library (`forkcheck suite NAME`).
struct ListedSuite {
  std::string name;
  std::string summary;  // the suite's description, first sentence
};

// A *.yaml file of the library that is neither a scenario nor a suite (a broken file): listed
// apart, with the scenario parser's reason, so `forkcheck run NAME` is not offered for it.
struct ListedOther {
  std::string name;
  std::string reason;
};

// A launcher in <library>/targets: a file whose first comment line says "WHAT as a forkcheck target: USAGE".
struct ListedTarget {
  std::string file;     // e.g. gunicorn-target.sh
  std::string summary;  // that comment line
};

struct LibraryListing {
  std::filesystem::path dir;  // empty: no library directory was found
  std::vector<ListedScenario> scenarios;
  std::vector<ListedSuite> suites;
  std::vector<ListedOther> others;
  std::vector<ListedTarget> targets;
};

// The description of a suite file, empty when the file is not one. Passed in: the suite parser
// lives in harness/suite/, which builds on this library.
using SuiteDescriber = std::function<std::optional<std::string>(const std::filesystem::path&)>;

LibraryListing list_library(const std::filesystem::path& dir, const SuiteDescriber& describe_suite = {});

// "N=3", "N=auto", "N=3 (>= 3)", "N=3 (2..8)", "N fixed at 1": the scenario's N, and the range of N
// its faults mean what they say for (min_workers, max_workers), for `forkcheck list`.
std::string workers_summary(const std::optional<int>& n, const std::optional<int>& min_workers,
                            const std::optional<int>& max_workers);

// The first sentence of text's first line (up to ". "), whitespace trimmed.
std::string first_sentence(const std::string& text);

// The launcher summary of a target file's text: its first comment line (after a #! line) when it
// contains " as a forkcheck target: ", else empty.
std::string target_summary(const std::string& file_text);

std::string render_listing_text(const LibraryListing& listing);
std::string render_listing_json(const LibraryListing& listing);

}  // namespace forkcheck::harness
