#pragma once
// The target's command line: a template in which {port} and {workers} (and {host}, {targets}, and
// {events} for targets that write refcluster's event format) are replaced. Without a template the
// target is refcluster.
#include <optional>
#include <string>
#include <string_view>

namespace forkcheck::harness {

struct TargetValues {
  int port = 0;
  int workers = 0;
  std::string events_path;  // empty: no event feed
  std::string crash_file;   // {crash_file}: the file the scenario's create_file/remove_file faults act on
  std::string refcluster;   // {refcluster}: the reference cluster's program, for templates that add flags
  std::string host = "127.0.0.1";  // {host}: the loopback address the load connects to (scenario load.host)
  std::string targets_dir;  // {targets}: the scenario library's targets/ folder (peer launchers); empty: none
};

// Replaces every {port}, {workers}, {host}, {events}, {crash_file}, {refcluster} and {targets}; an
// unknown {name}, or one with no value, is an error (nullopt, *error set).
std::optional<std::string> expand_target(std::string_view templ, const TargetValues& values, std::string* error);

// refcluster's template, with its event feed enabled.
std::string refcluster_template(const std::string& refcluster_path);

// refcluster beside this forkcheck (installed layout), in the build tree's reference/ folder, or on
// PATH; empty when none is found.
std::string find_refcluster();

// `path` relative to the working directory when it lies inside it ("build/x" for "$PWD/build/x"),
// else unchanged: reports and commands name files the way the user sees them, not the machine's layout.
std::string path_from_cwd(const std::string& path);

// `word` as /bin/sh reads it back: unchanged when plain, else single-quoted.
std::string shell_word(std::string_view word);

// Single-quotes `word` for /bin/sh.
std::string shell_quote(std::string_view word);

}  // namespace forkcheck::harness
