#include "sim/sweep/sweep_design.hpp"

#include <numeric>
#include <stdexcept>

#include "sim/core/philox_stream.hpp"
#include "sim/sweep/sobol_sequence.hpp"

namespace sim {

namespace {

// A random permutation of [0, n) (Fisher–Yates) from its own stream.
std::vector<std::size_t> permutation(std::size_t n, PhiloxStream& stream) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[stream.uniform_below(i)]);
  return order;
}

}  // namespace

std::string design_method_name(DesignMethod method) {
  switch (method) {
    case DesignMethod::grid:
      return "grid";
    case DesignMethod::lhs:
      return "lhs";
    case DesignMethod::sobol:
      return "sobol";
    case DesignMethod::morris:
      return "morris";
  }
  return "grid";
}

std::vector<std::string> design_method_names() { return {"grid", "lhs", "sobol", "morris"}; }

DesignMatrix grid_design(const std::vector<std::vector<double>>& values) {
  std::size_t rows = values.empty() ? 0 : 1;
  for (const auto& list : values) rows *= list.size();
  DesignMatrix design(rows, values.size());
  for (std::size_t row = 0; row < rows; ++row) {
    std::size_t rest = row;
    for (std::size_t k = values.size(); k-- > 0;) {  // the last parameter varies fastest
      design.at(row, k) = values[k][rest % values[k].size()];
      rest /= values[k].size();
    }
  }
  return design;
}

DesignMatrix latin_hypercube_design(std::size_t points, std::size_t dimensions, std::uint64_t seed) {
  DesignMatrix design(points, dimensions);
  for (std::size_t k = 0; k < dimensions; ++k) {
    PhiloxStream stream(seed, 0, 0, purpose_id("lhs_strata"), k);
    const std::vector<std::size_t> strata = permutation(points, stream);
    for (std::size_t i = 0; i < points; ++i) {
      design.at(i, k) = (static_cast<double>(strata[i]) + stream.uniform()) / static_cast<double>(points);
    }
  }
  return design;
}

DesignMatrix saltelli_design(std::size_t base_samples, std::size_t dimensions, std::uint64_t seed) {
  const SobolSequence sequence(2 * dimensions, seed);
  const std::size_t block = dimensions + 2;
  DesignMatrix design(base_samples * block, dimensions);
  for (std::size_t j = 0; j < base_samples; ++j) {
    const std::vector<double> x = sequence.point(j);
    const std::size_t first = j * block;
    for (std::size_t k = 0; k < dimensions; ++k) {
      const double a = x[k];
      const double b = x[dimensions + k];
      design.at(first, k) = a;
      for (std::size_t i = 0; i < dimensions; ++i) design.at(first + 1 + i, k) = (i == k) ? b : a;
      design.at(first + block - 1, k) = b;
    }
  }
  return design;
}

DesignMatrix morris_design(std::size_t trajectories, std::size_t dimensions, int levels, std::uint64_t seed) {
  if (levels < 2 || levels % 2 != 0)
    throw std::invalid_argument("morris_design: levels must be even and >= 2");
  // With p even, delta = p / (2 (p - 1)) is p/2 grid steps: every point stays on the grid.
  const auto top = static_cast<std::int64_t>(levels - 1);
  const std::int64_t jump = levels / 2;
  DesignMatrix design(trajectories * (dimensions + 1), dimensions);
  for (std::size_t t = 0; t < trajectories; ++t) {
    PhiloxStream stream(seed, 0, t, purpose_id("morris_trajectory"), 0);
    std::vector<std::int64_t> level(dimensions);
    for (auto& l : level)
      l = static_cast<std::int64_t>(stream.uniform_below(static_cast<std::uint64_t>(levels)));
    const std::vector<std::size_t> order = permutation(dimensions, stream);
    const std::size_t first = t * (dimensions + 1);
    const auto write_row = [&](std::size_t row) {
      for (std::size_t k = 0; k < dimensions; ++k) {
        design.at(row, k) = static_cast<double>(level[k]) / static_cast<double>(top);
      }
    };
    write_row(first);
    for (std::size_t step = 0; step < dimensions; ++step) {
      std::int64_t& l = level[order[step]];
      l = l + jump <= top ? l + jump : l - jump;
      write_row(first + 1 + step);
    }
  }
  return design;
}

}  // namespace sim
