// refcluster's command line: --help and --version exit 0; a bad flag, a bad value or a busy port
// exits 2 with a one-line reason.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <fstream>

#include "common/unique_fd.hpp"
#include "tests/reference/cluster_fixture.hpp"

namespace forkcheck::testing {
namespace {

struct Outcome {
  int exit_code = -1;
  std::string output;
};

Outcome run(const std::vector<std::string>& args) {
  TempDir dir;
  std::vector<std::string> argv{binary_from_env("REFCLUSTER_BIN")};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto out_path = (dir.path() / "out.txt").string();
  auto p = Spawned::start(argv, out_path);
  const auto status = p.wait_until(monotonic_ns() + ms_to_ns(5000));
  Outcome o;
  if (status && WIFEXITED(*status)) o.exit_code = WEXITSTATUS(*status);
  std::ifstream in(out_path);
  o.output.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return o;
}

TEST(Cli, HelpAndVersionExitZero) {
  const auto help = run({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* flag : {"--workers", "--port", "--host", "--sched", "--events", "--grace-ms",
                           "--heartbeat-timeout-ms", "--backoff-initial-ms", "--crash-at-start-while-exists"})
    EXPECT_NE(help.output.find(flag), std::string::npos) << flag;
  const auto version = run({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.output.rfind("refcluster ", 0), 0u) << version.output;
}

TEST(Cli, BadFlagsAndValuesExitTwoWithOneLine) {
  const std::vector<std::vector<std::string>> cases{
      {"--bogus"}, {"--workers", "0"}, {"--workers", "many"}, {"--port", "70000"},
      {"--sched", "roundrobin"}, {"--grace-ms", "-1"}, {"--port"}, {"stray"}};
  for (const auto& args : cases) {
    const auto o = run(args);
    EXPECT_EQ(o.exit_code, 2) << args[0];
    EXPECT_EQ(o.output.rfind("refcluster: ", 0), 0u) << o.output;
    EXPECT_EQ(std::count(o.output.begin(), o.output.end(), '\n'), 1) << o.output;
  }
}

TEST(Cli, BusyPortAndBadEventsPathExitTwo) {
  UniqueFd busy(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(busy.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(busy.get(), 1), 0);
  socklen_t len = sizeof addr;
  getsockname(busy.get(), reinterpret_cast<sockaddr*>(&addr), &len);
  const auto o = run({"--workers", "1", "--port", std::to_string(ntohs(addr.sin_port))});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_NE(o.output.find("cannot bind"), std::string::npos) << o.output;
  const auto e = run({"--workers", "1", "--port", "0", "--events", "/nonexistent/dir/events.jsonl"});
  EXPECT_EQ(e.exit_code, 2);
  EXPECT_NE(e.output.find("events"), std::string::npos) << e.output;
}

}  // namespace
}  // namespace forkcheck::testing
