#include "harness/report/report_dir.hpp"

#include <cctype>
#include <ctime>
#include <filesystem>
#include <fstream>

namespace forkcheck::harness {
namespace fs = std::filesystem;

namespace {

std::string timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &local);
  return buf;
}

std::string safe_name(const std::string& name) {
  std::string out;
  for (char c : name) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  return out.empty() ? "run" : out;
}

// An existing directory is usable when it is empty or forkcheck's own (then it is emptied).
bool claim_existing_dir(const fs::path& dir, std::string* error) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return true;
  if (!fs::is_directory(dir, ec)) {
    if (error) *error = "report directory " + dir.string() + " exists and is not a directory";
    return false;
  }
  if (fs::is_empty(dir, ec)) return true;
  if (!fs::exists(dir / kReportMarker, ec)) {
    if (error)
      *error = "report directory " + dir.string() + " is not empty and was not made by forkcheck (no " +
               kReportMarker + "): give a new or empty directory";
    return false;
  }
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().filename() == kReportMarker) continue;
    fs::remove_all(entry.path(), ec);
    if (ec) {
      if (error) *error = "cannot clear " + entry.path().string() + " in the report directory: " + ec.message();
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<std::string> prepare_report_dir(const std::optional<std::string>& requested,
                                              const std::string& scenario_name, std::string* error) {
  fs::path dir;
  if (requested) {
    dir = *requested;
  } else {
    const fs::path runs = fs::path("reports") / "runs";
    dir = runs / (timestamp() + "-" + safe_name(scenario_name));
    for (int i = 2; fs::exists(dir) && i < 1000; ++i)
      dir = runs / (timestamp() + "-" + safe_name(scenario_name) + "-" + std::to_string(i));
  }
  if (!claim_existing_dir(dir, error)) return std::nullopt;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!ec) std::ofstream(dir / kReportMarker) << "made by forkcheck: emptied when a run reuses this directory\n";
  if (ec) {
    if (error) *error = "cannot create report directory " + dir.string() + ": " + ec.message();
    return std::nullopt;
  }
  if (!requested) {
    const fs::path latest = dir.parent_path() / "latest";
    fs::remove(latest, ec);
    fs::create_directory_symlink(dir.filename(), latest, ec);  // best effort: a convenience only
  }
  return dir.string();
}

bool write_report_file(const std::string& dir, const std::string& name, const std::string& text, std::string* error) {
  const fs::path path = fs::path(dir) / name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    if (error) *error = "cannot write " + path.string();
    return false;
  }
  return true;
}

}  // namespace forkcheck::harness
