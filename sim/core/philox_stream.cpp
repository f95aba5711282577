#include "sim/core/philox_stream.hpp"

#include <cmath>
#include <numbers>

namespace sim {

double PhiloxStream::normal() {
  // 1 - u keeps the logarithm's argument in (0, 1].
  const double radius = std::sqrt(-2.0 * std::log(1.0 - uniform()));
  const double angle = 2.0 * std::numbers::pi * uniform();
  return radius * std::cos(angle);
}

}  // namespace sim
