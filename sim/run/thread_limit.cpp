#include "sim/run/thread_limit.hpp"

#include <oneapi/tbb/info.h>

namespace sim {

ThreadLimit::ThreadLimit(std::size_t threads)
    : threads_(threads == 0 ? static_cast<std::size_t>(oneapi::tbb::info::default_concurrency()) : threads),
      control_(std::make_unique<oneapi::tbb::global_control>(
          oneapi::tbb::global_control::max_allowed_parallelism, threads_)) {}

}  // namespace sim
