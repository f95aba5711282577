#include "sim/output/background_worker.hpp"

#include <chrono>

namespace sim {

namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}
}  // namespace

BackgroundWorker::BackgroundWorker(std::size_t capacity)
    : capacity_(capacity == 0 ? 1 : capacity), thread_([this] { run(); }) {}

BackgroundWorker::~BackgroundWorker() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void BackgroundWorker::rethrow_failure_locked() {
  if (failure_) std::rethrow_exception(failure_);
}

void BackgroundWorker::submit(std::function<void()> job) {
  std::unique_lock lock(mutex_);
  const auto start = Clock::now();
  changed_.wait(lock, [&] { return failure_ || jobs_.size() < capacity_; });
  waited_seconds_ += seconds_since(start);
  rethrow_failure_locked();
  jobs_.push_back(std::move(job));
  changed_.notify_all();
}

void BackgroundWorker::drain() {
  std::unique_lock lock(mutex_);
  const auto start = Clock::now();
  changed_.wait(lock, [&] { return failure_ || (jobs_.empty() && !running_job_); });
  waited_seconds_ += seconds_since(start);
  rethrow_failure_locked();
}

double BackgroundWorker::busy_seconds() const {
  const std::lock_guard lock(mutex_);
  return busy_seconds_;
}

double BackgroundWorker::waited_seconds() const {
  const std::lock_guard lock(mutex_);
  return waited_seconds_;
}

void BackgroundWorker::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [&] { return stopping_ || (!jobs_.empty() && !failure_); });
    if (jobs_.empty() || failure_) return;  // stopping, with nothing (more) to run
    std::function<void()> job = std::move(jobs_.front());
    jobs_.pop_front();
    running_job_ = true;
    lock.unlock();
    const auto start = Clock::now();
    std::exception_ptr failure;
    try {
      job();
    } catch (...) {
      failure = std::current_exception();
    }
    const double took = seconds_since(start);
    lock.lock();
    busy_seconds_ += took;
    running_job_ = false;
    if (failure && !failure_) failure_ = failure;
    changed_.notify_all();
  }
}

}  // namespace sim
