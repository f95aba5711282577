// Concept-verification centres (概念验证中心, seed 004): verification of results at TRL 3.
#include "models/ecosystem/concept_verification.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "models/ecosystem/draws.hpp"
#include "models/ecosystem/incentives.hpp"
#include "models/ecosystem/stream_purposes.hpp"

namespace models::ecosystem {

void create_concept_verification_centres(const Parameters& p, ConceptVerificationCentres& centres,
                                         sim::Ledger& ledger) {
  for (std::size_t r = 0; r < p.regions.size(); ++r) {
    const RegionSpec& region = p.regions[r];
    const auto owner = static_cast<std::uint8_t>(std::find(kConceptVerificationOwners.begin(),
                                                           kConceptVerificationOwners.end(),
                                                           region.concept_verification_owner) -
                                                 kConceptVerificationOwners.begin());
    for (std::int64_t k = 0; k < region.concept_verification_centres; ++k) {
      centres.region.push_back(static_cast<std::int32_t>(r));
      centres.owner.push_back(owner < kConceptVerificationOwners.size() ? owner : 0);
      centres.account.push_back(static_cast<std::int64_t>(
          ledger.open_account({fmt::format("concept-verification centre {} of {}", k, region.name),
                               sim::AccountKind::holding, false})));
      centres.served.push_back(0);
    }
  }
}

// Where an owner's money comes from: a government centre from the regional budget, a university's
// from the national science budget (universities' appropriations), a lead firm's from its
// shareholders (private capital).
static std::int64_t owner_source(const FixedAccounts& accounts, std::uint8_t owner, std::int32_t region) {
  if (owner == 1) return static_cast<std::int64_t>(accounts.government_budget);
  if (owner == 2) return static_cast<std::int64_t>(accounts.private_capital);
  return accounts.first_regional_budget + region;
}

// What a holder expects a verification to save: the cost of crossing TRL 3 -> 4 on its own, one
// attempt's cost over the chance an attempt at mean quality succeeds (labs carry their capacity
// penalty). Holders do not know their result's quality; that is what the centre finds out.
static double expected_gain(const Parameters& p, const StepCosts& step_costs, int field, bool firm) {
  const double z = p.success_intercept_development - (firm ? 0.0 : p.lab_capacity_penalty);
  return step_costs(3, field) / logistic(z);
}

// The first concept_verification_fund targeting `region` that is active and holds money (stacking
// as for vouchers: declaration order), -1 none.
static std::int32_t paying_fund(const Parameters& p, std::int64_t step, std::int32_t region,
                                const Payments& payments) {
  for (std::size_t k = 0; k < p.policies.size(); ++k) {
    const PolicySpec& policy = p.policies[k];
    if (policy.type != PolicyType::concept_verification_fund || !is_active(policy, step)) continue;
    if (policy.region >= 0 && policy.region != region) continue;
    if (has_money(payments, static_cast<std::int32_t>(k))) return static_cast<std::int32_t>(k);
  }
  return -1;
}

namespace {
struct Request {
  std::int32_t region;
  double priority;
  std::uint32_t result;
};
}  // namespace

// The holders' decisions: each result at TRL 3 whose holder is alive asks with the request rate
// times the share of the expected gain the fee leaves (none when the fee is at least the gain).
static std::vector<Request> collect_requests(const sim::PhaseContext& context, const Parameters& p,
                                             const Results& results, const ResultScratch& result_scratch,
                                             const Labs& labs, const Firms& firms,
                                             const StepCosts& step_costs) {
  std::vector<Request> requests;
  const double fee = p.concept_verification_fee_yuan * step_costs.level();
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results.trl[i] != 3 || result_scratch.dies[i] || results.is_shelved[i]) continue;
    const bool firm = results.owner_is_firm[i] != 0;
    const double gain = expected_gain(p, step_costs, results.field[i], firm);
    const double want = p.concept_verification_request_rate * std::max(0.0, 1.0 - fee / gain);
    auto rng = context.rng(results.id(i), kConceptVerificationDraws);
    if (!rng.bernoulli(want)) continue;
    const std::uint32_t o = result_scratch.owner_index[i];
    requests.push_back(
        {firm ? firms.region[o] : labs.region[o], rng.uniform(), static_cast<std::uint32_t>(i)});
  }
  std::stable_sort(requests.begin(), requests.end(), [](const Request& a, const Request& b) {
    return a.region != b.region ? a.region < b.region : a.priority < b.priority;
  });
  return requests;
}

