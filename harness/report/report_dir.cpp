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
  std::error_code ec;
  fs::create_directories(dir, ec);
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
