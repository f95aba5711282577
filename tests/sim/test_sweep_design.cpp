// Sweep designs: the Sobol generator against scipy's, and the properties each design promises
// (grid order, one point per Latin-hypercube stratum, the Saltelli layout, Morris trajectories),
// all deterministic in the seed.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

#include "sim/sweep/sobol_sequence.hpp"
#include "sim/sweep/sweep_design.hpp"

TEST_CASE("the unshifted Sobol sequence equals scipy.stats.qmc.Sobol(scramble=False)") {
  // Regenerate: python3 -c "from scipy.stats import qmc; print(qmc.Sobol(d=12,
  // scramble=False).random(16)[[3,5,13]])"
  const sim::SobolSequence sequence(12, 0, /*shifted=*/false);
  const std::vector<double> expected3 = {0.25, 0.75, 0.75, 0.75, 0.25, 0.25,
                                         0.75, 0.25, 0.25, 0.25, 0.25, 0.25};
  const std::vector<double> expected5 = {0.875, 0.875, 0.125, 0.375, 0.875, 0.625,
                                         0.875, 0.375, 0.375, 0.125, 0.375, 0.875};
  const std::vector<double> expected13 = {0.8125, 0.6875, 0.8125, 0.0625, 0.4375, 0.9375,
                                          0.5625, 0.5625, 0.5625, 0.4375, 0.8125, 0.9375};
  CHECK(sequence.point(3) == expected3);
  CHECK(sequence.point(5) == expected5);
  CHECK(sequence.point(13) == expected13);
  CHECK(sequence.point(0) == std::vector<double>(12, 0.0));
}

TEST_CASE("a shifted Sobol sequence keeps one point per dyadic interval and depends on the seed") {
  const sim::SobolSequence sequence(40, 7);
  for (std::size_t d = 0; d < 40; ++d) {
    std::set<int> cells;
    for (std::uint64_t i = 0; i < 16; ++i) cells.insert(static_cast<int>(sequence.point(i)[d] * 16));
    CHECK(cells.size() == 16);
  }
  CHECK(sim::SobolSequence(3, 7).point(1) == sim::SobolSequence(3, 7).point(1));
  CHECK(sim::SobolSequence(3, 8).point(1) != sim::SobolSequence(3, 7).point(1));
  CHECK_THROWS_AS(sim::SobolSequence(41, 0), std::invalid_argument);
}

TEST_CASE("a grid holds every combination, the last parameter varying fastest") {
  const sim::DesignMatrix grid = sim::grid_design({{1, 2}, {10, 20, 30}});
  REQUIRE(grid.rows == 6);
  CHECK(grid.at(0, 0) == 1);
  CHECK(grid.at(0, 1) == 10);
  CHECK(grid.at(1, 1) == 20);
  CHECK(grid.at(3, 0) == 2);
  CHECK(grid.at(5, 1) == 30);
}

TEST_CASE("a Latin hypercube puts exactly one point in each stratum of every parameter") {
  const sim::DesignMatrix lhs = sim::latin_hypercube_design(50, 4, 3);
  for (std::size_t k = 0; k < 4; ++k) {
    std::set<int> strata;
    for (std::size_t i = 0; i < 50; ++i) strata.insert(static_cast<int>(std::floor(lhs.at(i, k) * 50)));
    CHECK(strata.size() == 50);
  }
  CHECK(sim::latin_hypercube_design(50, 4, 3).values == lhs.values);
  CHECK(sim::latin_hypercube_design(50, 4, 4).values != lhs.values);
}

TEST_CASE("the Saltelli design has blocks A, AB_1..AB_d, B with AB_i = A but column i from B") {
  const std::size_t d = 3;
  const sim::DesignMatrix design = sim::saltelli_design(8, d, 5);
  REQUIRE(design.rows == 8 * (d + 2));
  for (std::size_t j = 0; j < 8; ++j) {
    const std::size_t a = j * (d + 2);
    const std::size_t b = a + d + 1;
    for (std::size_t i = 0; i < d; ++i) {
      for (std::size_t k = 0; k < d; ++k) {
        CHECK(design.at(a + 1 + i, k) == (k == i ? design.at(b, k) : design.at(a, k)));
      }
    }
  }
}

TEST_CASE("Morris trajectories move one parameter at a time by delta on the level grid") {
  const std::size_t d = 3;
  const int levels = 4;
  const sim::DesignMatrix design = sim::morris_design(5, d, levels, 9);
  REQUIRE(design.rows == 5 * (d + 1));
  for (std::size_t t = 0; t < 5; ++t) {
    std::set<std::size_t> moved;
    for (std::size_t step = 0; step < d; ++step) {
      const std::size_t row = t * (d + 1) + step;
      std::size_t changes = 0;
      for (std::size_t k = 0; k < d; ++k) {
        const double delta = design.at(row + 1, k) - design.at(row, k);
        if (delta != 0.0) {
          ++changes;
          moved.insert(k);
          CHECK(std::abs(std::abs(delta) - 2.0 / 3.0) < 1e-12);  // p / (2 (p - 1)) for p = 4
        }
        const double level = design.at(row + 1, k) * (levels - 1);
        CHECK(std::abs(level - std::round(level)) < 1e-12);
      }
      CHECK(changes == 1);
    }
    CHECK(moved.size() == d);  // each parameter moves once per trajectory
  }
}

TEST_CASE("the simplex lattice holds every mix of k shares in steps of 1/m once and nothing else") {
  const std::size_t k = 4;
  const std::int64_t levels = 6;  // m = 5
  const sim::DesignMatrix design = sim::simplex_lattice_design(k, levels);
  REQUIRE(design.rows == 56);  // C(5 + 4 - 1, 4 - 1)
  CHECK(sim::simplex_lattice_size(k, levels, 1000) == design.rows);
  CHECK(sim::simplex_lattice_size(k, levels, 55) == 0);
  std::set<std::vector<long>> seen;
  for (std::size_t row = 0; row < design.rows; ++row) {
    std::vector<long> steps;
    double sum = 0;
    for (std::size_t s = 0; s < k; ++s) {
      const double share = design.at(row, s);
      CHECK(share >= 0.0);
      CHECK(share == static_cast<double>(std::lround(share * 5)) / 5.0);  // the double nearest i/m
      steps.push_back(std::lround(share * 5));
      sum += share;
    }
    CHECK(std::abs(sum - 1.0) < 1e-15 * static_cast<double>(k));
    seen.insert(steps);
    if (row > 0) CHECK(design.at(row - 1, 0) <= design.at(row, 0));  // the first share varies slowest
  }
  CHECK(seen.size() == design.rows);
}
