#include "reference/lazy_pool.hpp"

#include <algorithm>

namespace forkcheck::reference {

LazyThreadPool::LazyThreadPool(std::size_t max_threads, std::shared_ptr<std::atomic<std::size_t>> unstarted)
    : max_threads_(std::max<std::size_t>(max_threads, 1)), unstarted_(std::move(unstarted)) {}

LazyThreadPool::~LazyThreadPool() { shutdown(); }

void LazyThreadPool::enqueue(std::function<void()> fn) {
  std::unique_lock lock(mutex_);
  if (stopping_) return;
  if (unstarted_) ++*unstarted_;
  jobs_.push_back(std::move(fn));
  // Idle threads will take the queued jobs; start one more only when they are all busy.
  if (idle_ < jobs_.size() && threads_.size() < max_threads_) {
    threads_.emplace_back([this] { run(); });
    return;
  }
  lock.unlock();
  cv_.notify_one();
}

void LazyThreadPool::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    ++idle_;
    cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    --idle_;
    if (jobs_.empty()) return;  // stopping and nothing left
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    if (unstarted_) --*unstarted_;
    lock.unlock();
    job();
    lock.lock();
  }
}

void LazyThreadPool::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
}

std::size_t LazyThreadPool::thread_count() const {
  std::lock_guard lock(mutex_);
  return threads_.size();
}

}  // namespace forkcheck::reference
