#pragma once
// The one progress line of a sweep on stderr: points done and running out of the total, elapsed
// time and ETA, redrawn at most ten times a second and only when stderr is a terminal.
#include <chrono>
#include <cstddef>
#include <mutex>

namespace sim {

class SweepProgress {
 public:
  // `total`: points to run now (finished ones skipped); `already_done`: points finished earlier.
  SweepProgress(std::size_t total, std::size_t already_done, bool enabled);
  ~SweepProgress();
  SweepProgress(const SweepProgress&) = delete;
  SweepProgress& operator=(const SweepProgress&) = delete;

  void started();
  void finished();
  void clear();

 private:
  void draw(bool force);
  std::mutex mutex_;
  std::size_t total_;
  std::size_t already_done_;
  std::size_t done_ = 0;
  std::size_t running_ = 0;
  bool enabled_;
  bool cleared_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace sim
