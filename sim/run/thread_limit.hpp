#pragma once
// Caps the number of worker threads for the lifetime of this object (oneTBB global_control).
// Results do not depend on the cap; only speed does.
#include <cstddef>
#include <memory>

#include <oneapi/tbb/global_control.h>

namespace sim {

class ThreadLimit {
 public:
  // threads == 0: use every hardware thread.
  explicit ThreadLimit(std::size_t threads);
  [[nodiscard]] std::size_t threads() const { return threads_; }

 private:
  std::size_t threads_;
  std::unique_ptr<oneapi::tbb::global_control> control_;
};

}  // namespace sim
