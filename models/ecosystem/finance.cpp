// Finance: venture capital (incl. guidance sub-funds), bank credit, risk-compensation pools.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "models/ecosystem/draws.hpp"
#include "models/ecosystem/ecosystem.hpp"
#include "sim/parallel.hpp"

namespace models::ecosystem {

// Phase "invest_venture_capital" — funds in their investment period screen SMEs of their region
// (and field) and invest a ticket when the best result an SME develops signals enough quality;
// funds at the end of their life pay their cash back to the LPs and close.
void EcosystemModel::invest_venture_capital(const sim::PhaseContext& context) {
  for (std::size_t k = 0; k < funds_.size(); ++k) {
    const std::int64_t age = step_ - funds_.vintage[k];
    if (age >= p_.vc_fund_life_quarters) {
      payments_.pay(funds_.account[k], accounts_.payout_sink, payments_.balance(funds_.account[k]));
      funds_.mark_for_removal(k);
      continue;
    }
    if (age >= p_.vc_fund_life_quarters / 2) continue;
    auto rng = context.rng(funds_.id(k));
    for (std::int64_t d = 0; d < p_.vc_deals_per_quarter; ++d) {
      if (payments_.balance(funds_.account[k]) < p_.vc_ticket_yuan) break;
      // Capital crosses regions: part of the screening looks at other regions' SMEs.
      std::size_t region = static_cast<std::size_t>(funds_.region[k]);
      if (!rng.bernoulli(p_.vc_same_region_share)) region = rng.uniform_below(p_.regions.size());
      const auto& candidates = firm_index_.smes_by_region[region];
      if (candidates.empty()) continue;
      const std::uint32_t f = candidates[rng.uniform_below(candidates.size())];
      if (funds_.field[k] >= 0 && firms_.field[f] != funds_.field[k]) continue;
      const double signal = firm_holdings_.best_quality[f] + 0.3 * rng.normal();
      if (signal < p_.vc_quality_threshold || firms_.vc_fund[f] >= 0) continue;
      payments_.pay(funds_.account[k], firms_.account[f], p_.vc_ticket_yuan);
      firms_.vc_fund[f] = static_cast<std::int64_t>(funds_.id(k));
      firms_.vc_invested[f] += p_.vc_ticket_yuan;
      flows_.vc_invested += p_.vc_ticket_yuan;
      events_.record_deal({kVcInvestment, static_cast<std::int64_t>(funds_.id(k)),
                           static_cast<std::int64_t>(firms_.id(f)), -1, p_.vc_ticket_yuan});
    }
  }
  funds_.remove_marked();
  // Private VC is raised again as funds close: each region keeps its number of ordinary funds.
  std::vector<std::int64_t> ordinary(p_.regions.size(), 0);
  for (std::size_t k = 0; k < funds_.size(); ++k)
    ordinary[static_cast<std::size_t>(funds_.region[k])] += funds_.is_guided[k] ? 0 : 1;
  for (std::size_t r = 0; r < p_.regions.size(); ++r) {
    for (std::int64_t k = ordinary[r]; k < p_.regions[r].vc_funds; ++k) {
      const std::size_t f = spawn_vc_fund(funds_, ledger_, static_cast<int>(r), -1, step_, false);
      payments_.pay(accounts_.private_capital, funds_.account[f], p_.vc_fund_capital_yuan);
    }
  }
}

// Phase "lend_and_settle_loans" — SMEs pay interest (the subsidy pays its share) and principal
// when due, or default; SMEs without a loan may ask for one, more often when development money
// falls short or interest is subsidised; a bank of the region lends when the expected loss, net of
// the risk-compensation pool's share, is acceptable.
void EcosystemModel::lend_and_settle_loans(const sim::PhaseContext& context) {
  std::vector<std::vector<std::uint32_t>> banks_by_region(p_.regions.size());
  for (std::size_t b = 0; b < banks_.size(); ++b)
    banks_by_region[static_cast<std::size_t>(banks_.region[b])].push_back(static_cast<std::uint32_t>(b));
  auto bank_of = [&](std::size_t firm) -> std::int64_t {
    const auto& list = banks_by_region[static_cast<std::size_t>(firms_.region[firm])];
    if (list.empty()) return -1;
    return static_cast<std::int64_t>(list[static_cast<std::size_t>(firms_.id(firm) % list.size())]);
  };
  // Which SMEs deal with their bank this quarter, decided in parallel: those with a loan, and
  // those whose own draws make them ask for one and pass the bank's screening of expected loss.
  // Their dealings then run in firm order, as banks' balances change with each one.
  loan_buffer_.begin(firms_.size());
  sim::parallel_for_chunks(firms_.size(), [&](const sim::Chunk& chunk) {
    auto& requests = loan_buffer_.chunk(chunk);
    for (std::size_t i = chunk.begin; i != chunk.end; ++i) {
      if (firms_.kind[i] != kSme || bank_of(i) < 0) continue;
      if (firms_.loan[i] > 0) {
        requests.push_back(static_cast<std::uint32_t>(i));
        continue;
      }
      auto rng = context.rng(firms_.id(i));
      const bool short_of_money = firm_budgets_.need[i] > firm_budgets_.dev_budget[i];
      const double ask = p_.loan_request_rate * (short_of_money ? 1.0 : 0.3) *
                         (1.0 + 2.0 * firm_incentives_.interest_subsidy[i]);
      if (!rng.bernoulli(std::min(1.0, ask))) continue;
      const double size = p_.loan_size_yuan * (1.0 + firms_.tier[i]);
      const double cash = payments_.balance(firms_.account[i]);
      double default_probability =
          p_.loan_default_base * std::exp(-0.5 * firms_.tier[i] + 0.3 * rng.normal());
      if (cash < 0.5 * size) default_probability *= 1.5;
      const double expected_loss =
          default_probability * p_.loan_loss_given_default * (1.0 - firm_incentives_.risk_pool_share[i]);
      if (expected_loss > p_.loan_acceptable_loss) continue;
      requests.push_back(static_cast<std::uint32_t>(i));
    }
  });
  for (const std::size_t i : loan_buffer_.gather()) {
    const auto bank = static_cast<std::size_t>(bank_of(i));
    if (firms_.loan[i] > 0) {
      const double interest = firms_.loan[i] * p_.loan_rate_per_quarter;
      double paid = 0;
      for (std::size_t k = 0; k < p_.policies.size() && firm_incentives_.interest_subsidy[i] > 0; ++k) {
        const auto& policy = p_.policies[k];
        if (policy.type == PolicyType::loan_interest_subsidy && is_active(policy, step_) &&
            targets(policy, firms_.region[i], firms_.field[i], firms_.kind[i], firms_.tier[i], -1)) {
          paid += payments_.pay_up_to(accounts_.first_policy_account + static_cast<std::int64_t>(k),
                                      banks_.account[bank], interest * firm_incentives_.interest_subsidy[i]);
          break;
        }
      }
      paid += payments_.pay_up_to(firms_.account[i], banks_.account[bank], interest - paid);
      if (paid + 0.01 < interest) {
        firm_conditions_.is_distressed[i] = 1;
        continue;
      }
      if (step_ >= firms_.loan_due[i]) {
        if (payments_.balance(firms_.account[i]) >= firms_.loan[i]) {
          payments_.pay(firms_.account[i], banks_.account[bank], firms_.loan[i]);
          banks_.loans_outstanding[bank] -= firms_.loan[i];
          firms_.loan[i] = 0;
        } else {
          firm_conditions_.is_distressed[i] = 1;
        }
      }
      continue;
    }
    const double size = p_.loan_size_yuan * (1.0 + firms_.tier[i]);
    if (payments_.balance(banks_.account[bank]) < size) continue;
    payments_.pay(banks_.account[bank], firms_.account[i], size);
    firms_.loan[i] = size;
    firms_.loan_due[i] = static_cast<std::int32_t>(step_ + p_.loan_term_quarters);
    banks_.loans_outstanding[bank] += size;
    events_.record_deal({kLoan, static_cast<std::int64_t>(banks_.id(bank)),
                         static_cast<std::int64_t>(firms_.id(i)), -1, size});
  }
}

// Phase "finance_thematic_bonds" — thematic bonds for the industrialization of results (seed 000).
// Reads firms' results at TRL 7-8 (index_holdings), their development needs and cash, and the
// thematic_bond instruments. Firms with a bond pay the coupon (`thematic_bond_coupon_per_quarter`;
// the instrument pays its `rate` share while it has money) and the principal at maturity
// (`thematic_bond_term_quarters`) to the bond holders, or default (the holders recover the cash
// left; an SME exits). A firm targeted by an active instrument that holds a result at TRL 7-8 and
// has no bond issues one of amount_yuan, bought by private investors. Unspent proceeds fund the part
// of the firm's development need its budget does not cover (to the R&D sink). Bond holders pay
// their income out.
void EcosystemModel::finance_thematic_bonds(const sim::PhaseContext& /*context*/) {
  for (std::size_t i = 0; i < firms_.size(); ++i) {
    if (firms_.thematic_bond[i] <= 0) continue;
    const double coupon = firms_.thematic_bond[i] * p_.thematic_bond_coupon_per_quarter;
    const auto policy = static_cast<std::size_t>(firms_.bond_policy[i]);
    double paid =
        payments_.pay_up_to(accounts_.first_policy_account + static_cast<std::int64_t>(policy),
                            accounts_.bondholders, coupon * std::min(1.0, p_.policies[policy].rate));
    paid += payments_.pay_up_to(firms_.account[i], accounts_.bondholders, coupon - paid);
    if (paid + 0.01 < coupon) {
      default_on_bond(i);
      continue;
    }
    if (step_ >= firms_.bond_due[i]) {
      if (payments_.balance(firms_.account[i]) + 0.005 < firms_.thematic_bond[i]) {
        default_on_bond(i);
        continue;
      }
      payments_.pay(firms_.account[i], accounts_.bondholders, firms_.thematic_bond[i]);
      firms_.thematic_bond[i] = 0;
      firms_.bond_unspent[i] = 0;
    }
  }
  for (std::size_t k = 0; k < p_.policies.size(); ++k) {
    const auto& policy = p_.policies[k];
    if (policy.type != PolicyType::thematic_bond || !is_active(policy, step_) || policy.amount_yuan <= 0)
      continue;
    for (std::size_t i = 0; i < firms_.size(); ++i) {
      if (firms_.thematic_bond[i] > 0 || firm_holdings_.commercializing[i] == 0) continue;
      if (!targets(policy, firms_.region[i], firms_.field[i], firms_.kind[i], firms_.tier[i], -1)) continue;
      payments_.pay(accounts_.private_capital, firms_.account[i], policy.amount_yuan);
      firms_.thematic_bond[i] = sim::to_yuan(sim::to_fen(policy.amount_yuan));
      firms_.bond_unspent[i] = firms_.thematic_bond[i];
      firms_.bond_due[i] = static_cast<std::int32_t>(step_ + p_.thematic_bond_term_quarters);
      firms_.bond_policy[i] = static_cast<std::int32_t>(k);
      flows_.thematic_bonds_issued += firms_.thematic_bond[i];
    }
  }
  for (std::size_t i = 0; i < firms_.size(); ++i) {
    if (firms_.bond_unspent[i] <= 0) continue;
    const double gap = std::max(0.0, firm_budgets_.need[i] - firm_budgets_.dev_budget[i]);
    const double spent =
        payments_.pay_up_to(firms_.account[i], accounts_.rd_sink, std::min(gap, firms_.bond_unspent[i]));
    firms_.bond_unspent[i] -= spent;
    firm_budgets_.dev_budget[i] += spent;
    firms_.rd_spending[i] += spent;
    flows_.rd_spending[firms_.kind[i]] += spent;
  }
  payments_.pay(accounts_.bondholders, accounts_.payout_sink, payments_.balance(accounts_.bondholders));
}

// The holders recover what the firm holds, at most the principal; the rest is their loss.
void EcosystemModel::default_on_bond(std::size_t firm) {
  payments_.pay_up_to(firms_.account[firm], accounts_.bondholders, firms_.thematic_bond[firm]);
  firms_.thematic_bond[firm] = 0;
  firms_.bond_unspent[firm] = 0;
  flows_.thematic_bond_defaults += 1;
  if (firms_.kind[firm] == kSme) firm_conditions_.is_distressed[firm] = 1;
}

void EcosystemModel::exit_firm(std::size_t i, std::int64_t /*step*/) {
  if (firms_.thematic_bond[i] > 0) default_on_bond(i);
  if (firms_.loan[i] > 0) {
    flows_.loans_defaulted += 1;
    std::vector<std::size_t> lenders;
    for (std::size_t b = 0; b < banks_.size(); ++b) {
      if (banks_.region[b] == firms_.region[i]) lenders.push_back(b);
    }
    if (!lenders.empty()) {
      // The lending bank recovers what the firm still holds; the pool pays its share of the loss.
      const std::size_t bank = lenders[static_cast<std::size_t>(firms_.id(i) % lenders.size())];
      const double recovered = payments_.pay_up_to(firms_.account[i], banks_.account[bank], firms_.loan[i]);
      const double loss = firms_.loan[i] - recovered;
      banks_.loans_outstanding[bank] -= firms_.loan[i];
      const std::int32_t pool = firm_incentives_.risk_pool_policy[i];
      if (pool >= 0 && loss > 0) {
        flows_.risk_pool_paid +=
            payments_.pay_up_to(accounts_.first_policy_account + pool, banks_.account[bank],
                                loss * firm_incentives_.risk_pool_share[i]);
      }
    }
    firms_.loan[i] = 0;
  }
  payments_.pay(firms_.account[i], accounts_.payout_sink, payments_.balance(firms_.account[i]));
  firms_.cash[i] = 0;
  firms_.mark_for_removal(i);
  exited_firm_ids_.push_back(firms_.id(i));
  flows_.sme_deaths += 1;
}

}  // namespace models::ecosystem
