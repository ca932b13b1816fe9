#pragma once
// httplib's ThreadPool starts all its threads in its constructor; in a freshly forked worker that
// is the largest start-up cost (tens of microseconds per thread) and it lands exactly on the path
// from SIGKILL to replacement-ready. This queue starts a thread only when a task finds no idle one,
// up to a limit, and keeps it for the next task.
#include <httplib.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace forkcheck::reference {

class LazyThreadPool : public httplib::TaskQueue {
 public:
  explicit LazyThreadPool(std::size_t max_threads);
  ~LazyThreadPool() override;
  LazyThreadPool(const LazyThreadPool&) = delete;
  LazyThreadPool& operator=(const LazyThreadPool&) = delete;

  void enqueue(std::function<void()> fn) override;
  // Runs what is queued, then joins every thread (httplib calls it when the accept loop ends).
  void shutdown() override;

  std::size_t thread_count() const;

 private:
  void run();

  const std::size_t max_threads_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  std::size_t idle_ = 0;
  bool stopping_ = false;
};

}  // namespace forkcheck::reference
