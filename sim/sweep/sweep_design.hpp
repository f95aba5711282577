#pragma once
// Design points of a parameter sweep in the unit cube [0, 1]^d (or, for a grid, as the listed
// values), generated deterministically from the sweep's seed:
//
//   grid    every combination of each parameter's values; the first parameter varies slowest.
//   lhs     Latin hypercube: each parameter's range cut into n equal strata, one point in each,
//           strata matched across parameters by Philox-drawn permutations, uniform within.
//   sobol   the Saltelli layout for first- and total-order Sobol indices: N blocks of d+2 rows,
//           block j = A_j, AB_1j, ..., AB_dj, B_j, where A and B are the two halves of a
//           2d-dimensional digitally shifted Sobol sequence (sobol_sequence.hpp) and AB_i is A with
//           column i taken from B (SALib's layout without second-order rows; the analysis
//           package's analysis.sensitivity reads it).
//   morris  r one-at-a-time trajectories of d+1 rows on a p-level grid (Morris 1991): a random
//           start level per parameter, then each parameter in a random order moves by
//           delta = p / (2 (p - 1)) (up when it stays in [0, 1], else down).
//   simplex the {k, m} simplex lattice (Scheffé 1958) of mixture experiments: every point whose k
//           shares are multiples of 1/m and sum to 1, m = levels - 1; the first share varies
//           slowest. Shares of a fixed total (a funding mix): not a unit-cube design, not scaled.
//   list    the rows the sweep file lists under `points`, in its order, as values (not scaled): any
//           set of points a caller chose (an optimiser's batch), run with the sweep's machinery.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sim {

enum class DesignMethod { grid, lhs, sobol, morris, simplex, list };

// "grid", "lhs", "sobol", "morris", "simplex", "list": the sweep file's `design:` and the `method` attribute
// of /design/X.
std::string design_method_name(DesignMethod method);
std::vector<std::string> design_method_names();

// Row-major [rows, columns] matrix of doubles.
struct DesignMatrix {
  std::size_t rows = 0;
  std::size_t columns = 0;
  std::vector<double> values;

  DesignMatrix() = default;
  DesignMatrix(std::size_t row_count, std::size_t column_count)
      : rows(row_count), columns(column_count), values(row_count * column_count, 0.0) {}
  double& at(std::size_t row, std::size_t column) { return values[row * columns + column]; }
  [[nodiscard]] double at(std::size_t row, std::size_t column) const {
    return values[row * columns + column];
  }
};

// Every combination of values[k] (parameter k's values); rows = product of the list sizes.
DesignMatrix grid_design(const std::vector<std::vector<double>>& values);
// `points` rows in [0, 1)^dimensions.
DesignMatrix latin_hypercube_design(std::size_t points, std::size_t dimensions, std::uint64_t seed);
// base_samples * (dimensions + 2) rows in [0, 1)^dimensions; dimensions <= 20.
DesignMatrix saltelli_design(std::size_t base_samples, std::size_t dimensions, std::uint64_t seed);
// trajectories * (dimensions + 1) rows on the grid {0, 1/(levels-1), ..., 1}; levels even, >= 2.
DesignMatrix morris_design(std::size_t trajectories, std::size_t dimensions, int levels, std::uint64_t seed);
// C(m + k - 1, k - 1) rows of k shares i/m (each the double nearest the fraction, so a row sums to
// 1 within k ulps), m = levels - 1; shares >= 1, levels >= 2.
DesignMatrix simplex_lattice_design(std::size_t shares, std::int64_t levels);
// Rows of that design, or 0 when there would be more than `limit`.
std::size_t simplex_lattice_size(std::size_t shares, std::int64_t levels, std::size_t limit);

}  // namespace sim
