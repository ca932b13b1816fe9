#include "harness/target/target_command.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

namespace forkcheck::harness {
namespace fs = std::filesystem;

std::optional<std::string> expand_target(std::string_view templ, const TargetValues& values, std::string* error) {
  std::string out;
  for (std::size_t i = 0; i < templ.size();) {
    if (templ[i] != '{') {
      out += templ[i++];
      continue;
    }
    const auto close = templ.find('}', i);
    if (close == std::string_view::npos) {
      if (error) *error = "unmatched '{' in target command";
      return std::nullopt;
    }
    const std::string_view name = templ.substr(i + 1, close - i - 1);
    if (name == "port") out += std::to_string(values.port);
    else if (name == "workers") out += std::to_string(values.workers);
    else if (name == "events" && !values.events_path.empty()) out += shell_quote(values.events_path);
    else if (name == "crash_file" && !values.crash_file.empty()) out += shell_quote(values.crash_file);
    else if (name == "refcluster" && !values.refcluster.empty()) out += shell_quote(values.refcluster);
    else if (name == "host" && !values.host.empty()) out += shell_word(values.host);
    else if (name == "targets" && !values.targets_dir.empty()) out += shell_quote(values.targets_dir);
    else if (name == "targets") {
      if (error) *error = "{targets} in the target command, but no scenario library with a targets/ folder was found";
      return std::nullopt;
    } else {
      if (error)
        *error = "unknown placeholder {" + std::string(name) +
                 "} in target command (known: {port} {workers} {host} {events} {crash_file} {refcluster} {targets})";
      return std::nullopt;
    }
    i = close + 1;
  }
  return out;
}

std::string refcluster_template(const std::string& refcluster_path) {
  return shell_quote(refcluster_path) + " --host {host} --port {port} --workers {workers} --events {events}";
}

std::string find_refcluster() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (const fs::path& candidate : {self.parent_path() / "refcluster",
                                      self.parent_path().parent_path() / "reference" / "refcluster"}) {
      if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
  }
  if (const char* path = std::getenv("PATH")) {
    std::istringstream dirs(path);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
      const fs::path candidate = fs::path(dir) / "refcluster";
      if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
  }
  return {};
}

std::string path_from_cwd(const std::string& path) {
  std::error_code ec;
  if (path.empty() || fs::path(path).is_relative()) return path;
  const fs::path cwd = fs::current_path(ec);
  if (ec) return path;
  const fs::path rel = fs::path(path).lexically_relative(cwd);
  if (rel.empty() || *rel.begin() == "..") return path;
  return rel.string();
}

std::string shell_word(std::string_view word) {
  const bool plain = !word.empty() && word.find_first_of(" '\"\\$`{}*?;&|<>()~#!\t\n") == std::string_view::npos;
  return plain ? std::string(word) : shell_quote(word);
}

std::string shell_quote(std::string_view word) {
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

}  // namespace forkcheck::harness
