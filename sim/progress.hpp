#pragma once
// Progress of a long run on stderr: a bar with percentage, rate and ETA, redrawn at most ten
// times a second, only when stderr is a terminal (logs and CI stay clean).
#include <chrono>
#include <cstdint>
#include <string>

namespace sim {

class Progress {
 public:
  // enabled = false makes every call a no-op (--quiet, or stderr not a terminal).
  Progress(std::string label, std::int64_t total_units, bool enabled);
  ~Progress();
  void advance(std::int64_t units = 1);
  void finish();  // clears the line

  // True when stderr is an interactive terminal.
  static bool stderr_is_terminal();

 private:
  void draw(bool force);
  std::string label_;
  std::int64_t total_;
  std::int64_t done_ = 0;
  bool enabled_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

// "1 h 02 min", "3 min 05 s", "4.2 s".
std::string format_duration(double seconds);

}  // namespace sim
