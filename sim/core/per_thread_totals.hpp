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
//   sim::PerThreadTotals<FirmTotals> totals;       // kept across steps: copies are reused
//   totals.reset(firms.size());
//   sim::parallel_for_chunks(results.size(), [&](const sim::Chunk& chunk) {
//     auto& mine = totals.local();                  // once per chunk: finding the copy is a lookup
//     for (i in chunk) mine[owner[i]].need += sim::to_fixed(need[i]);
//   });
//   totals.combine(merge, [&](std::size_t firm, const FirmTotals& total) { need[firm] = ...; });
#include <cstddef>
#include <cstdint>
#include <vector>

#include <oneapi/tbb/enumerable_thread_specific.h>

#include "sim/core/parallel.hpp"

namespace sim {

// Amounts in fixed point: 2^-16 of a unit (1.5e-5 of a currency unit), range about ±1.4e14 units per total.
inline constexpr double kFixedScale = 65536.0;
inline std::int64_t to_fixed(double amount) {
  const double scaled = amount * kFixedScale;
  return static_cast<std::int64_t>(scaled + (scaled < 0 ? -0.5 : 0.5));
}
inline double from_fixed(std::int64_t fixed) { return static_cast<double>(fixed) / kFixedScale; }

template <class Totals>
class PerThreadTotals {
 public:
  // Starts a loop over `targets` targets: every copy reads as Totals{} when next used.
  void reset(std::size_t targets) {
    targets_ = targets;
    ++generation_;
  }

  // This thread's totals, one per target (cleared on first use after reset).
  std::vector<Totals>& local() {
    Copy& copy = copies_.local();
    if (copy.generation != generation_) {
      copy.totals.assign(targets_, Totals{});
      copy.generation = generation_;
    }
    return copy.totals;
  }

  // Merges the copies used since reset() target by target, in parallel over targets, and hands
  // each target's total to emit(target, total). merge(into, part) must be exact and commutative.
  template <class Merge, class Emit>
  void combine(Merge&& merge, Emit&& emit) {
    std::vector<const std::vector<Totals>*> used;
    for (const Copy& copy : copies_) {
      if (copy.generation == generation_) used.push_back(&copy.totals);
    }
    parallel_for_each_index(targets_, [&](std::size_t t) {
      Totals total{};
      for (const auto* totals : used) merge(total, (*totals)[t]);
      emit(t, total);
    });
  }

 private:
  struct Copy {
    std::vector<Totals> totals;
    std::uint64_t generation = 0;
  };
  std::size_t targets_ = 0;
  std::uint64_t generation_ = 0;
  oneapi::tbb::enumerable_thread_specific<Copy> copies_;
};

}  // namespace sim