// The first centre of `region` with capacity left, -1 none.
static std::int64_t free_centre(const Parameters& p, const ConceptVerificationCentres& centres,
                                std::int32_t region) {
  for (std::size_t k = 0; k < centres.size(); ++k)
    if (centres.region[k] == region && centres.served[k] < p.concept_verification_capacity)
      return static_cast<std::int64_t>(k);
  return -1;
}

void verify_concepts(const sim::PhaseContext& context, const Parameters& p, Results& results,
                     ResultScratch& result_scratch, const Labs& labs, const Firms& firms,
                     const StepCosts& step_costs, ConceptVerificationCentres& centres, Payments& payments,
                     Events& events, Flows& flows) {
  if (centres.size() == 0) return;  // no centre: no draw, no payment
  const FixedAccounts& accounts = payments.accounts();
  const double level = step_costs.level();
  const double fee = p.concept_verification_fee_yuan * level;
  const double cost = p.concept_verification_cost_yuan * level;
  for (std::size_t k = 0; k < centres.size(); ++k) {
    centres.served[k] = 0;
    if (context.step >= 1)  // owners fund centres from the first policy quarter, not in the spin-up
      payments.pay(owner_source(accounts, centres.owner[k], centres.region[k]), centres.account[k],
                   p.concept_verification_owner_budget_yuan * level);
  }
  for (const Request& request :
       collect_requests(context, p, results, result_scratch, labs, firms, step_costs)) {
    flows.concept_verification_requests += 1;
    const std::int64_t k = free_centre(p, centres, request.region);
    if (k < 0) continue;  // the region's capacity is used up this quarter
    const auto c = static_cast<std::size_t>(k);
    const std::uint32_t i = request.result;
    const std::uint32_t o = result_scratch.owner_index[i];
    const std::int64_t holder = results.owner_is_firm[i] ? firms.account[o] : labs.account[o];
    if (payments.balance(holder) < fee) continue;  // the holder cannot pay the fee
    const std::int32_t fund = paying_fund(p, context.step, request.region, payments);
    const double subsidy = fund < 0
                               ? 0.0
                               : std::min(payments.balance(accounts.first_policy_account + fund),
                                          p.policies[static_cast<std::size_t>(fund)]
                                                  .concept_verification_fund.subsidy_per_verification_yuan *
                                              level);
    // The centre's decision: it verifies only when fee, subsidy and its own money cover the cost.
    if (fee + subsidy + payments.balance(centres.account[c]) + 0.005 < cost) continue;
    payments.pay(holder, centres.account[c], fee);
    if (subsidy > 0) payments.pay(accounts.first_policy_account + fund, centres.account[c], subsidy);
    payments.pay_up_to(centres.account[c], accounts.costs_sink, cost);
    centres.served[c] += 1;
    flows.concept_verifications += 1;
    const std::uint8_t from_stage = results.stage[i];
    if (results.quality[i] < p.concept_verification_quality_threshold) {
      // Revealed weak: dropped now, before its holder spends more on it.
      result_scratch.dies[i] = 1;
      flows.concept_verification_drops += 1;
      events.transitions.push_back({results.id(i), from_stage, kDeadStage, results.trl[i], results.origin[i],
                                    results.field[i], results.is_verified[i]});
      continue;
    }
    results.trl[i] = 4;
    results.stage[i] = stage_of_trl(4);
    events.transitions.push_back({results.id(i), from_stage, results.stage[i], results.trl[i],
                                  results.origin[i], results.field[i], results.is_verified[i]});
  }
}

}  // namespace models::ecosystem
