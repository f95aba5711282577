#include "sim/sweep/sobol_sequence.hpp"

#include <array>
#include <stdexcept>
#include <string>

#include "sim/core/philox_stream.hpp"

namespace sim {

namespace {

// One row of Joe & Kuo's table for dimensions 2, 3, ...: degree s of the primitive polynomial,
// its interior coefficients a (bits), and the initial direction numbers m_1 .. m_s.
struct DirectionRow {
  int degree;
  std::uint32_t coefficients;
  std::array<std::uint32_t, 8> initial;
};

// new-joe-kuo-6.21201, dimensions 2 to 40 (dimension 1 is the van der Corput sequence).
constexpr std::array<DirectionRow, SobolSequence::kMaxDimensions - 1> kJoeKuo = {{
    {1, 0, {1}},
    {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}},
    {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}},
    {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}},
    {5, 4, {1, 1, 5, 5, 5}},
    {5, 7, {1, 1, 7, 11, 19}},
    {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}},
    {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}},
    {6, 13, {1, 1, 1, 15, 21, 21}},
    {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}},
    {6, 22, {1, 3, 1, 15, 13, 25}},
    {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},
    {7, 7, {1, 1, 3, 13, 7, 35, 63}},
    {7, 8, {1, 3, 5, 9, 1, 25, 53}},
    {7, 14, {1, 3, 1, 13, 9, 35, 107}},
    {7, 19, {1, 3, 1, 5, 27, 61, 31}},
    {7, 21, {1, 1, 5, 11, 19, 41, 61}},
    {7, 28, {1, 3, 5, 3, 3, 13, 69}},
    {7, 31, {1, 1, 7, 13, 1, 19, 1}},
    {7, 32, {1, 3, 7, 5, 13, 19, 59}},
    {7, 37, {1, 1, 3, 9, 25, 29, 41}},
    {7, 41, {1, 3, 5, 13, 23, 1, 55}},
    {7, 42, {1, 3, 7, 3, 13, 59, 17}},
    {7, 50, {1, 3, 1, 3, 5, 53, 69}},
    {7, 55, {1, 1, 5, 5, 23, 33, 13}},
    {7, 56, {1, 1, 7, 7, 1, 61, 123}},
    {7, 59, {1, 1, 7, 9, 13, 61, 49}},
    {7, 62, {1, 3, 3, 5, 3, 55, 33}},
    {8, 14, {1, 3, 1, 15, 31, 13, 49, 245}},
    {8, 21, {1, 3, 5, 15, 31, 59, 63, 97}},
    {8, 22, {1, 3, 1, 11, 11, 11, 77, 249}},
}};

}  // namespace

SobolSequence::SobolSequence(std::size_t dimensions, std::uint64_t seed, bool shifted)
    : dimensions_(dimensions), directions_(dimensions * kBits), shifts_(dimensions, 0) {
  if (dimensions == 0 || dimensions > kMaxDimensions) {
    throw std::invalid_argument("SobolSequence: " + std::to_string(dimensions) +
                                " dimensions; this generator has direction numbers for 1 to " +
                                std::to_string(kMaxDimensions));
  }
  // Joe & Kuo's construction, with V[i] held left-aligned in 32 bits (bit i counts from 1).
  for (int i = 1; i <= kBits; ++i) directions_[i - 1] = 1U << (kBits - i);
  for (std::size_t d = 1; d < dimensions; ++d) {
    const DirectionRow& row = kJoeKuo[d - 1];
    const int s = row.degree;
    std::uint32_t* v = &directions_[d * kBits] - 1;  // v[1] .. v[kBits]
    for (int i = 1; i <= kBits; ++i) {
      if (i <= s) {
        v[i] = row.initial[static_cast<std::size_t>(i - 1)] << (kBits - i);
        continue;
      }
      v[i] = v[i - s] ^ (v[i - s] >> s);
      for (int k = 1; k < s; ++k) {
        if ((row.coefficients >> (s - 1 - k)) & 1U) v[i] ^= v[i - k];
      }
    }
  }
  if (shifted) {
    for (std::size_t d = 0; d < dimensions; ++d) {
      PhiloxStream stream(seed, 0, 0, purpose_id("sobol_digital_shift"), d);
      shifts_[d] = static_cast<std::uint32_t>(stream.next_u64() >> 32);
    }
  }
}

std::vector<double> SobolSequence::point(std::uint64_t index) const {
  // Gray-code order: point k is the XOR of the direction numbers of the set bits of k ^ (k >> 1).
  const std::uint64_t gray = index ^ (index >> 1);
  std::vector<double> x(dimensions_);
  for (std::size_t d = 0; d < dimensions_; ++d) {
    std::uint32_t bits = shifts_[d];
    for (int b = 0; b < kBits; ++b) {
      if ((gray >> b) & 1U) bits ^= directions_[d * kBits + static_cast<std::size_t>(b)];
    }
    x[d] = static_cast<double>(bits) * 0x1.0p-32;
  }
  return x;
}

}  // namespace sim
