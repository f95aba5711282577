#pragma once
// Progress of long work on stderr, for runs (steps of all replicates) and sweeps (points): a bar
// with percentage, what is running, elapsed time and ETA, redrawn at most ten times a second and
// only when stderr is a terminal (logs and CI stay clean). Safe to call from several threads.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace sim {

class Progress {
 public:
  // `total_units`: units to do now; `already_done`: units finished by an earlier invocation (a
  // resumed sweep), shown but not counted in the rate. enabled = false makes every call a no-op
  // (--quiet, or stderr not a terminal).
  Progress(std::string label, std::int64_t total_units, bool enabled, std::int64_t already_done = 0);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void advance(std::int64_t units = 1);  // units finished
  void started();                        // a unit began: counted as running until finished()
  void finished();                       // a started unit finished
  void finish();                         // clears the line

  // True when stderr is an interactive terminal.
  static bool stderr_is_terminal();

 private:
  void draw(bool force);
  std::mutex mutex_;
  std::string label_;
  std::int64_t total_;
  std::int64_t already_done_;
  std::int64_t done_ = 0;
  std::int64_t running_ = 0;
  bool enabled_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

// "1 h 02 min", "3 min 05 s", "4.2 s".
std::string format_duration(double seconds);

}  // namespace sim
