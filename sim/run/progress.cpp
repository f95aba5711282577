#include "sim/run/progress.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <cmath>
#include <cstdio>

namespace sim {

bool Progress::stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

Progress::Progress(std::string label, std::int64_t total_units, bool enabled, std::int64_t already_done)
    : label_(std::move(label)),
      total_(total_units > 0 ? total_units : 1),
      already_done_(already_done),
      enabled_(enabled),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() { finish(); }

void Progress::advance(std::int64_t units) {
  const std::lock_guard lock(mutex_);
  done_ += units;
  draw(done_ >= total_);
}

void Progress::started() {
  const std::lock_guard lock(mutex_);
  ++running_;
  draw(false);
}

void Progress::finished() {
  const std::lock_guard lock(mutex_);
  if (running_ > 0) --running_;
  ++done_;
  draw(done_ >= total_);
}

void Progress::draw(bool force) {
  if (!enabled_ || finished_) return;
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double fraction = static_cast<double>(done_) / static_cast<double>(total_);
  constexpr int kWidth = 30;
  std::string bar(static_cast<std::size_t>(std::min(1.0, fraction) * kWidth), '#');
  bar.resize(kWidth, '.');
  // The rate so far (units per second, all workers together) predicts the rest.
  std::string eta = "--";
  if (done_ > 0 && done_ < total_) eta = format_duration(elapsed / fraction - elapsed);
  std::string counts = fmt::format("{}/{}", already_done_ + done_, already_done_ + total_);
  if (already_done_ > 0) counts += fmt::format(" ({} earlier)", already_done_);
  if (running_ > 0) counts += fmt::format(", {} running", running_);
  const std::string line = fmt::format("{} [{}] {:3.0f}%  {}  elapsed {}  ETA {}", label_, bar,
                                       100.0 * fraction, counts, format_duration(elapsed), eta);
  std::fprintf(stderr, "\r%-109s", line.c_str());
  std::fflush(stderr);
}

void Progress::finish() {
  const std::lock_guard lock(mutex_);
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
