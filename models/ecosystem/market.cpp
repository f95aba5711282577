// Markets and production: demand in money, adoption, sales within capacity, costs, taxes, payouts.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <utility>

#include "models/ecosystem/capacity.hpp"
#include "models/ecosystem/draws.hpp"
#include "models/ecosystem/phases.hpp"
#include "models/ecosystem/stream_purposes.hpp"
#include "sim/core/parallel.hpp"

namespace models::ecosystem {

// One firm's quarter of trade (below).
static double customers_demand(const sim::PhaseContext& context, const Parameters& p,
                               const FieldMarkets& markets, Firms& firms, const FirmHoldings& firm_holdings,
                               std::size_t i);
static double sell_and_pay(const Parameters& p, const FieldMarkets& markets, Firms& firms,
                           const FirmIncentives& firm_incentives, FirmConditions& firm_conditions,
                           const Payments& payments, ChunkPayments& chunk_payments, std::size_t i,
                           double market_share, double capacity, double procurement, double& forgone_tax);
static std::vector<double> new_product_demand(const FieldMarkets& markets, const Firms& firms,
                                              const FirmHoldings& firm_holdings,
                                              const std::vector<double>& market_share);
static std::vector<double> pull_along_chain(FieldMarkets& markets, const std::vector<double>& final_demand,
                                            std::vector<double>& field_demand,
                                            std::vector<double>& market_share, Flows& flows);
static bool has_policy_of_type(const Parameters& p, PolicyType type);

// Phase "produce_and_sell" — field demand and the wage and price level grow and adoption of new
// products diffuses (Bass). Customers ask each firm for its existing business (with the
// productivity gains of the results it uses) and its new products; where a field's firms are asked
// for more than its market (size x demand index), every firm's share shrinks in proportion, so new
// products displace old ones and revenue cannot outgrow demand. Firms sell what their capacity
// allows, receive public purchases (which make the buyer a reference customer), employ people, pay operating
// costs and taxes (super-deduction), repay repayable grants and pay out cash above what they keep for
// operations, debt and planned investment; capital wears out. An SME that cannot cover its costs is
// distressed and exits in update_firm_ladder.
void produce_and_sell(const sim::PhaseContext& context, const Parameters& p, FieldMarkets& markets,
                      Firms& firms, const FirmIncentives& firm_incentives, const FirmHoldings& firm_holdings,
                      FirmConditions& firm_conditions, Payments& payments, Flows& flows) {
  const FixedAccounts& accounts = payments.accounts();
  // During the spin-up (steps <= 0) demand and prices hold their step-0 values.
  const bool grows = context.step >= 1;
  if (grows) markets.wage_level *= 1.0 + p.wage_growth_per_quarter;
  for (std::size_t f = 0; f < p.fields.size(); ++f) {
    if (grows) markets.demand_index[f] *= 1.0 + markets.demand_growth[f];
    const double a = markets.adoption[f];
    markets.adoption[f] = std::min(1.0, a + (p.adoption_innovation + p.adoption_imitation * a) * (1.0 - a));
  }
  // Public procurement (协议供货目录, demonstration cases): public buyers spend what the instrument's
  // account holds, up to purchases_yuan, on the products of targeted firms with results in use.
  // Empty when no procurement instrument is active (no firm has public purchases then).
  std::vector<double> procurement_weight;
  for (std::size_t k = 0; k < p.policies.size(); ++k) {
    const auto& policy = p.policies[k];
    if (policy.type != PolicyType::procurement || !is_active(policy, context.step)) continue;
    procurement_weight.resize(firms.size(), 0.0);
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
  // What customers ask of each firm, summed per field per chunk and added in chunk order (the same
  // on any thread count); then each field's share of it that its market can pay for.
  const std::size_t n_fields = p.fields.size();
  const std::size_t chunks = sim::chunk_count(firms.size());
  std::vector<double> chunk_demand(chunks * n_fields, 0.0);
  sim::parallel_for_chunks(firms.size(), [&](const sim::Chunk& chunk) {
    for (std::size_t i = chunk.begin; i != chunk.end; ++i) {
      firms.demand[i] = customers_demand(context, p, markets, firms, firm_holdings, i);
      chunk_demand[chunk.index * n_fields + static_cast<std::size_t>(firms.field[i])] += firms.demand[i];
    }
  });
  std::vector<double> field_demand(n_fields, 0.0), market_share(n_fields, 1.0);
  for (std::size_t c = 0; c < chunks; ++c)
    for (std::size_t f = 0; f < n_fields; ++f) field_demand[f] += chunk_demand[c * n_fields + f];
  for (const double demand : field_demand) flows.demand += demand;
  for (std::size_t f = 0; f < n_fields; ++f) {
    const double market = markets.size[f] * markets.demand_index[f];
    if (field_demand[f] > market) market_share[f] = market / field_demand[f];
  }
  const std::vector<double> final_demand = new_product_demand(markets, firms, firm_holdings, market_share);
  for (const double demand : final_demand) flows.new_product_demand += demand;
  markets.intermediate_demand.assign(n_fields, 0.0);
  // Each field's firms are asked for its intermediate demand too (pull_along_chain): their demand
  // grows by the field's factor, applied in the trade loop below (1 without a chain).
  const std::vector<double> demand_scale =
      markets.chain.empty() ? std::vector<double>(n_fields, 1.0)
                            : pull_along_chain(markets, final_demand, field_demand, market_share, flows);
  // Firms trade in parallel: each chunk pays from and into its firms' own accounts and the shared
  // market, sinks and treasury (sim/core/ledger_batch.hpp); value added, sales, capacity (and any
  // government spending) are summed per chunk and added in chunk order.
  struct ChunkSums {
    double value_added = 0, government_spending = 0, sales = 0, capacity = 0;
  };
  std::vector<ChunkSums> chunk_sums(chunks);
  // The tax each firm's super-deduction forgave; kept only when a super-deduction instrument exists
  // (without one no firm has a deduction policy to make it good).
  const bool has_deduction = has_policy_of_type(p, PolicyType::super_deduction);
  std::vector<double> forgone_tax(has_deduction ? firms.size() : 0, 0.0);
  sim::parallel_for_chunks(firms.size(), [&](const sim::Chunk& chunk) {
    auto chunk_payments = payments.chunk();
    auto& sums = chunk_sums[chunk.index];
    for (std::size_t i = chunk.begin; i != chunk.end; ++i) {
      const auto field = static_cast<std::size_t>(firms.field[i]);
      firms.demand[i] *= demand_scale[field];
      const double capacity = capacity_yuan(p, markets, firms, i);
      const double procurement = procurement_weight.empty() ? 0.0 : procurement_weight[i];
      double forgone = 0;
      sums.capacity += capacity;
      sums.value_added +=
          sell_and_pay(p, markets, firms, firm_incentives, firm_conditions, payments, chunk_payments, i,
                       market_share[field], capacity, procurement, forgone);
      if (has_deduction) forgone_tax[i] = forgone;
      sums.sales += firms.revenue[i] - procurement;
      firms.capital[i] *= 1.0 - p.depreciation_rate;
      // A firm that sold to public buyers has a reference customer for a while (advance_results).
      firms.reference_purchases[i] =
          (1.0 - p.procurement_reference_decay) * firms.reference_purchases[i] + procurement;
    }
    chunk_payments.ledger.commit();
    sums.government_spending = chunk_payments.government_spending;
  });
  for (const auto& sums : chunk_sums) {
    flows.value_added += sums.value_added;
    flows.government_spending += sums.government_spending;
    flows.sales += sums.sales;
    flows.capacity += sums.capacity;
  }
  // Each super-deduction instrument makes good to the treasury, in firm order, the tax its deduction
  // forgave, as far as its account holds money; once it is spent, firms deduct no more
  // (apply_policies).
  for (std::size_t i = 0; i < forgone_tax.size(); ++i) {
    if (const std::int32_t policy = firm_incentives.deduction_policy[i]; policy >= 0 && forgone_tax[i] > 0)
      payments.pay_up_to(accounts.first_policy_account + policy, accounts.government, forgone_tax[i]);
  }
  // The treasury spends what it collects (public consumption).
  payments.pay(accounts.government, accounts.costs_sink, payments.balance(accounts.government));
}

// What customers ask of firm i this quarter, yuan (produce_and_sell): its existing business, with
// the productivity gains of the results it uses, and its new products, at today's (nominal) demand.
static double customers_demand(const sim::PhaseContext& context, const Parameters& p,
                               const FieldMarkets& markets, Firms& firms, const FirmHoldings& firm_holdings,
                               std::size_t i) {
  auto rng = context.rng(firms.id(i));
  const auto field = static_cast<std::size_t>(firms.field[i]);
  if (firms.kind[i] == kSme) firms.base_revenue[i] *= std::exp(p.sme_growth_sigma * rng.normal());
  const double shock =
      std::exp(p.revenue_shock_sigma * rng.normal() - 0.5 * p.revenue_shock_sigma * p.revenue_shock_sigma);
  const double productivity = 1.0 + p.productivity_gain_per_result * std::min(20, firms.results_in_use[i]);
  return (firms.base_revenue[i] * shock * productivity + firm_holdings.product_value[i]) *
         markets.demand_index[field];
}

// What customers buy of each field's new products (the results its firms use) after the market's
// share, yuan (produce_and_sell): the final demand that pulls intermediate demand along the chain.
// Summed in firm order, so it does not depend on the thread count.
static std::vector<double> new_product_demand(const FieldMarkets& markets, const Firms& firms,
                                              const FirmHoldings& firm_holdings,
                                              const std::vector<double>& market_share) {
  std::vector<double> final_demand(market_share.size(), 0.0);
  for (std::size_t i = 0; i < firms.size(); ++i) {
    const auto f = static_cast<std::size_t>(firms.field[i]);
    final_demand[f] += firm_holdings.product_value[i] * markets.demand_index[f] * market_share[f];
  }
  return final_demand;
}

// Fields linked (produce_and_sell): what customers buy of the new products of results in
// industrial use is final demand f per field; making it takes inputs from the supplying fields,
// which ask the suppliers for x = (I - A)^-1 f - f more (Leontief, one solve a quarter). Each
// supplying field's firms are asked for x in proportion to what their own customers ask, and its
// market grows by x (these buyers are firms, not the field's final customers). Sums run in firm
// order, so they do not depend on the thread count.
// Returns each field's factor on its firms' demand (1 + its intermediate demand over what its
// customers ask), which produce_and_sell applies in its trade loop.
static std::vector<double> pull_along_chain(FieldMarkets& markets, const std::vector<double>& final_demand,
                                            std::vector<double>& field_demand,
                                            std::vector<double>& market_share, Flows& flows) {
  const std::size_t n_fields = field_demand.size();
  const std::vector<double> intermediate = markets.chain.intermediate_demand(final_demand);
  std::vector<double> scale(n_fields, 1.0);
  for (std::size_t f = 0; f < n_fields; ++f) {
    if (intermediate[f] <= 0 || field_demand[f] <= 0) continue;  // no firm there to supply it
    scale[f] = 1.0 + intermediate[f] / field_demand[f];
    field_demand[f] += intermediate[f];
    const double market = markets.size[f] * markets.demand_index[f] + intermediate[f];
    market_share[f] = field_demand[f] > market ? market / field_demand[f] : 1.0;
    flows.intermediate_demand += intermediate[f];
    markets.intermediate_demand[f] = intermediate[f];
    flows.demand += intermediate[f];
  }
  return scale;
}

static bool has_policy_of_type(const Parameters& p, PolicyType type) {
  return std::any_of(p.policies.begin(), p.policies.end(),
                     [&](const auto& policy) { return policy.type == type; });
}

// One firm's quarter of trade (produce_and_sell): sales of its share of what customers asked, within
// capacity, operating costs, taxes, repayment of a repayable grant and the payout of excess cash.
// Returns the firm's value added.
static double sell_and_pay(const Parameters& p, const FieldMarkets& markets, Firms& firms,
                           const FirmIncentives& firm_incentives, FirmConditions& firm_conditions,
                           const Payments& payments, ChunkPayments& chunk_payments, std::size_t i,
                           double market_share, double capacity, double procurement, double& forgone_tax) {
  const FixedAccounts& accounts = payments.accounts();
  const double sales = std::min(firms.demand[i] * market_share, capacity);
  payments.pay(chunk_payments, accounts.market, firms.account[i], sales);
  const double total_revenue = sales + procurement;
  firms.revenue[i] = total_revenue;
  // Labour productivity rises with the results a firm uses and with the wage and price level.
  const double productivity = 1.0 + p.productivity_gain_per_result * std::min(20, firms.results_in_use[i]);
  firms.employees[i] = total_revenue / (p.revenue_per_employee_yuan * markets.wage_level * productivity);
  firms.revenue_trend[i] += 0.25 * (total_revenue - firms.revenue_trend[i]);
  firms.revenue_trend_slow[i] += (total_revenue - firms.revenue_trend_slow[i]) / 12.0;
  firms.rd_trend[i] += 0.25 * (firms.rd_spending[i] - firms.rd_trend[i]);
  const double costs = (1.0 - firms.margin[i]) * total_revenue;
  const double paid = payments.pay_up_to(chunk_payments, firms.account[i], accounts.costs_sink, costs);
  if (paid + 0.01 < costs) firm_conditions.is_distressed[i] = firms.kind[i] == kSme ? 1 : 0;
  // High-tech enterprises pay the reduced rate (15% instead of 25%, 高新技术企业).
  const double tax_rate =
      firms.tier[i] >= kHighTech && firms.kind[i] == kSme ? p.high_tech_tax_rate : p.tax_rate;
  const double profit_before_rd = firms.margin[i] * total_revenue;
  const double profit = profit_before_rd - firms.rd_spending[i] * (1.0 + firm_incentives.deduction[i]);
  if (profit > 0)
    payments.pay_up_to(chunk_payments, firms.account[i], accounts.government, tax_rate * profit);
  // The super-deduction's tax expenditure: what the extra deduction took off the tax.
  forgone_tax = tax_rate * (std::max(0.0, profit_before_rd - firms.rd_spending[i]) - std::max(0.0, profit));
  // A repayable grant is paid back, to the instrument that granted it, once the SME's revenue is
  // 1.5 times a typical SME's.
  if (firms.repayable_grant[i] > 0 && firms.kind[i] == kSme &&
      firms.revenue[i] >= 1.5 * p.sme_revenue_yuan * markets.wage_level) {
    const double back = payments.pay_up_to(
        chunk_payments, firms.account[i], accounts.first_policy_account + firms.repayable_policy[i],
        std::min(firms.repayable_grant[i], 0.25 * firms.repayable_grant[i] + 1.0));
    firms.repayable_grant[i] -= back;
  }
  // Cash kept: operations, debt, money raised for growth and the capacity it plans to buy; above
  // it, a share is paid out.
  const double target = operating_buffer_yuan(p, firms, i) + firms.loan[i] + firms.thematic_bond[i] +
                        firms.earmarked[i] + planned_investment_yuan(p, markets, firms, i);
  const double cash = payments.balance(chunk_payments, firms.account[i]);
  if (cash > target)
    payments.pay(chunk_payments, firms.account[i], accounts.payout_sink, p.payout_share * (cash - target));
  return p.value_added_share * total_revenue;
}

}  // namespace models::ecosystem
