// Technology transfer: licences, assignments and spin-outs of lab results.
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

// Whether lab-held patented result i meets a firm this quarter, and which: a firm row, kSpinout
// for a spin-out, or -1 for no match. Reads only; called in parallel.
std::int64_t EcosystemModel::propose_deal(const sim::PhaseContext& context, std::size_t i,
                                          std::int64_t spinout) const {
  if (result_scratch_.dies[i] || results_.owner_is_firm[i] || results_.ip_status[i] != kPatented ||
      results_.trl[i] < 2)
    return -1;
  const std::uint32_t o = result_scratch_.owner_index[i];
  auto rng = context.rng(results_.id(i));
  const double effort =
      labs_.kind[o] == kUniversity ? p_.transfer_effort_university : p_.transfer_effort_institute;
  const bool member = labs_.consortium[o] >= 0;
  double rate = p_.match_rate * effort * lab_incentives_.effort_mult[o] * lab_incentives_.match_mult[o] *
                2.0 * logistic(results_.quality[i] + 0.3 * (results_.trl[i] - 3));
  if (member) rate *= p_.consortium_match_multiplier;
  if (!rng.bernoulli(std::min(1.0, rate))) return -1;
  if (rng.bernoulli(std::min(1.0, p_.spinout_rate * lab_incentives_.spinout_mult[o]))) return spinout;
  if (member) {
    for (std::size_t f = 0; f < firms_.size(); ++f) {
      if (firms_.kind[f] == kLeadFirm && firms_.consortium[f] == labs_.consortium[o])
        return static_cast<std::int64_t>(f);
    }
  }
  int region = labs_.region[o];
  if (!rng.bernoulli(p_.same_region_preference))
    region = static_cast<int>(rng.uniform_below(p_.regions.size()));
  const auto& candidates = firm_index_.by_cell[static_cast<std::size_t>(cell_(region, results_.field[i]))];
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
    const std::uint32_t o = result_scratch_.owner_index[i];
    auto rng = context.rng(results_.id(i), kDealTermsDraws);
    const double fee = p_.licence_fee_yuan * std::exp(0.5 * results_.quality[i]);
    std::size_t firm = 0;
    std::int32_t kind = kLicence;
    // A saturated office lets the match wait (the result stays with the lab).
    const std::int32_t office = lab_incentives_.office[o];
    if (target == kSpinout) {
      if (office >= 0 && intermediaries_.served[office] >= intermediaries_.effective_capacity[office])
        continue;
      firm = firm_births_.spawn(kSme, labs_.region[o], results_.field[i], 0.25 * p_.sme_revenue_yuan, rng);
      kind = kSpinout;
      flows_.spinouts += 1;
      flows_.sme_births += 1;
    } else {
      firm = static_cast<std::size_t>(target);
      const double capacity = p_.firm_deal_capacity * (firms_.kind[firm] == kLeadFirm ? 5.0 : 1.0);
      if (firm >= firms_before || taken[firm] >= capacity) continue;
      if (payments_.balance(firms_.account[firm]) < fee) continue;
      if (office >= 0 && intermediaries_.served[office] >= intermediaries_.effective_capacity[office])
        continue;
      taken[firm] += 1;
      kind = rng.bernoulli(p_.assignment_share) ? kAssignment : kLicence;
      payments_.pay(firms_.account[firm], labs_.account[o], fee);
      payments_.pay(labs_.account[o], accounts_.inventors_sink, fee * p_.inventor_share);
      if (office >= 0)
        payments_.pay(labs_.account[o], intermediaries_.account[office],
                      fee * intermediaries_.commission_share[office]);
    }
    results_.owner[i] = static_cast<std::int64_t>(firms_.id(firm));
    results_.owner_is_firm[i] = 1;
    results_.ip_status[i] = kind == kLicence ? kLicensed : kAssigned;
    results_.is_shelved[i] = 0;
    flows_.licences += 1;
    if (office >= 0) {
      intermediaries_.served[office] += 1;
      flows_.brokered_deals += 1;
      const std::int32_t matching = region_policies_.matching[static_cast<std::size_t>(labs_.region[o])];
      if (matching >= 0) {
        payments_.pay_up_to(accounts_.first_policy_account + matching, intermediaries_.account[office],
                            p_.policies[static_cast<std::size_t>(matching)].amount_yuan);
      }
    }
    events_.record_deal({kind, static_cast<std::int64_t>(firms_.id(firm)),
                         static_cast<std::int64_t>(labs_.id(o)), static_cast<std::int64_t>(results_.id(i)),
                         kind == kSpinout ? 0.0 : fee});
  }
  // Offices spend their commissions and service fees on operations.
  for (std::size_t k = 0; k < intermediaries_.size(); ++k) {
    if (intermediaries_.kind[k] != kTransferOffice) continue;
    flows_.broker_capacity += intermediaries_.effective_capacity[k];
    payments_.pay(intermediaries_.account[k], accounts_.costs_sink,
                  payments_.balance(intermediaries_.account[k]));
  }
}

}  // namespace models::ecosystem
