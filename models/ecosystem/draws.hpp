#pragma once
// Small numerical helpers of the ecosystem model's phases.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "sim/core/philox_stream.hpp"

namespace models::ecosystem {

inline double logistic(double z) { return 1.0 / (1.0 + std::exp(-z)); }

// Poisson draw by inversion (the means here are small); normal approximation above 50.
inline std::int64_t poisson(sim::PhiloxStream& rng, double mean) {
  if (mean <= 0) return 0;
  if (mean > 50) return std::max<std::int64_t>(0, std::llround(mean + std::sqrt(mean) * rng.normal()));
  const double limit = std::exp(-mean);
  double product = rng.uniform();
  std::int64_t count = 0;
  while (product > limit) {
    product *= rng.uniform();
    ++count;
  }
  return count;
}

template <class T>
std::uint8_t u8(T value) {
  return static_cast<std::uint8_t>(value);
}

}  // namespace models::ecosystem
