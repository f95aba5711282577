#pragma once
// The Sobol low-discrepancy sequence (Sobol 1967) in up to kMaxDimensions dimensions, with the
// direction numbers of Joe & Kuo (2008), file new-joe-kuo-6.21201 (the set scipy.stats.qmc.Sobol
// uses; the first kMaxDimensions rows are copied in sobol_sequence.cpp). Points come in Gray-code
// order, as in Joe & Kuo's and scipy's generators, so the unshifted sequence equals
// scipy.stats.qmc.Sobol(d, scramble=False).
//
// Randomisation is a digital shift: every coordinate's 32 bits are XORed with a random word per
// dimension drawn from Philox keyed by the seed. A shift keeps the sequence's net structure (each
// power-of-two block still fills the cube evenly) while making it depend on the seed and moving
// the first point off the origin, which an unshifted sequence would put at (0, ..., 0).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace sim {

class SobolSequence {
 public:
  static constexpr std::size_t kMaxDimensions = 40;  // 20 parameters in a Saltelli design
  static constexpr int kBits = 32;

  // Throws std::invalid_argument when dimensions is 0 or above kMaxDimensions.
  SobolSequence(std::size_t dimensions, std::uint64_t seed, bool shifted = true);

  // Point `index` (0, 1, 2, ...) in [0, 1)^dimensions.
  [[nodiscard]] std::vector<double> point(std::uint64_t index) const;
  [[nodiscard]] std::size_t dimensions() const { return dimensions_; }

 private:
  std::size_t dimensions_;
  std::vector<std::uint32_t> directions_;  // [dimension][bit], kBits per dimension
  std::vector<std::uint32_t> shifts_;      // one per dimension; 0 when unshifted
};

}  // namespace sim
