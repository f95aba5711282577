#pragma once
// Counter-based random streams (Random123 Philox-4x64-10).
//
// Every draw is a pure function of (seed, replicate, step, purpose, agent id, draw number), so a
// result never depends on which thread ran an agent, in what order, or on how many ranks share
// the work. Two scenarios run with the same seed draw the same numbers for the same agent and
// purpose: common random numbers, so paired policy comparisons isolate the policy's effect.
//
//   key     = (seed, replicate)
//   counter = (agent id, step, purpose, block)   each block yields four 64-bit words
#include <cstdint>
#include <string_view>

#include <Random123/philox.h>

namespace sim {

// 128-bit products for unbiased bounded integers (a GCC/Clang extension).
__extension__ typedef unsigned __int128 Uint128;

using AgentId = std::uint64_t;

// A stable 64-bit name for a kind of draw ("move", "give_money"), from the phase or purpose
// name. FNV-1a: fixed forever, so the numbers a purpose draws do not change when other phases
// are added, removed or reordered.
constexpr std::uint64_t purpose_id(std::string_view name) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : name) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

class PhiloxStream {
 public:
  PhiloxStream(std::uint64_t seed, std::uint64_t replicate, std::uint64_t step, std::uint64_t purpose,
               AgentId agent)
      : key_{{seed, replicate}}, counter_{{agent, step, purpose, 0}} {}

  // The next 64 uniformly distributed bits.
  std::uint64_t next_u64() {
    if (used_ == 4) refill();
    return block_.v[used_++];
  }

  // Uniform on [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

  // Uniform integer in [0, n) without modulo bias (Lemire's multiply-and-reject). n > 0.
  std::uint64_t uniform_below(std::uint64_t n) {
    Uint128 product = static_cast<Uint128>(next_u64()) * n;
    auto low = static_cast<std::uint64_t>(product);
    if (low < n) {
      const std::uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        product = static_cast<Uint128>(next_u64()) * n;
        low = static_cast<std::uint64_t>(product);
      }
    }
    return static_cast<std::uint64_t>(product >> 64);
  }

  bool bernoulli(double probability) { return uniform() < probability; }

  // Standard normal (Box–Muller, both uniforms from this stream; the second variate is dropped
  // so that a draw always consumes the same number of words).
  double normal();

 private:
  void refill() {
    block_ = generator_(counter_, key_);
    counter_.v[3] += 1;
    used_ = 0;
  }

  r123::Philox4x64 generator_;
  r123::Philox4x64::key_type key_;
  r123::Philox4x64::ctr_type counter_;
  r123::Philox4x64::ctr_type block_{};
  int used_ = 4;
};

// The streams of one replicate: hands out the stream of an agent for a step and purpose.
class RandomStreams {
 public:
  RandomStreams(std::uint64_t seed, std::uint64_t replicate) : seed_(seed), replicate_(replicate) {}

  [[nodiscard]] PhiloxStream stream(std::uint64_t step, std::uint64_t purpose, AgentId agent) const {
    return PhiloxStream(seed_, replicate_, step, purpose, agent);
  }
  [[nodiscard]] std::uint64_t seed() const { return seed_; }
  [[nodiscard]] std::uint64_t replicate() const { return replicate_; }

 private:
  std::uint64_t seed_;
  std::uint64_t replicate_;
};

}  // namespace sim
