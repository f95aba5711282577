#include "sim/sweep_progress.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

#include "sim/progress.hpp"

namespace sim {

SweepProgress::SweepProgress(std::size_t total, std::size_t already_done, bool enabled)
    : total_(total),
      already_done_(already_done),
      enabled_(enabled),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

SweepProgress::~SweepProgress() { clear(); }

void SweepProgress::started() {
  const std::lock_guard lock(mutex_);
  ++running_;
  draw(false);
}

void SweepProgress::finished() {
  const std::lock_guard lock(mutex_);
  if (running_ > 0) --running_;
  ++done_;
  draw(done_ == total_);
}

void SweepProgress::clear() {
  const std::lock_guard lock(mutex_);
  if (!enabled_ || cleared_) return;
  cleared_ = true;
  std::fprintf(stderr, "\r%*s\r", 100, "");
  std::fflush(stderr);
}

void SweepProgress::draw(bool force) {
  if (!enabled_ || cleared_) return;
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  std::string eta = "--";
  if (done_ > 0 && done_ < total_) {
    // The rate so far (points per second, all workers together) predicts the rest.
    const double per_point = elapsed / static_cast<double>(done_);
    eta = format_duration(per_point * static_cast<double>(total_ - done_));
  }
  const std::string line = fmt::format(
      "sweep: {}/{} points done ({} earlier), {} running, elapsed {}, ETA {}", already_done_ + done_,
      already_done_ + total_, already_done_, running_, format_duration(elapsed), eta);
  std::fprintf(stderr, "\r%-99s", line.c_str());
  std::fflush(stderr);
}

}  // namespace sim
