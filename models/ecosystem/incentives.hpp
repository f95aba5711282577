#pragma once
// What the policy mix does in a quarter, beyond the per-agent incentives (LabIncentives,
// FirmIncentives): which instrument pays in each (region, field) cell and each region. Set each
// step by apply_policies. Also the targeting rules every phase applies to a PolicySpec.
#include <cstdint>
#include <vector>

#include "models/ecosystem/parameters.hpp"

namespace models::ecosystem {

// Whether an instrument targets an agent; -1 for a dimension the caller does not restrict.
inline bool targets(const PolicySpec& p, int region, int field, int kind, int tier, int stage) {
  if (p.region >= 0 && region >= 0 && p.region != region) return false;
  if (p.field >= 0 && field >= 0 && p.field != field) return false;
  if (p.agent_kind >= 0 && kind >= 0 && p.agent_kind != kind) return false;
  if (p.tier >= 0 && tier >= 0 && p.tier != tier) return false;
  if (p.stage >= 0 && stage >= 0 && p.stage != stage) return false;
  return true;
}

inline bool is_active(const PolicySpec& p, std::int64_t step) {
  return step >= p.start_step && step <= p.end_step;
}

// The index of a (region, field) cell: region-major.
struct CellIndex {
  int fields = 0;
  [[nodiscard]] int operator()(int region, int field) const { return region * fields + field; }
};

// Per (region, field) cell: the instrument paying pilot vouchers, first-unit insurance and
// procurement there, -1 none.
struct CellPolicies {
  std::vector<std::int32_t> voucher, insurance, procurement;
};

// Per region: pilot platforms' outreach (owner effect times an operator incentive's multiplier)
// and the instrument paying pilot operators, pilot capacity and transfer offices' deals, -1 none.
struct RegionPolicies {
  std::vector<double> outreach;
  std::vector<std::int32_t> pilot_operator, pilot_capacity, matching;
};

}  // namespace models::ecosystem
