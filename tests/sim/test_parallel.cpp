#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include <oneapi/tbb/global_control.h>

#include "sim/core/atomic_totals.hpp"
#include "sim/core/parallel.hpp"
#include "sim/run/thread_limit.hpp"

namespace {
// Terms of wildly different magnitudes, so that a different summation order changes the bits.
double awkward_term(std::size_t i) {
  return std::pow(-1.0, static_cast<double>(i % 3)) * std::exp(static_cast<double>(i % 40)) / 3.0;
}
}  // namespace

TEST_CASE("deterministic_sum gives bit-identical totals on 1, 2, 4 and 8 threads") {
  constexpr std::size_t kTerms = 1'000'003;
  double reference = 0.0;
  {
    sim::ThreadLimit one(1);
    reference = sim::deterministic_sum<double>(kTerms, awkward_term);
  }
  for (const std::size_t threads : {2u, 4u, 8u}) {
    sim::ThreadLimit limit(threads);
    for (int repeat = 0; repeat < 3; ++repeat) {
      const double total = sim::deterministic_sum<double>(kTerms, awkward_term);
      CHECK(std::memcmp(&total, &reference, sizeof(double)) == 0);
    }
  }
}

TEST_CASE("deterministic_sum adds chunk partials in chunk order") {
  // The same blocking done by hand: per-chunk sums, then those sums in order.
  constexpr std::size_t kTerms = 3 * sim::kChunkSize + 17;
  double expected = 0.0;
  for (std::size_t c = 0; c < sim::chunk_count(kTerms); ++c) {
    double partial = 0.0;
    for (std::size_t i = c * sim::kChunkSize; i < std::min(kTerms, (c + 1) * sim::kChunkSize); ++i)
      partial += awkward_term(i);
    expected += partial;
  }
  const double total = sim::deterministic_sum<double>(kTerms, awkward_term);
  CHECK(std::memcmp(&total, &expected, sizeof(double)) == 0);
}

TEST_CASE("parallel_for_chunks visits every index exactly once in fixed chunks") {
  constexpr std::size_t kSize = 5 * sim::kChunkSize + 1;
  std::vector<int> visits(kSize, 0);
  std::vector<std::size_t> chunk_begin(sim::chunk_count(kSize), 0);
  sim::parallel_for_chunks(kSize, [&](const sim::Chunk& chunk) {
    chunk_begin[chunk.index] = chunk.begin;
    for (std::size_t i = chunk.begin; i < chunk.end; ++i) visits[i] += 1;
  });
  for (const int v : visits) REQUIRE(v == 1);
  for (std::size_t c = 0; c < chunk_begin.size(); ++c) CHECK(chunk_begin[c] == c * sim::kChunkSize);
  CHECK(sim::chunk_count(0) == 0);
}

TEST_CASE("atomic totals come out the same exact totals on 1 and 4 threads") {
  struct Totals {
    std::int64_t amount = 0;  // fixed point
    std::int32_t count = 0;
    double best = -1e9;
  };
  const auto run = [](std::size_t threads) {
    oneapi::tbb::global_control limit(oneapi::tbb::global_control::max_allowed_parallelism, threads);
    std::vector<Totals> totals(97);
    sim::parallel_for_each_index(200000, [&](std::size_t i) {
      auto& t = totals[(i * 7919) % 97];
      sim::atomic_add(t.amount, sim::to_fixed(0.1 * static_cast<double>(i % 1000) + 1e-3));
      sim::atomic_add(t.count, 1);
      sim::atomic_max(t.best, std::sin(static_cast<double>(i)));
    });
    return totals;
  };
  const auto one = run(1);
  const auto four = run(4);
  std::int64_t count = 0;
  double best = -1e9;
  for (std::size_t t = 0; t < 97; ++t) {
    CHECK(one[t].amount == four[t].amount);
    CHECK(one[t].count == four[t].count);
    CHECK(one[t].best == four[t].best);
    count += four[t].count;
    best = std::max(best, four[t].best);
  }
  // Every add arrived (a lost update would show here), and the largest sine is nearly 1.
  CHECK(count == 200000);
  CHECK(best > 0.9999);
  CHECK(sim::from_fixed(sim::to_fixed(12.5)) == 12.5);
}
