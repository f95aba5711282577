// Pilot platforms (中试平台): capacity, fees, vouchers, verification, leaks.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "models/ecosystem/draws.hpp"
#include "models/ecosystem/ecosystem.hpp"
#include "sim/core/parallel.hpp"

namespace models::ecosystem {

// Phase "run_pilot_platforms" — reads pilot requests, platform capacity, fees and policy support;
// serves requests region by region in a random priority order drawn per result, each at the
// cheapest platform of its field (any platform of the region where none serves the field) with a
// free slot, where a user may balk at a fee above the one expected; moves fees (net of vouchers)
// and operator support; writes verification, TRL uplift, leaks and each platform's use.
void EcosystemModel::run_pilot_platforms(const sim::PhaseContext& context) {
  const std::size_t n_regions = p_.regions.size();
  p_effective_slots_.assign(platforms_.size(), 0);
  for (std::size_t k = 0; k < platforms_.size(); ++k) {
    p_served_[k] = 0;
    p_effective_slots_[k] = p_slots_[k];
    const std::int32_t capacity_policy = region_capacity_policy_[static_cast<std::size_t>(p_region_[k])];
    if (capacity_policy >= 0) {
      const auto& policy = p_.policies[static_cast<std::size_t>(capacity_policy)];
      // Capacity building is paid per added slot; no money, no slot.
      const double paid = pay_up_to(
          first_policy_account_ + capacity_policy, p_account_[k],
          policy.pilot_capacity.slot_cost_yuan * static_cast<double>(policy.pilot_capacity.added_slots));
      if (paid > 0 || policy.pilot_capacity.slot_cost_yuan == 0)
        p_effective_slots_[k] += policy.pilot_capacity.added_slots;
    }
    flows_.pilot_capacity += p_effective_slots_[k];
  }
  struct Request {
    double priority;
    std::uint32_t result;
  };
  // Requests are collected per chunk in parallel, then queued by region in result order.
  pilot_buffer_.begin(results_.size());
  sim::parallel_for_chunks(results_.size(), [&](const sim::Chunk& chunk) {
    auto& requests = pilot_buffer_.chunk(chunk);
    for (std::size_t i = chunk.begin; i != chunk.end; ++i) {
      if (!r_wants_pilot_[i] || r_dies_[i]) continue;
      const std::uint32_t o = r_owner_index_[i];
      const int region = r_owner_is_firm_[i] ? f_region_[o] : l_region_[o];
      auto rng = context.rng(results_.id(i), sim::purpose_id("pilot_priority"));
      requests.push_back({region, rng.uniform(), static_cast<std::uint32_t>(i)});
    }
  });
  std::vector<std::vector<Request>> by_region(n_regions);
  for (const auto& request : pilot_buffer_.gather())
    by_region[static_cast<std::size_t>(request.region)].push_back({request.priority, request.result});
  // A deterred share of users at the expected fee, d(fee) = fee / (fee + willingness).
  const auto deterred = [&](double fee) { return fee / (fee + p_.pilot_willingness_yuan); };
  for (std::size_t r = 0; r < n_regions; ++r) {
    // Requests beyond the region's free slots cannot be served (and leave no trace): stop there.
    std::int64_t free_slots = 0;
    for (std::size_t k = 0; k < platforms_.size(); ++k) {
      if (p_region_[k] == static_cast<std::int32_t>(r))
        free_slots += std::max<std::int64_t>(0, p_effective_slots_[k] - p_served_[k]);
    }
    if (free_slots == 0) continue;
    auto& requests = by_region[r];
    std::stable_sort(requests.begin(), requests.end(),
                     [](const Request& a, const Request& b) { return a.priority < b.priority; });
    for (const Request& request : requests) {
      if (free_slots == 0) break;
      const std::uint32_t i = request.result;
      const auto c = static_cast<std::size_t>(cell(static_cast<int>(r), r_field_[i]));
      // The cheapest platform of the result's field with a free slot; none: not served.
      std::int64_t chosen = -1;
      for (const std::uint32_t k : platforms_by_cell_[c]) {
        if (p_served_[k] < p_effective_slots_[k]) {
          chosen = k;
          break;
        }
      }
      if (chosen < 0) continue;
      const auto k = static_cast<std::size_t>(chosen);
      const std::int32_t voucher = rf_voucher_policy_[c];
      const double voucher_rate =
          voucher >= 0 ? p_.policies[static_cast<std::size_t>(voucher)].pilot_voucher.subsidy_share : 0.0;
      const double fee = p_fee_[k];
      // A user who asked at the expected fee balks at a dearer platform with the extra deterrence.
      const double expected = cell_expected_pilot_fee_[c] * (1.0 - voucher_rate);
      const double net = fee * (1.0 - voucher_rate);
      if (net > expected) {
        auto rng = context.rng(results_.id(i), sim::purpose_id("pilot_accept"));
        if (!rng.bernoulli((1.0 - deterred(net)) / (1.0 - deterred(expected)))) continue;
      }
      const std::uint32_t o = r_owner_index_[i];
      const bool firm = r_owner_is_firm_[i] != 0;
      const std::int64_t payer = firm ? f_account_[o] : l_account_[o];
      double covered = 0;
      if (voucher >= 0)
        covered = pay_up_to(first_policy_account_ + voucher, p_account_[k], fee * voucher_rate);
      // Labs pay from the development money they already spent: the platform is paid by the
      // regional government on their behalf (public platforms serve public labs).
      const double own =
          firm ? pay_up_to(payer, p_account_[k], fee - covered)
               : (pay(first_regional_budget_ + static_cast<std::int64_t>(r), p_account_[k], fee - covered),
                  fee - covered);
      if (covered + own + 0.01 < fee) continue;  // could not pay: not served
      p_served_[k] += 1;
      --free_slots;
      r_is_verified_[i] = 1;
      if (r_trl_[i] < 6) {
        r_trl_[i] = u8(r_trl_[i] + 1);
        r_stage_[i] = stage_of_trl(r_trl_[i]);
      }
      auto rng = context.rng(results_.id(i), sim::purpose_id("pilot_leak"));
      const double leak = p_.pilot_leak_risk * pilot_owner_effect(kPilotOwners[p_owner_[k]]).leak_factor;
      if (rng.bernoulli(std::min(1.0, leak))) r_quality_[i] -= p_.pilot_leak_penalty;
      const std::int32_t operator_policy = region_operator_policy_[r];
      if (operator_policy >= 0) {
        pay_up_to(first_policy_account_ + operator_policy, p_account_[k],
                  p_.policies[static_cast<std::size_t>(operator_policy)]
                      .pilot_operator_incentive.payment_per_pilot_yuan);
      }
    }
  }
  for (std::size_t k = 0; k < platforms_.size(); ++k) {
    flows_.pilot_served += p_served_[k];
    pay(p_account_[k], costs_sink_, balance(p_account_[k]));  // operating costs of the platform
  }
}

}  // namespace models::ecosystem
