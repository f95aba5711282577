#include <doctest/doctest.h>

#include <cmath>
#include <set>
#include <vector>

#include "sim/core/philox_stream.hpp"

using sim::PhiloxStream;

TEST_CASE("Philox-4x64-10 matches Random123's known-answer vectors") {
  // From Random123's tests/kat_vectors (philox4x64 10, counter = key = 0).
  r123::Philox4x64 generator;
  const r123::Philox4x64::ctr_type counter = {{0, 0, 0, 0}};
  const r123::Philox4x64::key_type key = {{0, 0}};
  const auto block = generator(counter, key);
  CHECK(block.v[0] == 0x16554d9eca36314cULL);
  CHECK(block.v[1] == 0xdb20fe9d672d0fdcULL);
  CHECK(block.v[2] == 0xd7e772cee186176bULL);
  CHECK(block.v[3] == 0x7e68b68aec7ba23bULL);
}

TEST_CASE(
    "a stream's first words are the Philox block of (agent, step, purpose, 0) under (seed, replicate)") {
  PhiloxStream stream(7, 3, 11, 13, 17);
  r123::Philox4x64 generator;
  const auto block = generator({{17, 11, 13, 0}}, {{7, 3}});
  for (int i = 0; i < 4; ++i) CHECK(stream.next_u64() == block.v[i]);
  const auto next_block = generator({{17, 11, 13, 1}}, {{7, 3}});
  CHECK(stream.next_u64() == next_block.v[0]);
}

TEST_CASE("streams are reproducible and differ in every key component") {
  auto first_words = [](PhiloxStream stream) {
    std::vector<std::uint64_t> words;
    for (int i = 0; i < 8; ++i) words.push_back(stream.next_u64());
    return words;
  };
  const auto reference = first_words(PhiloxStream(1, 0, 5, 9, 100));
  CHECK(first_words(PhiloxStream(1, 0, 5, 9, 100)) == reference);
  CHECK(first_words(PhiloxStream(2, 0, 5, 9, 100)) != reference);  // seed
  CHECK(first_words(PhiloxStream(1, 1, 5, 9, 100)) != reference);  // replicate
  CHECK(first_words(PhiloxStream(1, 0, 6, 9, 100)) != reference);  // step
  CHECK(first_words(PhiloxStream(1, 0, 5, 8, 100)) != reference);  // purpose
  CHECK(first_words(PhiloxStream(1, 0, 5, 9, 101)) != reference);  // agent
}

TEST_CASE("purpose ids are fixed FNV-1a hashes of the purpose name") {
  static_assert(sim::purpose_id("") == 0xcbf29ce484222325ULL);
  CHECK(sim::purpose_id("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(sim::purpose_id("move") != sim::purpose_id("give_money"));
}

TEST_CASE("uniform() lies between 0 inclusive and 1 exclusive with mean 1/2 and variance 1/12") {
  PhiloxStream stream(42, 0, 0, 0, 0);
  constexpr int kDraws = 200000;
  double sum = 0.0;
  double sum_squares = 0.0;
  for (int i = 0; i < kDraws; ++i) {
    const double u = stream.uniform();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    sum += u;
    sum_squares += u * u;
  }
  const double mean = sum / kDraws;
  const double variance = sum_squares / kDraws - mean * mean;
  CHECK(mean == doctest::Approx(0.5).epsilon(0.01));
  CHECK(variance == doctest::Approx(1.0 / 12.0).epsilon(0.01));
}

TEST_CASE("uniform_below(n) covers 0..n-1 evenly (chi-square)") {
  PhiloxStream stream(42, 0, 0, 0, 1);
  constexpr int kBins = 7;
  constexpr int kDraws = 70000;
  std::vector<int> counts(kBins, 0);
  for (int i = 0; i < kDraws; ++i) {
    const auto k = stream.uniform_below(kBins);
    REQUIRE(k < kBins);
    ++counts[k];
  }
  double chi_square = 0.0;
  const double expected = static_cast<double>(kDraws) / kBins;
  for (const int count : counts) chi_square += (count - expected) * (count - expected) / expected;
  CHECK(chi_square < 22.46);  // 99.9th percentile of chi-square with 6 degrees of freedom
}

TEST_CASE("normal() has mean 0 and variance 1") {
  PhiloxStream stream(42, 0, 0, 0, 2);
  constexpr int kDraws = 100000;
  double sum = 0.0;
  double sum_squares = 0.0;
  for (int i = 0; i < kDraws; ++i) {
    const double z = stream.normal();
    sum += z;
    sum_squares += z * z;
  }
  CHECK(std::fabs(sum / kDraws) < 0.02);
  CHECK(sum_squares / kDraws == doctest::Approx(1.0).epsilon(0.02));
}

TEST_CASE("RandomStreams hands out the stream keyed by its seed and replicate") {
  const sim::RandomStreams streams(9, 4);
  auto from_factory = streams.stream(3, 5, 77);
  PhiloxStream direct(9, 4, 3, 5, 77);
  CHECK(from_factory.next_u64() == direct.next_u64());
}
