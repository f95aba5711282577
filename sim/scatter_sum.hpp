#pragma once
// Sums (and maxima) gathered from a parallel loop into many accumulators, e.g. each holder's
// total need of development money over the research results it holds, filled by a loop over
// the results.
//
// Floating-point addition is not associative, so adding terms to a shared double in whatever
// order threads arrive would make the totals depend on the thread count. Here each term is
// rounded to 2^-16 of a unit and added as a 64-bit integer with an atomic add: integer addition
// is exact and commutative, so every total is the same on 1 or 16 threads, whatever the order,
// with no per-chunk buffers. The range is about ±1.4e14 units per accumulator; the rounding
// (1.5e-5 of a unit per term) is far below anything a model of yuan amounts measures.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace sim {

class ScatterSum {
 public:
  static constexpr double kScale = 65536.0;

  // n accumulators, all zero.
  void reset(std::size_t n) { cells_.assign(n, 0); }
  // Adds `term` to accumulator `index`; safe to call from parallel tasks.
  void add(std::size_t index, double term) { add_fixed(index, fixed(term)); }
  // A term in the accumulators' fixed-point units. A task may add many terms for one
  // accumulator itself (exactly, as integers) and hand over the total with add_fixed: the
  // result is the same, with one atomic add instead of many.
  static std::int64_t fixed(double term) {
    const double scaled = term * kScale;
    return static_cast<std::int64_t>(scaled + (scaled < 0 ? -0.5 : 0.5));
  }
  void add_fixed(std::size_t index, std::int64_t fixed_total) {
    if (fixed_total != 0)
      std::atomic_ref<std::int64_t>(cells_[index]).fetch_add(fixed_total, std::memory_order_relaxed);
  }
  [[nodiscard]] double value(std::size_t index) const { return static_cast<double>(cells_[index]) / kScale; }
  [[nodiscard]] std::size_t size() const { return cells_.size(); }

 private:
  std::vector<std::int64_t> cells_;
};

// Raises `target` to `value` if it is larger; safe to call from parallel tasks. A maximum does
// not depend on the order of its terms, so neither does the result.
inline void atomic_max(double& target, double value) {
  std::atomic_ref<double> ref(target);
  double current = ref.load(std::memory_order_relaxed);
  while (value > current && !ref.compare_exchange_weak(current, value, std::memory_order_relaxed)) {
  }
}

}  // namespace sim
