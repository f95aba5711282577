// Markets and production: demand, adoption, revenue, costs, taxes; the firm ladder and demography.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <utility>

#include "models/ecosystem/draws.hpp"
#include "models/ecosystem/phases.hpp"
#include "models/ecosystem/stream_purposes.hpp"
#include "sim/core/parallel.hpp"

namespace models::ecosystem {

// One firm's quarter of trade (below).
static double sell_and_pay(const sim::PhaseContext& context, const Parameters& p, const FieldMarkets& markets,
                           Firms& firms, const FirmIncentives& firm_incentives,
                           const FirmHoldings& firm_holdings, FirmConditions& firm_conditions,
                           const Payments& payments, ChunkPayments& chunk_payments, std::size_t i,
                           double procurement, std::int64_t repayable_account);

// Phase "produce_and_sell" — field demand grows and adoption of new products diffuses (Bass);
// firms sell their existing business (with productivity gains of the results they use) and
// their new products, receive procurement, pay operating costs and taxes (super-deduction),
// repay repayable grants and pay out excess cash. An SME that cannot cover its costs is
// distressed and exits in update_firm_ladder.
void produce_and_sell(const sim::PhaseContext& context, const Parameters& p, FieldMarkets& markets,
                      Firms& firms, const FirmIncentives& firm_incentives, const FirmHoldings& firm_holdings,
                      FirmConditions& firm_conditions, Payments& payments, Flows& flows) {
  const FixedAccounts& accounts = payments.accounts();
  for (std::size_t f = 0; f < p.fields.size(); ++f) {
    markets.demand_index[f] *= 1.0 + markets.demand_growth[f];
    const double a = markets.adoption[f];
    markets.adoption[f] = std::min(1.0, a + (p.adoption_innovation + p.adoption_imitation * a) * (1.0 - a));
  }
  // Procurement: each active (region, field) cell buys from firms with results in use.
  std::vector<double> procurement_weight(firms.size(), 0.0);
  for (std::size_t k = 0; k < p.policies.size(); ++k) {
    const auto& policy = p.policies[k];
    if (policy.type != PolicyType::procurement || !is_active(policy, context.step)) continue;
    double total = 0;
    for (std::size_t i = 0; i < firms.size(); ++i) {
      if (firms.results_in_use[i] > 0 &&
          targets(policy, firms.region[i], firms.field[i], firms.kind[i], firms.tier[i], -1)) {
        total += firms.results_in_use[i];
      }
    }
    if (total <= 0) continue;
    for (std::size_t i = 0; i < firms.size(); ++i) {
      if (firms.results_in_use[i] > 0 &&
          targets(policy, firms.region[i], firms.field[i], firms.kind[i], firms.tier[i], -1)) {
        const double bought =
            payments.pay_up_to(accounts.first_policy_account + static_cast<std::int64_t>(k), firms.account[i],
                               policy.procurement.purchases_yuan * firms.results_in_use[i] / total);
        flows.procurement_spend += bought;
        procurement_weight[i] += bought;
      }
    }
  }
  // Repayable grants go back to the first such policy's account.
  std::int64_t repayable_account = -1;
  for (std::size_t k = 0; k < p.policies.size() && repayable_account < 0; ++k) {
    if (p.policies[k].type == PolicyType::repayable_grant)
      repayable_account = accounts.first_policy_account + static_cast<std::int64_t>(k);
  }
  // Firms trade in parallel: each chunk pays from and into its firms' own accounts and the shared
  // market, sinks and treasury (sim/core/ledger_batch.hpp); value added (and any government spending)
  // is summed per chunk and added in chunk order.
  std::vector<std::pair<double, double>> chunk_sums(sim::chunk_count(firms.size()), {0.0, 0.0});
  sim::parallel_for_chunks(firms.size(), [&](const sim::Chunk& chunk) {
    auto chunk_payments = payments.chunk();
    auto& [value_added, government_spending] = chunk_sums[chunk.index];
    for (std::size_t i = chunk.begin; i != chunk.end; ++i)
      value_added += sell_and_pay(context, p, markets, firms, firm_incentives, firm_holdings, firm_conditions,
                                  payments, chunk_payments, i, procurement_weight[i], repayable_account);
    chunk_payments.ledger.commit();
    government_spending = chunk_payments.government_spending;
  });
  for (const auto& [value_added, government_spending] : chunk_sums) {
    flows.value_added += value_added;
    flows.government_spending += government_spending;
  }
  // The treasury spends what it collects (public consumption).
  payments.pay(accounts.government, accounts.costs_sink, payments.balance(accounts.government));
}

// One firm's quarter of trade (produce_and_sell): sales of its existing business and new
// products, operating costs, taxes, repayment of a repayable grant and the payout of excess cash.
// Returns the firm's value added.
static double sell_and_pay(const sim::PhaseContext& context, const Parameters& p, const FieldMarkets& markets,
                           Firms& firms, const FirmIncentives& firm_incentives,
                           const FirmHoldings& firm_holdings, FirmConditions& firm_conditions,
                           const Payments& payments, ChunkPayments& chunk_payments, std::size_t i,
                           double procurement, std::int64_t repayable_account) {
  const FixedAccounts& accounts = payments.accounts();
  auto rng = context.rng(firms.id(i));
  const auto field = static_cast<std::size_t>(firms.field[i]);
  if (firms.kind[i] == kSme) firms.base_revenue[i] *= std::exp(p.sme_growth_sigma * rng.normal());
  const double shock =
      std::exp(p.revenue_shock_sigma * rng.normal() - 0.5 * p.revenue_shock_sigma * p.revenue_shock_sigma);
  const double productivity = 1.0 + p.productivity_gain_per_result * std::min(20, firms.results_in_use[i]);
  const double revenue = firms.base_revenue[i] * markets.demand_index[field] * shock * productivity +
                         firm_holdings.product_value[i] * markets.demand_index[field];
  payments.pay(chunk_payments, accounts.market, firms.account[i], revenue);
  const double total_revenue = revenue + procurement;
  firms.revenue[i] = total_revenue;
  firms.employees[i] = total_revenue / p.revenue_per_employee_yuan;
  const double costs = (1.0 - firms.margin[i]) * total_revenue;
  const double paid = payments.pay_up_to(chunk_payments, firms.account[i], accounts.costs_sink, costs);
  if (paid + 0.01 < costs) firm_conditions.is_distressed[i] = firms.kind[i] == kSme ? 1 : 0;
  const double profit =
      firms.margin[i] * total_revenue - firms.rd_spending[i] * (1.0 + firm_incentives.deduction[i]);
  if (profit > 0)
    payments.pay_up_to(chunk_payments, firms.account[i], accounts.government, p.tax_rate * profit);
  if (firms.repayable_grant[i] > 0 && firms.kind[i] == kSme && firms.revenue[i] >= p.tier_revenue_yuan[0] &&
      repayable_account >= 0) {
    const double back =
        payments.pay_up_to(chunk_payments, firms.account[i], repayable_account,
                           std::min(firms.repayable_grant[i], 0.25 * firms.repayable_grant[i] + 1.0));
    firms.repayable_grant[i] -= back;
  }
  const double target = p.cash_target_quarters * std::max(total_revenue * std::abs(firms.margin[i]),
                                                          p.sme_seed_capital_yuan * 0.5) +
                        firms.loan[i] + firms.thematic_bond[i];
  const double cash = payments.balance(chunk_payments, firms.account[i]);
  if (cash > target)
    payments.pay(chunk_payments, firms.account[i], accounts.payout_sink, p.payout_share * (cash - target));
  return p.value_added_share * total_revenue;
}

// Phase "update_firm_ladder" — SMEs climb tiers when their revenue qualifies (VC funds exit at
// unicorn), exit when distressed or by background hazard (loans default, the risk pool pays its
// share), and new SMEs enter, on their own and through incubators (incubate_firms).
void update_firm_ladder(const sim::PhaseContext& context, const Parameters& p, FirmBirths& firm_births,
                        const FirmIndex& firm_index, VcFunds& funds, Banks& banks,
                        Intermediaries& intermediaries, std::vector<sim::AgentId>& exited_firm_ids,
                        Payments& payments, Flows& flows) {
  const FixedAccounts& accounts = payments.accounts();
  Firms& firms = firm_births.firms;
  const FirmIncentives& firm_incentives = firm_births.incentives;
  FirmConditions& firm_conditions = firm_births.conditions;
  const std::size_t n = firms.size();
  // Each SME decides in parallel (its own random stream); the payments of VC exits and of exits
  // then follow in firm order, as they move money between firms, funds, banks and the pool.
  enum : std::uint8_t { kVcExit = 1, kExit = 2 };
  std::vector<std::uint8_t> actions(n, 0);
  sim::parallel_for_each_index(n, [&](std::size_t i) {
    if (firms.kind[i] != kSme) return;
    auto rng = context.rng(firms.id(i));
    const int tier = firms.tier[i];
    if (tier < kTiers - 1 && firms.revenue[i] >= p.tier_revenue_yuan[static_cast<std::size_t>(tier)] &&
        rng.bernoulli(p.tier_promotion_rate)) {
      firms.tier[i] = tier + 1;
      if (firms.tier[i] >= 3 && firms.vc_fund[i] >= 0) actions[i] |= kVcExit;
    }
    const double hazard = p.sme_exit_rate * (tier == 0 ? 1.0 : 0.5);
    if (firm_conditions.is_distressed[i] || rng.bernoulli(hazard)) actions[i] |= kExit;
  });
  for (std::size_t i = 0; i < n; ++i) {
    if (actions[i] & kVcExit) {
      const auto fund = funds.index_of(static_cast<sim::AgentId>(firms.vc_fund[i]));
      if (fund)
        payments.pay(accounts.private_capital, funds.account[*fund],
                     3.0 * firms.vc_invested[i]);  // exit proceeds from acquirers
      firms.vc_fund[i] = -1;
    }
    if (actions[i] & kExit)
      exit_firm(firms, firm_incentives, firm_conditions, banks, exited_firm_ids, payments, flows, i);
  }
  firms.remove_marked();
  for (std::size_t r = 0; r < p.regions.size(); ++r) {
    auto rng = context.rng(r, kSmeBirthsDraws);
    const std::int64_t births =
        poisson(rng, p.sme_birth_rate * static_cast<double>(firm_index.smes_by_region[r].size()));
    for (std::int64_t b = 0; b < births; ++b) {
      const int field = pick_field(p, rng);
      firm_births.spawn(
          {kSme, static_cast<int>(r), field, p.sme_revenue_yuan * 0.3 * std::exp(0.5 * rng.normal())}, rng);
      flows.sme_births += 1;
    }
  }
  incubate_firms(context, p, firm_births, intermediaries, payments, flows);
  for (std::size_t i = 0; i < firms.size(); ++i) firms.cash[i] = payments.balance(firms.account[i]);
}

}  // namespace models::ecosystem
