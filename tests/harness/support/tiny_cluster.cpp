// A tiny pre-fork "cluster" for the launcher, observer and fault tests (not HTTP): the primary forks
// N sleeping workers and replaces any that dies, until SIGTERM.
//   tiny_cluster N [--orphan] [--setsid] [--threads] [--grandchild] [--listen PORT]
// --orphan      workers ignore SIGTERM and set no PDEATHSIG; the primary exits on SIGTERM without
//               stopping them: a deliberate orphan bug
// --setsid      workers leave the primary's process group (setsid)
// --threads     the primary and each worker start an idle thread (thread events must be ignored)
// --grandchild  each worker forks one child of its own (not a worker)
// --listen PORT the primary listens on 127.0.0.1:PORT; workers accept and hold every connection
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

namespace {

struct Options {
  int workers = 2;
  bool orphan = false;
  bool setsid = false;
  bool threads = false;
  bool grandchild = false;
  int listen_port = 0;
};

int listen_fd = -1;

void idle_thread() {
  std::thread([] {
    for (;;) pause();
  }).detach();
}

void worker_setup(const Options& o, pid_t parent) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  if (o.orphan) {
    signal(SIGTERM, SIG_IGN);
  } else {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);
  }
}

[[noreturn]] void worker_main(const Options& o, pid_t parent) {
  worker_setup(o, parent);
  if (o.setsid) ::setsid();
  if (o.grandchild && fork() == 0) {
    worker_setup(o, getppid());
    for (;;) pause();
  }
  if (o.threads) idle_thread();
  std::vector<int> held;  // accepted connections stay open: the worker "owns" them
  for (;;) {
    if (listen_fd < 0) {
      pause();
      continue;
    }
    const int c = accept(listen_fd, nullptr, nullptr);
    if (c >= 0) held.push_back(c);
  }
}

pid_t spawn(const Options& o) {
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) worker_main(o, parent);
  return pid;
}

Options parse(int argc, char** argv) {
  Options o;
  if (argc > 1) o.workers = std::atoi(argv[1]);
  for (int i = 2; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--orphan")) o.orphan = true;
    else if (!std::strcmp(argv[i], "--setsid")) o.setsid = true;
    else if (!std::strcmp(argv[i], "--threads")) o.threads = true;
    else if (!std::strcmp(argv[i], "--grandchild")) o.grandchild = true;
    else if (!std::strcmp(argv[i], "--listen") && i + 1 < argc) o.listen_port = std::atoi(argv[++i]);
  }
  return o;
}

void open_listener(int port) {
  listen_fd = socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (bind(listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listen_fd, 64) != 0) {
    perror("tiny_cluster: listen");
    _exit(2);
  }
}

// Stops the workers (well-behaved) or just leaves (orphan mode), then exits 0.
[[noreturn]] void shut_down(const Options& o, std::vector<pid_t>& workers) {
  if (o.orphan) _exit(0);
  for (pid_t w : workers) kill(w, SIGTERM);
  for (pid_t w : workers) waitpid(w, nullptr, 0);
  _exit(0);
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGCHLD, SIGTERM, SIGINT}) sigaddset(&set, sig);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  if (o.listen_port) open_listener(o.listen_port);
  if (o.threads) idle_thread();
  std::vector<pid_t> workers;
  for (int i = 0; i < o.workers; ++i) workers.push_back(spawn(o));
  std::printf("tiny_cluster primary %d with %d workers\n", getpid(), o.workers);
  std::fflush(stdout);
  for (;;) {
    siginfo_t info{};
    if (sigwaitinfo(&set, &info) < 0) continue;
    if (info.si_signo != SIGCHLD) shut_down(o, workers);
    int status = 0;
    for (pid_t dead; (dead = waitpid(-1, &status, WNOHANG)) > 0;) {
      const auto it = std::find(workers.begin(), workers.end(), dead);
      if (it != workers.end()) *it = spawn(o);
    }
  }
}
