#pragma once
// httplib's ThreadPool starts all its threads in its constructor; in a freshly forked worker that
// is the largest start-up cost (tens of microseconds per thread) and it lands exactly on the path
// from SIGKILL to replacement-ready. This queue starts a thread only when a task finds no idle one,
// up to a limit, and keeps it for the next task.
#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace forkcheck::reference {

class LazyThreadPool : public httplib::TaskQueue {
 public:
  // `unstarted`, when given, counts jobs queued but not yet started (shared: it outlives the pool,
  // which httplib deletes when its accept loop ends).
  explicit LazyThreadPool(std::size_t max_threads,
                          std::shared_ptr<std::atomic<std::size_t>> unstarted = nullptr);
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
  const std::shared_ptr<std::atomic<std::size_t>> unstarted_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  std::size_t idle_ = 0;
  bool stopping_ = false;
};

}  // namespace forkcheck::reference
