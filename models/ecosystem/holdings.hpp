#pragma once
// Results' holders as advance_results sees them: what a result needs of the lab or firm holding
// it, gathered per holder once a step, and what index_holdings sums per holder over its results.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/core/atomic_totals.hpp"

namespace models::ecosystem {

// What advance_results reads of a result's holder, per lab and per firm (32 bytes each).
struct HolderView {
  double funded;           // share of the holder's development need its budget covers
  double tacit_knowledge;  // log-odds bonus from researchers who moved in (talent mobility)
  double consortium_tie;   // share of consortium_bonus it gets: consortium_tie()
  std::int32_t region;
  std::uint8_t is_lead_firm, has_experts;
  std::uint8_t max_trl;  // its results advance below it: 9 for firms, lab_max_trl(...) for labs
};

struct HolderViews {
  std::vector<HolderView> labs, firms;
};

// How many rows ahead holder views are prefetched (enough misses in flight to cover memory
// latency at a few ns per row).
inline constexpr std::size_t kHolderLookahead = 16;

// What index_holdings sums per holder over its results (sim/core/atomic_totals.hpp): exact integer,
// fixed-point and maximum totals, one row per holder whatever the thread count, so the sums do not
// depend on the thread count.
struct FirmTotals {
  std::int64_t need = 0, product_value = 0;  // fixed point (sim::to_fixed)
  std::int32_t in_use = 0, commercializing = 0, patents = 0;
  double best_quality = -1e9;
};
struct LabTotals {
  std::int64_t need = 0;
};
// Kept from step to step for their memory.
struct HolderTotals {
  std::vector<FirmTotals> firms;
  std::vector<LabTotals> labs;
};

}  // namespace models::ecosystem
