// Pilot platforms (中试平台): capacity, fees, vouchers, verification, leaks.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <stdexcept>

#include "models/ecosystem/draws.hpp"
#include "models/ecosystem/phases.hpp"
#include "models/ecosystem/stream_purposes.hpp"
#include "sim/core/parallel.hpp"

namespace models::ecosystem {

// The slots a pilot_capacity instrument adds to one platform this quarter: as many whole slots as
// its money pays for, at most `added_slots` (slot_cost_yuan is at least 1 yuan: no slot is free).
static std::int64_t buy_pilot_slots(const Parameters& p, std::int32_t policy_index,
                                    std::int64_t platform_account, Payments& payments) {
  const PilotCapacity& capacity = p.policies[static_cast<std::size_t>(policy_index)].pilot_capacity;
  const std::int64_t account = payments.accounts().first_policy_account + policy_index;
  const auto affordable =
      static_cast<std::int64_t>(std::floor(payments.balance(account) / capacity.slot_cost_yuan + 1e-9));
  const std::int64_t slots = std::min(capacity.added_slots, affordable);
  if (slots > 0)
    payments.pay(account, platform_account, capacity.slot_cost_yuan * static_cast<double>(slots));
  return std::max<std::int64_t>(0, slots);
}

// Whether none of rows i..i+7 asks for a pilot platform (one load for eight flags).
static bool no_request_in_eight(const std::vector<std::uint8_t>& wants_pilot, std::size_t i) {
  std::uint64_t flags = 0;
  std::memcpy(&flags, wants_pilot.data() + i, sizeof flags);
  return flags == 0;
}

// Phase "run_pilot_platforms" — reads pilot requests, platform capacity, fees and policy support;
// serves requests region by region in a random priority order drawn per result, each at the
// cheapest platform of its field (any platform of the region where none serves the field) with a
// free slot, where a user may balk at a fee above the one expected; moves fees (net of vouchers)
// and operator support; writes verification, TRL uplift, leaks and each platform's use.
void run_pilot_platforms(const sim::PhaseContext& context, const Parameters& p, Results& results,
                         const ResultScratch& result_scratch, const Labs& labs, const Firms& firms,
                         PilotPlatforms& platforms, const CellPolicies& cell_policies,
                         const RegionPolicies& region_policies,
                         sim::ProposalBuffer<PilotRequest>& pilot_buffer, Payments& payments, Flows& flows) {
  const FixedAccounts& accounts = payments.accounts();
  const CellIndex cell{static_cast<int>(p.fields.size())};
  const std::size_t n_regions = p.regions.size();
  platforms.effective_slots.assign(platforms.size(), 0);
  for (std::size_t k = 0; k < platforms.size(); ++k) {
    platforms.served[k] = 0;
    platforms.effective_slots[k] = platforms.slots[k];
    // Every capacity instrument of the region adds the slots its money buys (stacking).
    for (const std::int32_t capacity_policy :
         region_policies.pilot_capacity[static_cast<std::size_t>(platforms.region[k])])
      platforms.effective_slots[k] += buy_pilot_slots(p, capacity_policy, platforms.account[k], payments);
    flows.pilot_capacity += platforms.effective_slots[k];
  }
  struct Request {
    double priority;
    std::uint32_t result;
  };
  // Requests are collected per chunk in parallel, then queued by region in result order.
  pilot_buffer.begin(results.size());
  sim::parallel_for_chunks(results.size(), [&](const sim::Chunk& chunk) {
    auto& requests = pilot_buffer.chunk(chunk);
    for (std::size_t i = chunk.begin; i != chunk.end; ++i) {
      // Few results ask: skip eight rows without a request at a time.
      if (i + 8 <= chunk.end && no_request_in_eight(result_scratch.wants_pilot, i)) {
        i += 7;
        continue;
      }
      if (!result_scratch.wants_pilot[i] || result_scratch.dies[i]) continue;
      const std::uint32_t o = result_scratch.owner_index[i];
      const int region = results.owner_is_firm[i] ? firms.region[o] : labs.region[o];
      auto rng = context.rng(results.id(i), kPilotPriorityDraws);
      requests.push_back({region, rng.uniform(), static_cast<std::uint32_t>(i)});
    }
  });
  std::vector<std::vector<Request>> by_region(n_regions);
  for (const auto& request : pilot_buffer.gather())
    by_region[static_cast<std::size_t>(request.region)].push_back({request.priority, request.result});
  // A deterred share of users at the expected fee, d(fee) = fee / (fee + willingness).
  const auto deterred = [&](double fee) { return fee / (fee + p.pilot_willingness_yuan); };
  for (std::size_t r = 0; r < n_regions; ++r) {
    // Requests beyond the region's free slots cannot be served (and leave no trace): stop there.
    std::int64_t free_slots = 0;
    for (std::size_t k = 0; k < platforms.size(); ++k) {
      if (platforms.region[k] == static_cast<std::int32_t>(r))
        free_slots += std::max<std::int64_t>(0, platforms.effective_slots[k] - platforms.served[k]);
    }
    if (free_slots == 0) continue;
    auto& requests = by_region[r];
    // Served in priority order, ties in result order (the order of a stable sort by priority). Only
    // the first requests are served before the slots run out: they are taken off a heap one by one
    // instead of sorting all of them.
    const auto later = [](const Request& a, const Request& b) {
      return a.priority > b.priority || (a.priority == b.priority && a.result > b.result);
    };
    std::make_heap(requests.begin(), requests.end(), later);
    for (auto heap_end = requests.end(); heap_end != requests.begin() && free_slots != 0; --heap_end) {
      std::pop_heap(requests.begin(), heap_end, later);
      const Request& request = *(heap_end - 1);
      const std::uint32_t i = request.result;
      const auto c = static_cast<std::size_t>(cell(static_cast<int>(r), results.field[i]));
      // The cheapest platform of the result's field with a free slot; none: not served.
      std::int64_t chosen = -1;
      for (const std::uint32_t k : platforms.by_cell[c]) {
        if (platforms.served[k] < platforms.effective_slots[k]) {
          chosen = k;
          break;
        }
      }
      if (chosen < 0) continue;
      const auto k = static_cast<std::size_t>(chosen);
      // The first voucher of the cell (declaration order) that still has money pays (stacking).
      const std::int32_t voucher = first_funded(cell_policies.voucher[c], p, payments);
      const double voucher_rate =
          voucher >= 0 ? p.policies[static_cast<std::size_t>(voucher)].pilot_voucher.subsidy_share : 0.0;
      const double fee = platforms.fee[k];
      // A user who asked at the expected fee balks at a dearer platform with the extra deterrence.
      const double expected = platforms.expected_fee_by_cell[c] * (1.0 - voucher_rate);
      const double net = fee * (1.0 - voucher_rate);
      if (net > expected) {
        auto rng = context.rng(results.id(i), kPilotAcceptDraws);
        if (!rng.bernoulli((1.0 - deterred(net)) / (1.0 - deterred(expected)))) continue;
      }
      const std::uint32_t o = result_scratch.owner_index[i];
      const bool firm = results.owner_is_firm[i] != 0;
      const std::int64_t payer = firm ? firms.account[o] : labs.account[o];
      const double price = fee * platforms.price_level;  // what is paid: the fee at today's prices
      double covered = 0;
      if (voucher >= 0)
        covered = payments.pay_up_to(accounts.first_policy_account + voucher, platforms.account[k],
                                     price * voucher_rate);
      // Labs pay from the development money they already spent: the platform is paid by the
      // regional government on their behalf (public platforms serve public labs).
      const double own = firm ? payments.pay_up_to(payer, platforms.account[k], price - covered)
                              : (payments.pay(accounts.first_regional_budget + static_cast<std::int64_t>(r),
                                              platforms.account[k], price - covered),
                                 price - covered);
      if (covered + own + 0.01 < price) continue;  // could not pay: not served
      platforms.served[k] += 1;
      --free_slots;
      results.is_verified[i] = 1;
      if (results.trl[i] < 6) {
        results.trl[i] = u8(results.trl[i] + 1);
        results.stage[i] = stage_of_trl(results.trl[i]);
      }
      auto rng = context.rng(results.id(i), kPilotLeakDraws);
      const double leak =
          p.pilot_leak_risk * pilot_owner_effect(kPilotOwners[platforms.owner[k]]).leak_factor;
      if (rng.bernoulli(std::min(1.0, leak))) results.quality[i] -= p.pilot_leak_penalty;
      const std::int32_t operator_policy = first_funded(region_policies.pilot_operator[r], p, payments);
      if (operator_policy >= 0) {
        payments.pay_up_to(accounts.first_policy_account + operator_policy, platforms.account[k],
                           p.policies[static_cast<std::size_t>(operator_policy)]
                               .pilot_operator_incentive.payment_per_pilot_yuan);
      }
    }
  }
  for (std::size_t k = 0; k < platforms.size(); ++k) {
    flows.pilot_served += platforms.served[k];
    payments.pay(platforms.account[k], accounts.costs_sink,
                 payments.balance(platforms.account[k]));  // operating costs of the platform
  }
}

}  // namespace models::ecosystem
