#pragma once
// Loopback port checks for forkcheck's start-up: is the target listening, is a port taken.
namespace forkcheck::harness {

// A TCP connect to 127.0.0.1:port succeeds now.
bool port_accepts(int port);
// A port on 127.0.0.1 that was free a moment ago; 0 when none could be had.
int pick_free_port();

}  // namespace forkcheck::harness
