// Pilot platforms (中试平台): capacity, fees, vouchers, verification, leaks.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "models/ecosystem/draws.hpp"
#include "models/ecosystem/ecosystem.hpp"
#include "models/ecosystem/stream_purposes.hpp"
#include "sim/parallel.hpp"

namespace models::ecosystem {

// Phase "run_pilot_platforms" — reads pilot requests, platform capacity, fees and policy support;
// serves requests region by region in a random priority order drawn per result, each at the
// cheapest platform of its field (any platform of the region where none serves the field) with a
// free slot, where a user may balk at a fee above the one expected; moves fees (net of vouchers)
// and operator support; writes verification, TRL uplift, leaks and each platform's use.
void EcosystemModel::run_pilot_platforms(const sim::PhaseContext& context) {
  const std::size_t n_regions = p_.regions.size();
  platforms_.effective_slots.assign(platforms_.size(), 0);
  for (std::size_t k = 0; k < platforms_.size(); ++k) {
    platforms_.served[k] = 0;
    platforms_.effective_slots[k] = platforms_.slots[k];
    const std::int32_t capacity_policy =
        region_policies_.pilot_capacity[static_cast<std::size_t>(platforms_.region[k])];
    if (capacity_policy >= 0) {
      const auto& policy = p_.policies[static_cast<std::size_t>(capacity_policy)];
      // Capacity building is paid per added slot; no money, no slot.
      const double paid =
          payments_.pay_up_to(accounts_.first_policy_account + capacity_policy, platforms_.account[k],
                              policy.amount_yuan * static_cast<double>(policy.slots));
      if (paid > 0 || policy.amount_yuan == 0) platforms_.effective_slots[k] += policy.slots;
    }
    flows_.pilot_capacity += platforms_.effective_slots[k];
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
      if (!result_scratch_.wants_pilot[i] || result_scratch_.dies[i]) continue;
      const std::uint32_t o = result_scratch_.owner_index[i];
      const int region = results_.owner_is_firm[i] ? firms_.region[o] : labs_.region[o];
      auto rng = context.rng(results_.id(i), kPilotPriorityDraws);
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
      if (platforms_.region[k] == static_cast<std::int32_t>(r))
        free_slots += std::max<std::int64_t>(0, platforms_.effective_slots[k] - platforms_.served[k]);
    }
    if (free_slots == 0) continue;
    auto& requests = by_region[r];
    std::stable_sort(requests.begin(), requests.end(),
                     [](const Request& a, const Request& b) { return a.priority < b.priority; });
    for (const Request& request : requests) {
      if (free_slots == 0) break;
      const std::uint32_t i = request.result;
      const auto c = static_cast<std::size_t>(cell_(static_cast<int>(r), results_.field[i]));
      // The cheapest platform of the result's field with a free slot; none: not served.
      std::int64_t chosen = -1;
      for (const std::uint32_t k : platforms_.by_cell[c]) {
        if (platforms_.served[k] < platforms_.effective_slots[k]) {
          chosen = k;
          break;
        }
      }
      if (chosen < 0) continue;
      const auto k = static_cast<std::size_t>(chosen);
      const std::int32_t voucher = cell_policies_.voucher[c];
      const double voucher_rate =
          voucher >= 0 ? std::min(1.0, p_.policies[static_cast<std::size_t>(voucher)].rate) : 0.0;
      const double fee = platforms_.fee[k];
      // A user who asked at the expected fee balks at a dearer platform with the extra deterrence.
      const double expected = platforms_.expected_fee_by_cell[c] * (1.0 - voucher_rate);
      const double net = fee * (1.0 - voucher_rate);
      if (net > expected) {
        auto rng = context.rng(results_.id(i), kPilotAcceptDraws);
        if (!rng.bernoulli((1.0 - deterred(net)) / (1.0 - deterred(expected)))) continue;
      }
      const std::uint32_t o = result_scratch_.owner_index[i];
      const bool firm = results_.owner_is_firm[i] != 0;
      const std::int64_t payer = firm ? firms_.account[o] : labs_.account[o];
      double covered = 0;
      if (voucher >= 0)
        covered = payments_.pay_up_to(accounts_.first_policy_account + voucher, platforms_.account[k],
                                      fee * voucher_rate);
      // Labs pay from the development money they already spent: the platform is paid by the
      // regional government on their behalf (public platforms serve public labs).
      const double own = firm ? payments_.pay_up_to(payer, platforms_.account[k], fee - covered)
                              : (payments_.pay(accounts_.first_regional_budget + static_cast<std::int64_t>(r),
                                               platforms_.account[k], fee - covered),
                                 fee - covered);
      if (covered + own + 0.01 < fee) continue;  // could not pay: not served
      platforms_.served[k] += 1;
      --free_slots;
      results_.is_verified[i] = 1;
      if (results_.trl[i] < 6) {
        results_.trl[i] = u8(results_.trl[i] + 1);
        results_.stage[i] = stage_of_trl(results_.trl[i]);
      }
      auto rng = context.rng(results_.id(i), kPilotLeakDraws);
      const double leak =
          p_.pilot_leak_risk * pilot_owner_effect(kPilotOwners[platforms_.owner[k]]).leak_factor;
      if (rng.bernoulli(std::min(1.0, leak))) results_.quality[i] -= p_.pilot_leak_penalty;
      const std::int32_t operator_policy = region_policies_.pilot_operator[r];
      if (operator_policy >= 0) {
        payments_.pay_up_to(accounts_.first_policy_account + operator_policy, platforms_.account[k],
                            p_.policies[static_cast<std::size_t>(operator_policy)].amount_yuan);
      }
    }
  }
  for (std::size_t k = 0; k < platforms_.size(); ++k) {
    flows_.pilot_served += platforms_.served[k];
    payments_.pay(platforms_.account[k], accounts_.costs_sink,
                  payments_.balance(platforms_.account[k]));  // operating costs of the platform
  }
}

}  // namespace models::ecosystem
