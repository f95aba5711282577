// Intermediaries (seed 004): tech transfer offices and brokers that close lab-firm deals, expert
// services that help SMEs develop their results, incubators and maker spaces that take in new
// firms. Each is an agent with a region, a capacity per quarter, a fee and a ledger account; it is
// paid by fees and by matching_service instruments and spends its income on operations.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "models/ecosystem/draws.hpp"
#include "models/ecosystem/phases.hpp"
#include "models/ecosystem/stream_purposes.hpp"

namespace models::ecosystem {

// Part of "apply_policies": every lab is served by one transfer office of its region (by lab id,
// so a lab keeps its office); its matching multiplier is the office's strength, or
// `direct_match_share` where the region has no office, times its industry ties. Offices' capacity
// of the quarter is their own plus the slots of a matching_service of their region.
void assign_transfer_offices(const Parameters& p, const Labs& labs, Intermediaries& intermediaries,
                             LabIncentives& lab_incentives) {
  const std::size_t n_labs = labs.size();
  lab_incentives.office.assign(n_labs, -1);
  lab_incentives.match_mult.resize(n_labs);
  for (std::size_t i = 0; i < n_labs; ++i) {
    const auto& offices = intermediaries.offices_by_region[static_cast<std::size_t>(labs.region[i])];
    double strength = p.direct_match_share;
    if (!offices.empty()) {
      const std::uint32_t office = offices[labs.id(i) % offices.size()];
      lab_incentives.office[i] = static_cast<std::int32_t>(office);
      strength = intermediaries.strength[office];
    }
    lab_incentives.match_mult[i] = strength * (1.0 + p.mobility_match_effect * labs.industry_ties[i]);
  }
  for (std::size_t k = 0; k < intermediaries.size(); ++k) {
    intermediaries.served[k] = 0;
    intermediaries.effective_capacity[k] = intermediaries.capacity[k];
  }
}

// Phase "run_expert_services" — reads SMEs' development needs (index_holdings) and the expert-
// service instruments; SMEs developing results ask for experts (always when a matching_service for
// SMEs pays, otherwise with `expert_request_rate` at their own cost), are served in a random
// priority order (a draw per firm) by the region's expert services up to their capacity, and pay
// the fee (the instrument pays up to its payment_per_service_yuan of it). Writes firm_conditions_.has_experts
// (read by advance_results: `expert_service_bonus`) and the services' accounts.
void run_expert_services(const sim::PhaseContext& context, const Parameters& p, const Firms& firms,
                         const FirmIncentives& firm_incentives, const RegionPolicies& region_policies,
                         const FirmBudgets& firm_budgets, FirmConditions& firm_conditions,
                         const FirmIndex& firm_index, Intermediaries& intermediaries, Payments& payments,
                         Flows& flows) {
  const FixedAccounts& accounts = payments.accounts();
  firm_conditions.has_experts.assign(firms.size(), 0);
  struct Request {
    double priority;
    std::uint32_t firm;
  };
  std::vector<Request> requests;
  for (std::size_t r = 0; r < p.regions.size(); ++r) {
    const auto& services = intermediaries.experts_by_region[r];
    if (services.empty()) continue;
    requests.clear();
    for (const std::uint32_t f : firm_index.smes_by_region[r]) {
      if (firm_budgets.need[f] <= 0) continue;
      auto rng = context.rng(firms.id(f), kExpertRequestDraws);
      const double priority = rng.uniform();
      if (firm_incentives.expert_policy[f] < 0 && !rng.bernoulli(p.expert_request_rate)) continue;
      requests.push_back({priority, f});
    }
    std::stable_sort(requests.begin(), requests.end(),
                     [](const Request& a, const Request& b) { return a.priority < b.priority; });
    std::size_t next = 0;
    for (const std::uint32_t k : services) {
      while (intermediaries.served[k] < intermediaries.effective_capacity[k] && next < requests.size()) {
        const std::uint32_t f = requests[next++].firm;
        const double fee = intermediaries.fee_yuan[k] * intermediaries.price_level;
        // The first matching service for SMEs (declaration order) that targets the firm and still
        // has money pays its part of the fee (stacking).
        const std::int32_t policy =
            firm_incentives.expert_policy[f] < 0
                ? -1
                : first_funded(region_policies.matching[r], p, payments, [&](const PolicySpec& s) {
                    return s.agent_kind == kSme &&
                           targets(s, firms.region[f], firms.field[f], kSme, firms.tier[f], -1);
                  });
        double covered = 0;
        if (policy >= 0) {
          covered = std::min(
              {fee, p.policies[static_cast<std::size_t>(policy)].matching_service.payment_per_service_yuan,
               payments.balance(accounts.first_policy_account + policy)});
        }
        if (payments.balance(firms.account[f]) + 0.005 < fee - covered) continue;  // cannot pay: not served
        if (policy >= 0)
          payments.pay(accounts.first_policy_account + policy, intermediaries.account[k], covered);
        payments.pay_up_to(firms.account[f], intermediaries.account[k], fee - covered);
        intermediaries.served[k] += 1;
        firm_conditions.has_experts[f] = 1;
        flows.expert_firms_served += 1;
      }
    }
  }
  for (std::size_t k = 0; k < intermediaries.size(); ++k) {
    if (intermediaries.kind[k] == kExpertService)
      payments.pay(intermediaries.account[k], accounts.costs_sink,
                   payments.balance(intermediaries.account[k]));
  }
}

namespace {

// The first incubator_support instrument in declaration order that is active, targets `region` and
// holds money (stacking); -1 none.
std::int32_t incubator_support_for(const sim::PhaseContext& context, const Parameters& p,
                                   const Payments& payments, int region) {
  for (std::size_t k = 0; k < p.policies.size(); ++k) {
    const PolicySpec& policy = p.policies[k];
    const auto pk = static_cast<std::int32_t>(k);
    if (policy.type == PolicyType::incubator_support && is_active(policy, context.step) &&
        targets(policy, region, -1, -1, -1, -1) && has_money(payments, pk))
      return pk;
  }
  return -1;
}

// What an incubator place is worth to a founder: the survival it buys (the background exit hazard
// of a new firm, times incubated_exit_multiplier for incubation_quarters) times the firm's valuation
// at birth (what exit would lose: FirmBirths::spawn's valuation).
double founder_gain(const Parameters& p, double revenue_yuan) {
  const double quarters = static_cast<double>(p.incubation_quarters);
  const double survival_bought = std::pow(1.0 - p.sme_exit_rate * p.incubated_exit_multiplier, quarters) -
                                 std::pow(1.0 - p.sme_exit_rate, quarters);
  return survival_bought * p.valuation_revenue_multiple * 4.0 * revenue_yuan;
}

// The fee a founder pays for a place: the list fee, less the part of the instrument's payment that
// exceeds what the place's cost needs beyond the fee (so the incubator gets max(fee, cost) a place).
double founder_price(double fee, double cost, double payment) {
  const double gap = std::max(0.0, cost - fee);
  return fee - std::max(0.0, payment - gap);
}

}  // namespace

// Part of "update_firm_ladder": each incubator and maker space runs the places that money pays for.
// Poisson(`incubator_births_per_quarter`) would-be founders ask for a place. A place costs
// `incubator_place_cost_yuan` a quarter; the incubator runs it when the founder's fee and the
// payment of an incubator_support instrument of its region (payment_per_place_yuan, while it holds
// money) cover that cost, at most `incubator_capacity` places (all three in prices of step 0). The
// founder pays the list fee (`incubator_fee_yuan`), or less where the payment covers more of the
// cost than the fee leaves, and enters when the place is worth more to it than that (founder_gain);
// those who do not enter do not found (the firms founded on their own are sme_birth_rate's).
// Incubated firms have a lower exit hazard for `incubation_quarters` (update_firm_ladder).
// Incubators spend their income on operations.
void incubate_firms(const sim::PhaseContext& context, const Parameters& p, FirmBirths& firm_births,
                    Intermediaries& intermediaries, Payments& payments, Flows& flows) {
  const FixedAccounts& accounts = payments.accounts();
  Firms& firms = firm_births.firms;
  for (std::size_t k = 0; k < intermediaries.size(); ++k) {
    if (intermediaries.kind[k] != kIncubator) continue;
    flows.incubator_places += intermediaries.capacity[k];
    auto rng = context.rng(intermediaries.id(k), kIncubatorBirthsDraws);
    const std::int64_t candidates = poisson(rng, p.incubator_births_per_quarter);
    const double fee = intermediaries.fee_yuan[k] * intermediaries.price_level;
    const double cost = p.incubator_place_cost_yuan * intermediaries.price_level;
    for (std::int64_t c = 0; c < candidates && intermediaries.served[k] < intermediaries.capacity[k]; ++c) {
      const std::int32_t policy = incubator_support_for(context, p, payments, intermediaries.region[k]);
      const double payment =
          policy < 0
              ? 0.0
              : std::min(
                    {p.policies[static_cast<std::size_t>(policy)].incubator_support.payment_per_place_yuan *
                         intermediaries.price_level,
                     cost, payments.balance(accounts.first_policy_account + policy)});
      if (fee + payment + 0.005 < cost) break;  // the money does not pay for another place
      const double price = founder_price(fee, cost, payment);
      const int field = pick_field(p, rng);
      const double revenue = p.sme_revenue_yuan * 0.3 * std::exp(0.5 * rng.normal());
      if (founder_gain(p, revenue) < price) continue;  // the place is not worth its fee to this founder
      const std::size_t f = firm_births.spawn({kSme, intermediaries.region[k], field, revenue}, rng);
      payments.pay_up_to(firms.account[f], intermediaries.account[k], price);
      if (policy >= 0)
        payments.pay(accounts.first_policy_account + policy, intermediaries.account[k], payment);
      firms.incubated_until[f] = static_cast<std::int32_t>(context.step + p.incubation_quarters);
      intermediaries.served[k] += 1;
      flows.sme_births += 1;
      flows.incubator_births += 1;
    }
    payments.pay(intermediaries.account[k], accounts.costs_sink, payments.balance(intermediaries.account[k]));
  }
}

}  // namespace models::ecosystem
