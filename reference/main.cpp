// refcluster: the reference pre-fork cluster (see README.md). Parse the command line, run the primary.
#include "reference/options.hpp"
#include "reference/primary.hpp"

int main(int argc, char** argv) {
  forkcheck::reference::block_primary_signals();
  auto parsed = forkcheck::reference::parse_command_line(argc, argv);
  if (!parsed.options) return parsed.exit_code;
  return forkcheck::reference::Primary(std::move(*parsed.options)).run();
}
