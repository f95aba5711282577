#pragma once
// Small numerical helpers of the ecosystem model's phases.
#include <algorithm>
#include <cmath>
#include <cstddef>
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

// An index of 0..n-1 drawn in proportion to weight(i) (non-negative, summing to total) from one
// uniform draw; an index of weight 0 is never drawn; `fallback` when rounding runs off the row's end.
template <class Weight>
std::size_t draw_by_weight(std::size_t n, const Weight& weight, double total, sim::PhiloxStream& rng,
                           std::size_t fallback) {
  double u = rng.uniform() * total;
  for (std::size_t i = 0; i < n; ++i) {
    const double w = weight(i);
    if (w > 0 && u < w) return i;
    u -= w;
  }
  return fallback;
}

template <class T>
std::uint8_t u8(T value) {
  return static_cast<std::uint8_t>(value);
}

}  // namespace models::ecosystem
