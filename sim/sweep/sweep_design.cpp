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
    case DesignMethod::simplex:
      return "simplex";
    case DesignMethod::list:
      return "list";
  }
  return "grid";
}

std::vector<std::string> design_method_names() {
  return {"grid", "lhs", "sobol", "morris", "simplex", "list"};
}

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

std::size_t simplex_lattice_size(std::size_t shares, std::int64_t levels, std::size_t limit) {
  if (shares == 0 || levels < 2) return 0;
  // C(m + k - 1, k - 1) built up as C(m + j, j), j = 1..k-1; each step stays an integer, and
  // count <= limit keeps count * (m + j) far from overflowing.
  const auto m = static_cast<std::size_t>(levels - 1);
  std::size_t count = 1;
  for (std::size_t j = 1; j < shares; ++j) {
    count = count * (m + j) / j;
    if (count > limit) return 0;
  }
  return count;
}

DesignMatrix simplex_lattice_design(std::size_t shares, std::int64_t levels) {
  if (shares == 0 || levels < 2)
    throw std::invalid_argument("simplex_lattice_design: needs shares >= 1 and levels >= 2");
  const auto m = static_cast<std::int64_t>(levels - 1);
  std::vector<std::vector<std::int64_t>> rows;
  // Compositions of m into `shares` parts in lexicographic order: the first part varies slowest.
  std::vector<std::int64_t> parts(shares, 0);
  const auto fill = [&](auto&& self, std::size_t k, std::int64_t left) -> void {
    if (k + 1 == shares) {
      parts[k] = left;
      rows.push_back(parts);
      return;
    }
    for (std::int64_t i = 0; i <= left; ++i) {
      parts[k] = i;
      self(self, k + 1, left - i);
    }
  };
  fill(fill, 0, m);
  DesignMatrix design(rows.size(), shares);
  for (std::size_t row = 0; row < rows.size(); ++row) {
    for (std::size_t k = 0; k < shares; ++k)
      design.at(row, k) = static_cast<double>(rows[row][k]) / static_cast<double>(m);
  }
  return design;
}

}  // namespace sim
