#pragma once
// Totals per target (e.g. per firm, over the research results it holds) gathered from a parallel
// loop over items, the same on any thread count, in one copy whatever the thread count.
//
// Items add into their target's row with relaxed atomic operations on plain memory
// (std::atomic_ref), so the totals take targets x sizeof(row) bytes on 1 or 16 threads (a copy
// per thread, combined every step, grew with threads x targets). The result does not depend on
// which thread added what, provided the operations are exact and commutative: integer adds
// (counts, and amounts in fixed point via to_fixed), maxima, minima — never floating-point sums,
// whose result depends on the order of the terms.
//
// A locked add waits for its cache line: on a random target that is a miss, and the misses do not
// overlap. Loops over many items therefore find their targets' rows first and prefetch the row a
// few items ahead (prefetch_row), so the add usually finds its line in cache.
//
//   std::vector<FirmTotals> totals(firms.size());   // kept across steps for its memory
//   sim::parallel_for_chunks(results.size(), [&](const sim::Chunk& chunk) {
//     for (i in chunk) sim::atomic_add(totals[owner[i]].need, sim::to_fixed(need[i]));
//   });
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

namespace sim {

// Amounts in fixed point: 2^-16 of a unit (1.5e-5 of a currency unit), range about ±1.4e14 units per total.
inline constexpr double kFixedScale = 65536.0;
inline std::int64_t to_fixed(double amount) {
  const double scaled = amount * kFixedScale;
  return static_cast<std::int64_t>(scaled + (scaled < 0 ? -0.5 : 0.5));
}
inline double from_fixed(std::int64_t fixed) { return static_cast<double>(fixed) / kFixedScale; }

// total += amount, safe against other threads adding to the same total.
template <class Integer>
inline void atomic_add(Integer& total, Integer amount) {
  static_assert(std::is_integral_v<Integer>, "only exact (integer) adds commute bit for bit");
  std::atomic_ref<Integer>(total).fetch_add(amount, std::memory_order_relaxed);
}

// best = max(best, value), safe against other threads raising the same maximum. Reads first, so a
// value that does not raise the maximum (most of them) costs no locked operation.
inline void atomic_max(double& best, double value) {
  std::atomic_ref<double> ref(best);
  double seen = ref.load(std::memory_order_relaxed);
  while (value > seen && !ref.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
  }
}

// Asks for the cache line of a row that a locked operation will write soon.
template <class Row>
inline void prefetch_row(const std::vector<Row>& rows, std::size_t row) {
  __builtin_prefetch(&rows[row], 1);
}

}  // namespace sim
