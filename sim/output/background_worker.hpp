#pragma once
// One thread that runs jobs in the order they were submitted, e.g. the HDF5 writes of a run, so
// that writing step t overlaps computing step t+1. A job may run long; submit() blocks while
// `capacity` jobs are waiting, which bounds the memory of buffered output. A job that throws
// stops the worker: the exception is rethrown by the next submit() or by drain().
//
// HDF5 is not thread-safe in Debian's serial build; that is fine here because only the worker
// calls it between construction and drain(), and drain() orders its writes before the caller's
// next HDF5 call.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace sim {

class BackgroundWorker {
 public:
  explicit BackgroundWorker(std::size_t capacity);
  BackgroundWorker(const BackgroundWorker&) = delete;
  BackgroundWorker& operator=(const BackgroundWorker&) = delete;
  ~BackgroundWorker();  // waits for the jobs already submitted, then stops (never throws)

  void submit(std::function<void()> job);
  // Waits until every submitted job has run; rethrows the first job's exception, if any.
  void drain();
  // Seconds the worker spent running jobs, and callers spent blocked in submit() and drain().
  [[nodiscard]] double busy_seconds() const;
  [[nodiscard]] double waited_seconds() const;

 private:
  void run();
  void rethrow_failure_locked();

  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::function<void()>> jobs_;
  bool running_job_ = false;
  bool stopping_ = false;
  std::exception_ptr failure_;
  double busy_seconds_ = 0.0;
  double waited_seconds_ = 0.0;
  std::thread thread_;  // last: starts after the members it uses exist
};

}  // namespace sim
