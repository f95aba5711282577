// Markets and production: demand, adoption, revenue, costs, taxes; the firm ladder and demography.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <utility>

#include "models/ecosystem/draws.hpp"
#include "models/ecosystem/ecosystem.hpp"
#include "models/ecosystem/stream_purposes.hpp"
#include "sim/parallel.hpp"

namespace models::ecosystem {

// Phase "produce_and_sell" — field demand grows and adoption of new products diffuses (Bass);
// firms sell their existing business (with productivity gains of the results they use) and
// their new products, receive procurement, pay operating costs and taxes (super-deduction),
// repay repayable grants and pay out excess cash. An SME that cannot cover its costs is
// distressed and exits in update_firm_ladder.
void EcosystemModel::produce_and_sell(const sim::PhaseContext& context) {
  for (std::size_t f = 0; f < p_.fields.size(); ++f) {
    markets_.demand_index[f] *= 1.0 + markets_.demand_growth[f];
    const double a = markets_.adoption[f];
    markets_.adoption[f] =
        std::min(1.0, a + (p_.adoption_innovation + p_.adoption_imitation * a) * (1.0 - a));
  }
  // Procurement: each active (region, field) cell buys from firms with results in use.
  std::vector<double> procurement_weight(firms_.size(), 0.0);
  for (std::size_t k = 0; k < p_.policies.size(); ++k) {
    const auto& policy = p_.policies[k];
    if (policy.type != PolicyType::procurement || !is_active(policy, step_)) continue;
    double total = 0;
    for (std::size_t i = 0; i < firms_.size(); ++i) {
      if (firms_.results_in_use[i] > 0 &&
          targets(policy, firms_.region[i], firms_.field[i], firms_.kind[i], firms_.tier[i], -1)) {
        total += firms_.results_in_use[i];
      }
    }
    if (total <= 0) continue;
    for (std::size_t i = 0; i < firms_.size(); ++i) {
      if (firms_.results_in_use[i] > 0 &&
          targets(policy, firms_.region[i], firms_.field[i], firms_.kind[i], firms_.tier[i], -1)) {
        const double bought =
            payments_.pay_up_to(accounts_.first_policy_account + static_cast<std::int64_t>(k),
                                firms_.account[i], policy.amount_yuan * firms_.results_in_use[i] / total);
        flows_.procurement_spend += bought;
        procurement_weight[i] += bought;
      }
    }
  }
  // Repayable grants go back to the first such policy's account.
  std::int64_t repayable_account = -1;
  for (std::size_t k = 0; k < p_.policies.size() && repayable_account < 0; ++k) {
    if (p_.policies[k].type == PolicyType::repayable_grant)
      repayable_account = accounts_.first_policy_account + static_cast<std::int64_t>(k);
  }
  // Firms trade in parallel: each chunk pays from and into its firms' own accounts and the shared
  // market, sinks and treasury (sim/ledger_batch.hpp); value added (and any government spending)
  // is summed per chunk and added in chunk order.
  std::vector<std::pair<double, double>> chunk_sums(sim::chunk_count(firms_.size()), {0.0, 0.0});
  sim::parallel_for_chunks(firms_.size(), [&](const sim::Chunk& chunk) {
    auto payments = payments_.chunk();
    auto& [value_added, government_spending] = chunk_sums[chunk.index];
    for (std::size_t i = chunk.begin; i != chunk.end; ++i)
      value_added += sell_and_pay(payments, context, i, procurement_weight[i], repayable_account);
    payments.ledger.commit();
    government_spending = payments.government_spending;
  });
  for (const auto& [value_added, government_spending] : chunk_sums) {
    flows_.value_added += value_added;
    flows_.government_spending += government_spending;
  }
  // The treasury spends what it collects (public consumption).
  payments_.pay(accounts_.government, accounts_.costs_sink, payments_.balance(accounts_.government));
}

// One firm's quarter of trade (produce_and_sell): sales of its existing business and new
// products, operating costs, taxes, repayment of a repayable grant and the payout of excess cash.
// Returns the firm's value added.
double EcosystemModel::sell_and_pay(ChunkPayments& payments, const sim::PhaseContext& context, std::size_t i,
                                    double procurement, std::int64_t repayable_account) {
  auto rng = context.rng(firms_.id(i));
  const auto field = static_cast<std::size_t>(firms_.field[i]);
  if (firms_.kind[i] == kSme) firms_.base_revenue[i] *= std::exp(p_.sme_growth_sigma * rng.normal());
  const double shock =
      std::exp(p_.revenue_shock_sigma * rng.normal() - 0.5 * p_.revenue_shock_sigma * p_.revenue_shock_sigma);
  const double productivity = 1.0 + p_.productivity_gain_per_result * std::min(20, firms_.results_in_use[i]);
  const double revenue = firms_.base_revenue[i] * markets_.demand_index[field] * shock * productivity +
                         firm_holdings_.product_value[i] * markets_.demand_index[field];
  payments_.pay(payments, accounts_.market, firms_.account[i], revenue);
  const double total_revenue = revenue + procurement;
  firms_.revenue[i] = total_revenue;
  firms_.employees[i] = total_revenue / p_.revenue_per_employee_yuan;
  const double costs = (1.0 - firms_.margin[i]) * total_revenue;
  const double paid = payments_.pay_up_to(payments, firms_.account[i], accounts_.costs_sink, costs);
  if (paid + 0.01 < costs) firm_conditions_.is_distressed[i] = firms_.kind[i] == kSme ? 1 : 0;
  const double profit =
      firms_.margin[i] * total_revenue - firms_.rd_spending[i] * (1.0 + firm_incentives_.deduction[i]);
  if (profit > 0)
    payments_.pay_up_to(payments, firms_.account[i], accounts_.government, p_.tax_rate * profit);
  if (firms_.repayable_grant[i] > 0 && firms_.kind[i] == kSme &&
      firms_.revenue[i] >= p_.tier_revenue_yuan[0] && repayable_account >= 0) {
    const double back =
        payments_.pay_up_to(payments, firms_.account[i], repayable_account,
                            std::min(firms_.repayable_grant[i], 0.25 * firms_.repayable_grant[i] + 1.0));
    firms_.repayable_grant[i] -= back;
  }
  const double target = p_.cash_target_quarters * std::max(total_revenue * std::abs(firms_.margin[i]),
                                                           p_.sme_seed_capital_yuan * 0.5) +
                        firms_.loan[i] + firms_.thematic_bond[i];
  const double cash = payments_.balance(payments, firms_.account[i]);
  if (cash > target)
    payments_.pay(payments, firms_.account[i], accounts_.payout_sink, p_.payout_share * (cash - target));
  return p_.value_added_share * total_revenue;
}

// Phase "update_firm_ladder" — SMEs climb tiers when their revenue qualifies (VC funds exit at
// unicorn), exit when distressed or by background hazard (loans default, the risk pool pays its
// share), and new SMEs enter, on their own and through incubators (incubate_firms).
void EcosystemModel::update_firm_ladder(const sim::PhaseContext& context) {
  const std::size_t n = firms_.size();
  // Each SME decides in parallel (its own random stream); the payments of VC exits and of exits
  // then follow in firm order, as they move money between firms, funds, banks and the pool.
  enum : std::uint8_t { kVcExit = 1, kExit = 2 };
  std::vector<std::uint8_t> actions(n, 0);
  sim::parallel_for_each_index(n, [&](std::size_t i) {
    if (firms_.kind[i] != kSme) return;
    auto rng = context.rng(firms_.id(i));
    const int tier = firms_.tier[i];
    if (tier < kTiers - 1 && firms_.revenue[i] >= p_.tier_revenue_yuan[static_cast<std::size_t>(tier)] &&
        rng.bernoulli(p_.tier_promotion_rate)) {
      firms_.tier[i] = tier + 1;
      if (firms_.tier[i] >= 3 && firms_.vc_fund[i] >= 0) actions[i] |= kVcExit;
    }
    const double hazard = p_.sme_exit_rate * (tier == 0 ? 1.0 : 0.5);
    if (firm_conditions_.is_distressed[i] || rng.bernoulli(hazard)) actions[i] |= kExit;
  });
  for (std::size_t i = 0; i < n; ++i) {
    if (actions[i] & kVcExit) {
      const auto fund = funds_.index_of(static_cast<sim::AgentId>(firms_.vc_fund[i]));
      if (fund)
        payments_.pay(accounts_.private_capital, funds_.account[*fund],
                      3.0 * firms_.vc_invested[i]);  // exit proceeds from acquirers
      firms_.vc_fund[i] = -1;
    }
    if (actions[i] & kExit) exit_firm(i, step_);
  }
  firms_.remove_marked();
  for (std::size_t r = 0; r < p_.regions.size(); ++r) {
    auto rng = context.rng(r, kSmeBirthsDraws);
    const std::int64_t births =
        poisson(rng, p_.sme_birth_rate * static_cast<double>(firm_index_.smes_by_region[r].size()));
    for (std::int64_t b = 0; b < births; ++b) {
      const int field = pick_field(p_, rng);
      firm_births_.spawn(kSme, static_cast<int>(r), field,
                         p_.sme_revenue_yuan * 0.3 * std::exp(0.5 * rng.normal()), rng);
      flows_.sme_births += 1;
    }
  }
  incubate_firms(context);
  for (std::size_t i = 0; i < firms_.size(); ++i) firms_.cash[i] = payments_.balance(firms_.account[i]);
}

}  // namespace models::ecosystem
