#pragma once
// What the policy mix does in a quarter, beyond the per-agent incentives (LabIncentives,
// FirmIncentives): which instruments pay in each (region, field) cell and each region. Set each
// step by apply_policies. Also the targeting and stacking rules every phase applies to a PolicySpec.
#include <cstdint>
#include <vector>

#include "models/ecosystem/parameters.hpp"
#include "models/ecosystem/payments.hpp"

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

// A consortium's id: its instrument in the high 32 bits, its number within the instrument in the
// low ones, so ids of different instruments never collide.
inline std::int64_t consortium_id(std::size_t policy, std::int64_t number) {
  return (static_cast<std::int64_t>(policy) << 32) + number;
}
// The instrument of a consortium id (>= 0).
inline std::int32_t consortium_policy(std::int64_t id) { return static_cast<std::int32_t>(id >> 32); }

// The share of its consortium's tie (consortium_bonus, and consortium_match_multiplier's excess over 1)
// a member gets: all of it in the core layer (紧密合作层), general_layer_weight in the general layer
// (一般协作层), none outside a consortium (id -1).
inline double consortium_tie(const Parameters& p, std::int64_t id, std::uint8_t general) {
  if (id < 0) return 0.0;
  if (general == 0) return 1.0;
  return p.policies[static_cast<std::size_t>(consortium_policy(id))].consortium.general_layer_weight;
}
// The matching multiplier of a member lab with its lead firm: the full one in the core layer (kept
// exact so that all-core consortia give the same numbers as before the layers), a share of its excess
// over 1 in the general layer.
inline double consortium_match(const Parameters& p, std::int64_t id, std::uint8_t general) {
  if (general == 0) return p.consortium_match_multiplier;
  return 1.0 + consortium_tie(p, id, general) * (p.consortium_match_multiplier - 1.0);
}

// The index of a (region, field) cell: region-major.
struct CellIndex {
  int fields = 0;
  [[nodiscard]] int operator()(int region, int field) const { return region * fields + field; }
};

// The instruments of one type acting in a cell or a region this quarter, in declaration order.
// Stacking (docs/MODEL.md, "Stacking"): each instrument acts on its own targets with its own
// budget; what several of them could pay for one beneficiary is paid by the first in declaration
// order that targets it and still holds money (first_funded), on its own terms.
using InstrumentStack = std::vector<std::int32_t>;

// Empties every stack, keeping their memory (they are refilled every quarter).
inline void reset_stacks(std::vector<InstrumentStack>& stacks, std::size_t count) {
  for (auto& stack : stacks) stack.clear();
  stacks.resize(count);
}

// Whether instrument `policy`'s account holds money now.
inline bool has_money(const Payments& payments, std::int32_t policy) {
  return payments.balance(payments.accounts().first_policy_account + policy) > 0;
}

// The first instrument of `stack` that `is_eligible(policy spec)` accepts and that still holds
// money; -1 none.
template <class Eligible>
std::int32_t first_funded(const InstrumentStack& stack, const Parameters& p, const Payments& payments,
                          Eligible&& is_eligible) {
  for (const std::int32_t k : stack) {
    if (is_eligible(p.policies[static_cast<std::size_t>(k)]) && has_money(payments, k)) return k;
  }
  return -1;
}
inline std::int32_t first_funded(const InstrumentStack& stack, const Parameters& p,
                                 const Payments& payments) {
  return first_funded(stack, p, payments, [](const PolicySpec&) { return true; });
}

// Per (region, field) cell: the pilot vouchers there (a stack); the instrument insuring first units
// there this quarter (the first in declaration order that held money at its start), -1 none; and
// the last procurement instrument declared there, -1 none.
struct CellPolicies {
  std::vector<InstrumentStack> voucher;
  std::vector<std::int32_t> insurance, procurement;
};

// Per region: pilot platforms' outreach (owner effect times the multipliers of the operator
// incentives that hold money) and the instruments paying pilot operators, pilot capacity and
// transfer offices' deals and SMEs' expert services (matching_service).
struct RegionPolicies {
  std::vector<double> outreach;
  std::vector<InstrumentStack> pilot_operator, pilot_capacity, matching;
};

}  // namespace models::ecosystem
