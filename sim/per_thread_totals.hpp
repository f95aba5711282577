#pragma once
// Totals per target (e.g. per firm, over the research results it holds) gathered from a parallel
// loop over items, the same on any thread count.
//
// Each thread adds into its own copy of the totals: plain adds, no atomics (a locked add per item
// stalls on every cache miss), no false sharing. The copies are combined at the end. Which thread
// handled which items then does not matter, provided the totals combine exactly and in any
// order: integers (counts, and amounts in fixed point via to_fixed), maxima, minima — never
// floating-point sums, whose result depends on the order of the terms.
//
//   sim::PerThreadTotals<FirmTotals> totals(firms.size());
//   sim::parallel_for_each_index(results.size(), [&](std::size_t i) {
//     totals.local()[owner[i]].need += sim::to_fixed(need[i]);
//   });
//   std::vector<FirmTotals> per_firm = totals.combine([](FirmTotals& into, const FirmTotals& part) {...});
#include <cstddef>
#include <cstdint>
#include <vector>

#include <oneapi/tbb/enumerable_thread_specific.h>

#include "sim/parallel.hpp"

namespace sim {

// Amounts in fixed point: 2^-16 of a unit (1.5e-5 yuan), range about ±1.4e14 units per total.
inline constexpr double kFixedScale = 65536.0;
inline std::int64_t to_fixed(double amount) {
  const double scaled = amount * kFixedScale;
  return static_cast<std::int64_t>(scaled + (scaled < 0 ? -0.5 : 0.5));
}
inline double from_fixed(std::int64_t fixed) { return static_cast<double>(fixed) / kFixedScale; }

template <class Totals>
class PerThreadTotals {
 public:
  explicit PerThreadTotals(std::size_t targets) : targets_(targets), copies_(std::vector<Totals>(targets)) {}

  // This thread's totals, one per target. Finding the thread's copy is a lookup: take it once per
  // chunk of work, not per item.
  std::vector<Totals>& local() { return copies_.local(); }

  // Every thread's copies merged target by target: merge(into, part) must be exact and
  // commutative (see above).
  template <class Merge>
  std::vector<Totals> combine(Merge&& merge) {
    std::vector<Totals> result(targets_);
    for (const auto& copy : copies_) {
      parallel_for_each_index(targets_, [&](std::size_t t) { merge(result[t], copy[t]); });
    }
    return result;
  }

 private:
  std::size_t targets_;
  oneapi::tbb::enumerable_thread_specific<std::vector<Totals>> copies_;
};

}  // namespace sim
