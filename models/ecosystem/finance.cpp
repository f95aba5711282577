// Finance: venture capital (incl. guidance sub-funds), bank credit, risk-compensation pools.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "models/ecosystem/capacity.hpp"
#include "models/ecosystem/draws.hpp"
#include "models/ecosystem/phases.hpp"
#include "models/ecosystem/stream_purposes.hpp"
#include "sim/core/parallel.hpp"

namespace models::ecosystem {

// Phase "invest_venture_capital" — funds in their investment period (the first half of their life)
// screen SMEs of their region (and field) and buy equity with a ticket at the firm's valuation when
// the best result it develops signals enough quality; they follow on in growing firms they hold
// (staged rounds); a round buys the government's grant-to-equity stake out. Past the investment
// period they sell holdings to acquirers (trade sales, vc_trade_sale_rate); at the end of their life
// they sell what is left and pay their limited partners: the government's share of a guidance
// sub-fund goes back to its instrument.
void invest_venture_capital(const sim::PhaseContext& context, const Parameters& p, VcFunds& funds,
                            Firms& firms, const FirmHoldings& firm_holdings, const FirmIndex& firm_index,
                            Payments& payments, Events& events, Flows& flows, RegionPairFlows& region_flows) {
  const FixedAccounts& accounts = payments.accounts();
  std::vector<std::uint8_t> is_closing(funds.size(), 0), is_selling(funds.size(), 0);
  for (std::size_t k = 0; k < funds.size(); ++k) {
    const std::int64_t age = context.step - funds.vintage[k];
    is_closing[k] = age >= p.vc_fund_life_quarters ? 1 : 0;
    is_selling[k] = age >= p.vc_fund_life_quarters / 2 ? 1 : 0;
  }
  // Exits of holdings, in firm order: everything a closing fund holds, and trade sales.
  for (std::size_t i = 0; i < firms.size(); ++i) {
    if (firms.vc_fund[i] < 0) continue;
    const auto fund = funds.index_of(static_cast<sim::AgentId>(firms.vc_fund[i]));
    if (!fund || !is_selling[*fund]) continue;
    auto rng = context.rng(firms.id(i), kTradeSaleDraws);
    if (is_closing[*fund] || rng.bernoulli(p.vc_trade_sale_rate)) {
      sell_vc_holding(funds, firms, payments, flows, i);
      flows.trade_sales += 1;
    }
  }
  for (std::size_t k = 0; k < funds.size(); ++k) {
    if (is_closing[k]) {
      const double cash = payments.balance(funds.account[k]);
      if (funds.policy[k] >= 0) {
        flows.government_equity_returned +=
            payments.pay_up_to(funds.account[k], accounts.first_policy_account + funds.policy[k],
                               cash * funds.government_share[k]);
      }
      payments.pay(funds.account[k], accounts.payout_sink, payments.balance(funds.account[k]));
      funds.mark_for_removal(k);
      continue;
    }
    if (is_selling[k]) continue;
    auto rng = context.rng(funds.id(k));
    for (std::int64_t d = 0; d < p.vc_deals_per_quarter; ++d) {
      if (payments.balance(funds.account[k]) < p.vc_ticket_yuan) break;
      // Capital crosses regions: part of the screening looks at the SMEs of regions near the fund's
      // (region_links; uniform without links).
      std::size_t region = static_cast<std::size_t>(funds.region[k]);
      if (!rng.bernoulli(p.vc_same_region_share))
        region = static_cast<std::size_t>(draw_linked_region(p.region_links, funds.region[k], rng));
      const auto& candidates = firm_index.smes_by_region[region];
      if (candidates.empty()) continue;
      const std::uint32_t f = candidates[rng.uniform_below(candidates.size())];
      if (funds.field[k] >= 0 && firms.field[f] != funds.field[k]) continue;
      const double signal = firm_holdings.best_quality[f] + 0.3 * rng.normal();
      const bool is_own = firms.vc_fund[f] == static_cast<std::int64_t>(funds.id(k));
      const bool grows = firms.revenue_trend[f] > firms.revenue_trend_slow[f];
      // A new holding needs the quality signal and no other fund in the firm; a follow-on round
      // needs growth.
      if (firms.tier[f] >= kListed || (firms.vc_fund[f] >= 0 && !is_own)) continue;
      if (is_own ? !grows : signal < p.vc_quality_threshold) continue;
      buy_equity(funds, k, firms, f, p.vc_ticket_yuan, payments, flows);
      if (firms.region[f] != funds.region[k]) flows.cross_region_vc_yuan += p.vc_ticket_yuan;
      region_flows.add_vc(funds.region[k], firms.region[f], p.vc_ticket_yuan);
      events.record_deal({kVcInvestment, static_cast<std::int64_t>(funds.id(k)),
                          static_cast<std::int64_t>(firms.id(f)), -1, p.vc_ticket_yuan});
    }
  }
  funds.remove_marked();
  // Private VC is raised again as funds close: each region keeps its number of ordinary funds.
  std::vector<std::int64_t> ordinary(p.regions.size(), 0);
  for (std::size_t k = 0; k < funds.size(); ++k)
    ordinary[static_cast<std::size_t>(funds.region[k])] += funds.is_guided[k] ? 0 : 1;
  for (std::size_t r = 0; r < p.regions.size(); ++r) {
    for (std::int64_t k = ordinary[r]; k < p.regions[r].vc_funds; ++k) {
      const std::size_t f =
          spawn_vc_fund(funds, payments.ledger(), {static_cast<int>(r), -1, context.step, false});
      payments.pay(accounts.private_capital, funds.account[f], p.vc_fund_capital_yuan);
    }
  }
}

// A funding round: fund k pays `ticket` into firm f at the firm's valuation (pre-money); earlier
// stakes are diluted; the round's investor also buys the government's stake out.
void buy_equity(VcFunds& funds, std::size_t k, Firms& firms, std::size_t f, double ticket, Payments& payments,
                Flows& flows) {
  // The government's stake is bought out when the fund can pay for it besides the ticket.
  if (firms.government_stake[f] > 0 &&
      payments.balance(funds.account[k]) >= ticket + firms.government_stake[f] * firms.valuation[f])
    sell_government_stake(firms, payments, flows, f, funds.account[k]);
  const double pre_money = std::max(firms.valuation[f], ticket);
  const double post_money = pre_money + ticket;
  payments.pay(funds.account[k], firms.account[f], ticket);
  firms.earmarked[f] += ticket;
  firms.vc_stake[f] = firms.vc_stake[f] * pre_money / post_money + ticket / post_money;
  firms.valuation[f] = post_money;
  firms.vc_fund[f] = static_cast<std::int64_t>(funds.id(k));
  firms.vc_invested[f] += ticket;
  funds.invested[k] += ticket;
  flows.vc_invested += ticket;
}

void sell_vc_holding(VcFunds& funds, Firms& firms, Payments& payments, Flows& flows, std::size_t firm) {
  const FixedAccounts& accounts = payments.accounts();
  if (const auto fund = funds.index_of(static_cast<sim::AgentId>(firms.vc_fund[firm]))) {
    const double proceeds = firms.vc_stake[firm] * firms.valuation[firm];
    payments.pay(accounts.private_capital, funds.account[*fund], proceeds);
    funds.invested[*fund] = std::max(0.0, funds.invested[*fund] - firms.vc_invested[firm]);
    flows.vc_exit_proceeds += proceeds;
  }
  firms.vc_fund[firm] = -1;
  firms.vc_stake[firm] = 0;
  firms.vc_invested[firm] = 0;
}

void sell_government_stake(Firms& firms, Payments& payments, Flows& flows, std::size_t firm,
                           std::int64_t buyer) {
  const FixedAccounts& accounts = payments.accounts();
  const double price = firms.government_stake[firm] * firms.valuation[firm];
  if (firms.equity_policy[firm] >= 0) {
    flows.government_equity_returned +=
        payments.pay_up_to(buyer, accounts.first_policy_account + firms.equity_policy[firm], price);
  }
  firms.government_stake[firm] = 0;
  firms.equity_policy[firm] = -1;
}

// Phase "lend_and_settle_loans" — SMEs pay interest (the subsidy pays its share) and an installment
// of the principal, or default; SMEs without a loan may ask for one, more often when development money
// falls short or interest is subsidised; a bank of the region lends when the expected loss, net of
// the risk-compensation pool's share, is acceptable.
void lend_and_settle_loans(const sim::PhaseContext& context, const Parameters& p, const FieldMarkets& markets,
                           Firms& firms, const FirmIncentives& firm_incentives,
                           const FirmBudgets& firm_budgets, FirmConditions& firm_conditions, Banks& banks,
                           sim::ProposalBuffer<std::uint32_t>& loan_buffer, Payments& payments,
                           Events& events) {
  const FixedAccounts& accounts = payments.accounts();
  auto bank_of = [&](std::size_t firm) { return banks.lender_of(firms.region[firm], firms.id(firm)); };
  // Which SMEs deal with their bank this quarter, decided in parallel: those with a loan, and
  // those whose own draws make them ask for one and pass the bank's screening of expected loss.
  // Their dealings then run in firm order, as banks' balances change with each one.
  loan_buffer.begin(firms.size());
  sim::parallel_for_chunks(firms.size(), [&](const sim::Chunk& chunk) {
    auto& requests = loan_buffer.chunk(chunk);
    for (std::size_t i = chunk.begin; i != chunk.end; ++i) {
      // Whether the firm has a lender, without lender_of's division by the bank count.
      if (firms.kind[i] != kSme || !banks.has_lender_in(firms.region[i])) continue;
      if (firms.loan[i] > 0) {
        requests.push_back(static_cast<std::uint32_t>(i));
        continue;
      }
      auto rng = context.rng(firms.id(i));
      // Short of money for development, or for the capacity its demand needs (pecking order: its
      // own cash first, then a loan).
      const double cash_now = payments.balance(firms.account[i]);
      const bool short_of_money = firm_budgets.need[i] > firm_budgets.dev_budget[i] ||
                                  planned_investment_yuan(p, markets, firms, i) >
                                      std::max(0.0, cash_now - operating_buffer_yuan(p, firms, i));
      const double ask = p.loan_request_rate * (short_of_money ? 1.0 : 0.3) *
                         (1.0 + 2.0 * firm_incentives.interest_subsidy[i]);
      if (!rng.bernoulli(std::min(1.0, ask))) continue;
      const double size = p.loan_size_yuan * (1.0 + firms.tier[i]);
      double default_probability = p.loan_default_base * std::exp(-0.5 * firms.tier[i] + 0.3 * rng.normal());
      if (cash_now < 0.5 * size) default_probability *= 1.5;
      // Collateral lowers the loss given default; the risk pool pays a share of what is left.
      const double collateral = p.collateral_recovery * firms.capital[i] * markets.wage_level;
      const double loss_given_default = p.loan_loss_given_default * std::max(0.0, 1.0 - collateral / size);
      const double expected_loss =
          default_probability * loss_given_default * (1.0 - firm_incentives.risk_pool_share[i]);
      if (expected_loss > p.loan_acceptable_loss) continue;
      requests.push_back(static_cast<std::uint32_t>(i));
    }
  });
  for (const std::size_t i : loan_buffer.gather()) {
    const auto bank = static_cast<std::size_t>(bank_of(i));
    if (firms.loan[i] > 0) {
      const double interest = firms.loan[i] * p.loan_rate_per_quarter;
      double paid = 0;
      // The instrument apply_policies chose for the firm pays its share, while it has money.
      if (const std::int32_t subsidy = firm_incentives.interest_subsidy_policy[i]; subsidy >= 0) {
        paid += payments.pay_up_to(accounts.first_policy_account + subsidy, banks.account[bank],
                                   interest * firm_incentives.interest_subsidy[i]);
      }
      paid += payments.pay_up_to(firms.account[i], banks.account[bank], interest - paid);
      if (paid + 0.01 < interest) {
        firm_conditions.is_distressed[i] = 1;
        continue;
      }
      // Loans amortise in equal parts of what is left until the due step, so a loan spent on
      // capacity is repaid from the earnings that capacity makes.
      const double installment = firms.loan[i] / static_cast<double>(std::max<std::int64_t>(
                                                     1, firms.loan_due[i] - context.step + 1));
      if (payments.balance(firms.account[i]) + 0.005 >= installment) {
        payments.pay(firms.account[i], banks.account[bank], installment);
        banks.loans_outstanding[bank] -= installment;
        firms.loan[i] -= installment;
        if (firms.loan[i] < 0.01) {
          banks.loans_outstanding[bank] -= firms.loan[i];
          firms.loan[i] = 0;
        }
      } else {
        firm_conditions.is_distressed[i] = 1;
      }
      continue;
    }
    const double size = p.loan_size_yuan * (1.0 + firms.tier[i]);
    if (payments.balance(banks.account[bank]) < size) continue;
    payments.pay(banks.account[bank], firms.account[i], size);
    firms.loan[i] = size;
    firms.loan_due[i] = static_cast<std::int32_t>(context.step + p.loan_term_quarters);
    banks.loans_outstanding[bank] += size;
    events.record_deal(
        {kLoan, static_cast<std::int64_t>(banks.id(bank)), static_cast<std::int64_t>(firms.id(i)), -1, size});
  }
}

// Phase "finance_thematic_bonds" — thematic bonds for the industrialization of results (seed 000).
// Reads firms' results at TRL 7-8 (index_holdings), their development needs and cash, and the
// thematic_bond instruments. Firms with a bond pay the coupon (`thematic_bond_coupon_per_quarter`;
// the instrument pays its `coupon_share` while it is active and has money) and the principal at maturity
// (`thematic_bond_term_quarters`) to the bond holders, or default (the holders recover the cash
// left; an SME exits). A firm targeted by an active instrument that holds a result at TRL 7-8 and
// has no bond issues one of principal_yuan, bought by private investors counting on the coupon
// subsidy: only while the instrument holds money (none issued with budget 0 or once it is spent). Unspent
// proceeds fund the part of the firm's development need its budget does not cover (to the R&D sink). Bond
// holders pay their income out.
void finance_thematic_bonds(const sim::PhaseContext& context, const Parameters& p, Firms& firms,
                            const FirmHoldings& firm_holdings, FirmBudgets& firm_budgets,
                            FirmConditions& firm_conditions, Payments& payments, Flows& flows) {
  const FixedAccounts& accounts = payments.accounts();
  for (std::size_t i = 0; i < firms.size(); ++i) {
    if (firms.thematic_bond[i] <= 0) continue;
    const double coupon = firms.thematic_bond[i] * p.thematic_bond_coupon_per_quarter;
    const auto policy = static_cast<std::size_t>(firms.bond_policy[i]);
    // The coupon subsidy ends with the instrument (end_step); the firm pays the whole coupon after.
    double paid =
        is_active(p.policies[policy], context.step)
            ? payments.pay_up_to(accounts.first_policy_account + static_cast<std::int64_t>(policy),
                                 accounts.bondholders, coupon * p.policies[policy].thematic_bond.coupon_share)
            : 0.0;
    paid += payments.pay_up_to(firms.account[i], accounts.bondholders, coupon - paid);
    if (paid + 0.01 < coupon) {
      default_on_bond(firms, firm_conditions, payments, flows, i);
      continue;
    }
    if (context.step >= firms.bond_due[i]) {
      if (payments.balance(firms.account[i]) + 0.005 < firms.thematic_bond[i]) {
        default_on_bond(firms, firm_conditions, payments, flows, i);
        continue;
      }
      payments.pay(firms.account[i], accounts.bondholders, firms.thematic_bond[i]);
      firms.thematic_bond[i] = 0;
      firms.bond_unspent[i] = 0;
    }
  }
  for (std::size_t k = 0; k < p.policies.size(); ++k) {
    const auto& policy = p.policies[k];
    if (policy.type != PolicyType::thematic_bond || !is_active(policy, context.step) ||
        policy.thematic_bond.principal_yuan <= 0 || !has_money(payments, static_cast<std::int32_t>(k)))
      continue;
    for (std::size_t i = 0; i < firms.size(); ++i) {
      if (firms.thematic_bond[i] > 0 || firm_holdings.commercializing[i] == 0) continue;
      if (!targets(policy, firms.region[i], firms.field[i], firms.kind[i], firms.tier[i], -1)) continue;
      payments.pay(accounts.private_capital, firms.account[i], policy.thematic_bond.principal_yuan);
      firms.thematic_bond[i] = to_yuan(to_fen(policy.thematic_bond.principal_yuan));
      firms.bond_unspent[i] = firms.thematic_bond[i];
      firms.bond_due[i] = static_cast<std::int32_t>(context.step + p.thematic_bond_term_quarters);
      firms.bond_policy[i] = static_cast<std::int32_t>(k);
      flows.thematic_bonds_issued += firms.thematic_bond[i];
    }
  }
  for (std::size_t i = 0; i < firms.size(); ++i) {
    if (firms.bond_unspent[i] > 0)
      fund_development_gap(firms, firm_budgets, payments, flows, i, firms.bond_unspent[i]);
  }
  payments.pay(accounts.bondholders, accounts.payout_sink, payments.balance(accounts.bondholders));
}

// The holders recover what the firm holds, at most the principal; the rest is their loss.
void default_on_bond(Firms& firms, FirmConditions& firm_conditions, Payments& payments, Flows& flows,
                     std::size_t firm) {
  const FixedAccounts& accounts = payments.accounts();
  payments.pay_up_to(firms.account[firm], accounts.bondholders, firms.thematic_bond[firm]);
  firms.thematic_bond[firm] = 0;
  firms.bond_unspent[firm] = 0;
  flows.thematic_bond_defaults += 1;
  if (firms.kind[firm] == kSme) firm_conditions.is_distressed[firm] = 1;
}

void exit_firm(const Parameters& p, double wage_level, Firms& firms, const FirmIncentives& firm_incentives,
               FirmConditions& firm_conditions, Banks& banks, VcFunds& funds,
               std::vector<sim::AgentId>& exited_firm_ids, Payments& payments, Flows& flows, std::size_t i) {
  const FixedAccounts& accounts = payments.accounts();
  // Equity holders lose their stakes: the fund writes its holding off.
  if (firms.vc_fund[i] >= 0) {
    if (const auto fund = funds.index_of(static_cast<sim::AgentId>(firms.vc_fund[i])))
      funds.invested[*fund] = std::max(0.0, funds.invested[*fund] - firms.vc_invested[i]);
    flows.write_offs += 1;
  }
  if (firms.thematic_bond[i] > 0) default_on_bond(firms, firm_conditions, payments, flows, i);
  if (firms.loan[i] > 0) {
    flows.loans_defaulted += 1;
    if (const std::int64_t lender = banks.lender_of(firms.region[i], firms.id(i)); lender >= 0) {
      // The lending bank recovers what the firm still holds; the pool pays its share of the loss.
      const auto bank = static_cast<std::size_t>(lender);
      double recovered = payments.pay_up_to(firms.account[i], banks.account[bank], firms.loan[i]);
      // The bank sells the collateral (part of the firm's capital) to buyers outside the model.
      const double collateral = p.collateral_recovery * firms.capital[i] * wage_level;
      recovered += payments.pay_up_to(accounts.private_capital, banks.account[bank],
                                      std::min(collateral, firms.loan[i] - recovered));
      const double loss = firms.loan[i] - recovered;
      banks.loans_outstanding[bank] -= firms.loan[i];
      const std::int32_t pool = firm_incentives.risk_pool_policy[i];
      if (pool >= 0 && loss > 0) {
        flows.risk_pool_paid += payments.pay_up_to(accounts.first_policy_account + pool, banks.account[bank],
                                                   loss * firm_incentives.risk_pool_share[i]);
      }
    }
    firms.loan[i] = 0;
  }
  payments.pay(firms.account[i], accounts.payout_sink, payments.balance(firms.account[i]));
  firms.cash[i] = 0;
  firms.mark_for_removal(i);
  exited_firm_ids.push_back(firms.id(i));
  flows.sme_deaths += 1;
}

}  // namespace models::ecosystem
