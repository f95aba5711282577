#include "sim/progress.hpp"

#include <unistd.h>

#include <fmt/format.h>
#include <cmath>
#include <cstdio>

namespace sim {

bool Progress::stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

Progress::Progress(std::string label, std::int64_t total_units, bool enabled)
    : label_(std::move(label)),
      total_(total_units > 0 ? total_units : 1),
      enabled_(enabled),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() { finish(); }

void Progress::advance(std::int64_t units) {
  done_ += units;
  draw(false);
}

void Progress::draw(bool force) {
  if (!enabled_ || finished_) return;
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(100) && done_ < total_) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double fraction = static_cast<double>(done_) / static_cast<double>(total_);
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(fraction * kWidth);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(kWidth, '.');
  std::string eta = "--";
  if (done_ > 0 && done_ < total_) eta = format_duration(elapsed / fraction - elapsed);
  std::fprintf(stderr, "\r%s [%s] %3.0f%%  %lld/%lld  elapsed %s  ETA %s   ", label_.c_str(), bar.c_str(),
               100.0 * fraction, static_cast<long long>(done_), static_cast<long long>(total_),
               format_duration(elapsed).c_str(), eta.c_str());
  std::fflush(stderr);
}

void Progress::finish() {
  if (!enabled_ || finished_) return;
  finished_ = true;
  std::fprintf(stderr, "\r%*s\r", 110, "");
  std::fflush(stderr);
}

std::string format_duration(double seconds) {
  if (seconds < 60.0) return fmt::format("{:.1f} s", seconds);
  const auto total = static_cast<long long>(std::llround(seconds));
  if (total < 3600) return fmt::format("{} min {:02d} s", total / 60, static_cast<int>(total % 60));
  return fmt::format("{} h {:02d} min", total / 3600, static_cast<int>((total % 3600) / 60));
}

}  // namespace sim
