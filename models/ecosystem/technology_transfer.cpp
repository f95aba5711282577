// Technology transfer: licences, assignments and spin-outs of lab results.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "models/ecosystem/draws.hpp"
#include "models/ecosystem/ecosystem.hpp"
#include "sim/core/parallel.hpp"

namespace models::ecosystem {

// Whether lab-held patented result i meets a firm this quarter, and which: a firm row, kSpinout
// for a spin-out, or -1 for no match. Reads only; called in parallel.
std::int64_t EcosystemModel::propose_deal(const sim::PhaseContext& context, std::size_t i,
                                          std::int64_t spinout) const {
  if (r_dies_[i] || r_owner_is_firm_[i] || r_ip_[i] != kPatented || r_trl_[i] < 2) return -1;
  const std::uint32_t o = r_owner_index_[i];
  auto rng = context.rng(results_.id(i));
  const double effort =
      l_kind_[o] == kUniversity ? p_.transfer_effort_university : p_.transfer_effort_institute;
  const bool member = l_consortium_[o] >= 0;
  double rate = p_.match_rate * effort * l_effort_mult_[o] * l_match_mult_[o] * 2.0 *
                logistic(r_quality_[i] + 0.3 * (r_trl_[i] - 3));
  if (member) rate *= p_.consortium_match_multiplier;
  if (!rng.bernoulli(std::min(1.0, rate))) return -1;
  if (rng.bernoulli(std::min(1.0, p_.spinout_rate * l_spinout_mult_[o]))) return spinout;
  if (member) {
    for (std::size_t f = 0; f < firms_.size(); ++f) {
      if (f_kind_[f] == kLeadFirm && f_consortium_[f] == l_consortium_[o])
        return static_cast<std::int64_t>(f);
    }
  }
  int region = l_region_[o];
  if (!rng.bernoulli(p_.same_region_preference))
    region = static_cast<int>(rng.uniform_below(p_.regions.size()));
  const auto& candidates = firms_by_cell_[static_cast<std::size_t>(cell(region, r_field_[i]))];
  if (candidates.empty()) return -1;
  return candidates[rng.uniform_below(candidates.size())];
}

// Phase "match_results" — technology transfer. Lab-held patented results meet firms with a
// probability set by the lab's transfer effort (evaluation regime, IP reform), its transfer
// office, matching services, industry ties, consortium ties and quality (proposals per result, in
// parallel); deals are resolved in result order: the lab's office closes deals up to its capacity
// (a saturated office lets matches wait), firms take results up to their capacity and cash, pay
// the fee (inventors get their share, the office its commission), or the result founds a spin-out.
void EcosystemModel::match_results(const sim::PhaseContext& context) {
  const std::size_t n = results_.size();
  constexpr std::int64_t kSpinout = -2;
  // A matched result proposes a deal with a target firm row (or a spin-out), per chunk; deals
  // are then resolved in result order.
  deal_buffer_.begin(n);
  sim::parallel_for_chunks(n, [&](const sim::Chunk& chunk) {
    auto& proposals = deal_buffer_.chunk(chunk);
    for (std::size_t i = chunk.begin; i != chunk.end; ++i) {
      const std::int64_t target = propose_deal(context, i, kSpinout);
      if (target != -1) proposals.push_back({static_cast<std::uint32_t>(i), target});
    }
  });
  std::vector<std::int32_t> taken(firms_.size(), 0);
  const std::size_t firms_before = firms_.size();
  for (const auto& [i, target] : deal_buffer_.gather()) {
    const std::uint32_t o = r_owner_index_[i];
    auto rng = context.rng(results_.id(i), sim::purpose_id("deal_terms"));
    const double fee = p_.licence_fee_yuan * std::exp(0.5 * r_quality_[i]);
    std::size_t firm = 0;
    std::int32_t kind = kLicence;
    // A saturated office lets the match wait (the result stays with the lab).
    const std::int32_t office = l_office_[o];
    if (target == kSpinout) {
      if (office >= 0 && i_served_[office] >= i_effective_capacity_[office]) continue;
      firm = spawn_firm(kSme, l_region_[o], r_field_[i], 0.25 * p_.sme_revenue_yuan, step_, rng);
      kind = kSpinout;
      flows_.spinouts += 1;
      flows_.sme_births += 1;
    } else {
      firm = static_cast<std::size_t>(target);
      const double capacity = p_.firm_deal_capacity * (f_kind_[firm] == kLeadFirm ? 5.0 : 1.0);
      if (firm >= firms_before || taken[firm] >= capacity) continue;
      if (balance(f_account_[firm]) < fee) continue;
      if (office >= 0 && i_served_[office] >= i_effective_capacity_[office]) continue;
      taken[firm] += 1;
      kind = rng.bernoulli(p_.assignment_share) ? kAssignment : kLicence;
      pay(f_account_[firm], l_account_[o], fee);
      pay(l_account_[o], inventors_sink_, fee * p_.inventor_share);
      if (office >= 0) pay(l_account_[o], i_account_[office], fee * i_commission_share_[office]);
    }
    r_owner_[i] = static_cast<std::int64_t>(firms_.id(firm));
    r_owner_is_firm_[i] = 1;
    r_ip_[i] = kind == kLicence ? kLicensed : kAssigned;
    r_is_shelved_[i] = 0;
    flows_.licences += 1;
    if (office >= 0) {
      i_served_[office] += 1;
      flows_.brokered_deals += 1;
      const std::int32_t matching = region_matching_policy_[static_cast<std::size_t>(l_region_[o])];
      if (matching >= 0) {
        pay_up_to(first_policy_account_ + matching, i_account_[office],
                  p_.policies[static_cast<std::size_t>(matching)].matching_service.payment_per_service_yuan);
      }
    }
    deal_ids_.push_back(next_deal_id_++);
    deals_.push_back({kind, static_cast<std::int64_t>(firms_.id(firm)),
                      static_cast<std::int64_t>(labs_.id(o)), static_cast<std::int64_t>(results_.id(i)),
                      kind == kSpinout ? 0.0 : fee});
  }
  // Offices spend their commissions and service fees on operations.
  for (std::size_t k = 0; k < intermediaries_.size(); ++k) {
    if (i_kind_[k] != kTransferOffice) continue;
    flows_.broker_capacity += i_effective_capacity_[k];
    pay(i_account_[k], costs_sink_, balance(i_account_[k]));
  }
}

}  // namespace models::ecosystem
