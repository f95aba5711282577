// Finance: venture capital (incl. guidance sub-funds), bank credit, risk-compensation pools.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "models/ecosystem/draws.hpp"
#include "models/ecosystem/ecosystem.hpp"
#include "sim/core/parallel.hpp"

namespace models::ecosystem {

// Phase "invest_venture_capital" — funds in their investment period screen SMEs of their region
// (and field) and invest a ticket when the best result an SME develops signals enough quality;
// funds at the end of their life pay their cash back to the LPs and close.
void EcosystemModel::invest_venture_capital(const sim::PhaseContext& context) {
  for (std::size_t k = 0; k < funds_.size(); ++k) {
    const std::int64_t age = step_ - v_vintage_[k];
    if (age >= p_.vc_fund_life_quarters) {
      pay(v_account_[k], payout_sink_, balance(v_account_[k]));
      funds_.mark_for_removal(k);
      continue;
    }
    if (age >= p_.vc_fund_life_quarters / 2) continue;
    auto rng = context.rng(funds_.id(k));
    for (std::int64_t d = 0; d < p_.vc_deals_per_quarter; ++d) {
      if (balance(v_account_[k]) < p_.vc_ticket_yuan) break;
      // Capital crosses regions: part of the screening looks at other regions' SMEs.
      std::size_t region = static_cast<std::size_t>(v_region_[k]);
      if (!rng.bernoulli(p_.vc_same_region_share)) region = rng.uniform_below(p_.regions.size());
      const auto& candidates = smes_by_region_[region];
      if (candidates.empty()) continue;
      const std::uint32_t f = candidates[rng.uniform_below(candidates.size())];
      if (v_field_[k] >= 0 && f_field_[f] != v_field_[k]) continue;
      const double signal = f_best_quality_[f] + 0.3 * rng.normal();
      if (signal < p_.vc_quality_threshold || f_vc_fund_[f] >= 0) continue;
      pay(v_account_[k], f_account_[f], p_.vc_ticket_yuan);
      f_vc_fund_[f] = static_cast<std::int64_t>(funds_.id(k));
      f_vc_invested_[f] += p_.vc_ticket_yuan;
      flows_.vc_invested += p_.vc_ticket_yuan;
      deal_ids_.push_back(next_deal_id_++);
      deals_.push_back({kVcInvestment, static_cast<std::int64_t>(funds_.id(k)),
                        static_cast<std::int64_t>(firms_.id(f)), -1, p_.vc_ticket_yuan});
    }
  }
  funds_.remove_marked();
  // Private VC is raised again as funds close: each region keeps its number of ordinary funds.
  std::vector<std::int64_t> ordinary(p_.regions.size(), 0);
  for (std::size_t k = 0; k < funds_.size(); ++k)
    ordinary[static_cast<std::size_t>(v_region_[k])] += v_is_guided_[k] ? 0 : 1;
  for (std::size_t r = 0; r < p_.regions.size(); ++r) {
    for (std::int64_t k = ordinary[r]; k < p_.regions[r].vc_funds; ++k) {
      const std::size_t f = spawn_vc_fund(static_cast<int>(r), -1, p_.vc_fund_capital_yuan, step_, false);
      pay(private_capital_, v_account_[f], p_.vc_fund_capital_yuan);
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
    banks_by_region[static_cast<std::size_t>(b_region_[b])].push_back(static_cast<std::uint32_t>(b));
  auto bank_of = [&](std::size_t firm) -> std::int64_t {
    const auto& list = banks_by_region[static_cast<std::size_t>(f_region_[firm])];
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
      if (f_kind_[i] != kSme || bank_of(i) < 0) continue;
      if (f_loan_[i] > 0) {
        requests.push_back(static_cast<std::uint32_t>(i));
        continue;
      }
      auto rng = context.rng(firms_.id(i));
      const bool short_of_money = f_need_[i] > f_dev_budget_[i];
      const double ask =
          p_.loan_request_rate * (short_of_money ? 1.0 : 0.3) * (1.0 + 2.0 * f_interest_subsidy_[i]);
      if (!rng.bernoulli(std::min(1.0, ask))) continue;
      const double size = p_.loan_size_yuan * (1.0 + f_tier_[i]);
      const double cash = balance(f_account_[i]);
      double default_probability = p_.loan_default_base * std::exp(-0.5 * f_tier_[i] + 0.3 * rng.normal());
      if (cash < 0.5 * size) default_probability *= 1.5;
      const double expected_loss =
          default_probability * p_.loan_loss_given_default * (1.0 - f_risk_pool_share_[i]);
      if (expected_loss > p_.loan_acceptable_loss) continue;
      requests.push_back(static_cast<std::uint32_t>(i));
    }
  });
  for (const std::size_t i : loan_buffer_.gather()) {
    const auto bank = static_cast<std::size_t>(bank_of(i));
    if (f_loan_[i] > 0) {
      const double interest = f_loan_[i] * p_.loan_rate_per_quarter;
      double paid = 0;
      for (std::size_t k = 0; k < p_.policies.size() && f_interest_subsidy_[i] > 0; ++k) {
        const auto& policy = p_.policies[k];
        if (policy.type == PolicyType::loan_interest_subsidy && is_active(policy, step_) &&
            targets(policy, f_region_[i], f_field_[i], f_kind_[i], f_tier_[i], -1)) {
          paid += pay_up_to(first_policy_account_ + static_cast<std::int64_t>(k), b_account_[bank],
                            interest * f_interest_subsidy_[i]);
          break;
        }
      }
      paid += pay_up_to(f_account_[i], b_account_[bank], interest - paid);
      if (paid + 0.01 < interest) {
        f_is_distressed_[i] = 1;
        continue;
      }
      if (step_ >= f_loan_due_[i]) {
        if (balance(f_account_[i]) >= f_loan_[i]) {
          pay(f_account_[i], b_account_[bank], f_loan_[i]);
          b_outstanding_[bank] -= f_loan_[i];
          f_loan_[i] = 0;
        } else {
          f_is_distressed_[i] = 1;
        }
      }
      continue;
    }
    const double size = p_.loan_size_yuan * (1.0 + f_tier_[i]);
    if (balance(b_account_[bank]) < size) continue;
    pay(b_account_[bank], f_account_[i], size);
    f_loan_[i] = size;
    f_loan_due_[i] = static_cast<std::int32_t>(step_ + p_.loan_term_quarters);
    b_outstanding_[bank] += size;
    deal_ids_.push_back(next_deal_id_++);
    deals_.push_back({kLoan, static_cast<std::int64_t>(banks_.id(bank)),
                      static_cast<std::int64_t>(firms_.id(i)), -1, size});
  }
}

// Phase "finance_thematic_bonds" — thematic bonds for the industrialization of results (seed 000).
// Reads firms' results at TRL 7-8 (index_holdings), their development needs and cash, and the
// thematic_bond instruments. Firms with a bond pay the coupon (`thematic_bond_coupon_per_quarter`;
// the instrument pays its `coupon_share` while it has money) and the principal at maturity
// (`thematic_bond_term_quarters`) to the bond holders, or default (the holders recover the cash
// left; an SME exits). A firm targeted by an active instrument that holds a result at TRL 7-8 and
// has no bond issues one of principal_yuan, bought by private investors. Unspent proceeds fund the part
// of the firm's development need its budget does not cover (to the R&D sink). Bond holders pay
// their income out.
void EcosystemModel::finance_thematic_bonds(const sim::PhaseContext& /*context*/) {
  for (std::size_t i = 0; i < firms_.size(); ++i) {
    if (f_thematic_bond_[i] <= 0) continue;
    const double coupon = f_thematic_bond_[i] * p_.thematic_bond_coupon_per_quarter;
    const auto policy = static_cast<std::size_t>(f_bond_policy_[i]);
    double paid = pay_up_to(first_policy_account_ + static_cast<std::int64_t>(policy), bondholders_,
                            coupon * p_.policies[policy].thematic_bond.coupon_share);
    paid += pay_up_to(f_account_[i], bondholders_, coupon - paid);
    if (paid + 0.01 < coupon) {
      default_on_bond(i);
      continue;
    }
    if (step_ >= f_bond_due_[i]) {
      if (balance(f_account_[i]) + 0.005 < f_thematic_bond_[i]) {
        default_on_bond(i);
        continue;
      }
      pay(f_account_[i], bondholders_, f_thematic_bond_[i]);
      f_thematic_bond_[i] = 0;
      f_bond_unspent_[i] = 0;
    }
  }
  for (std::size_t k = 0; k < p_.policies.size(); ++k) {
    const auto& policy = p_.policies[k];
    if (policy.type != PolicyType::thematic_bond || !is_active(policy, step_) ||
        policy.thematic_bond.principal_yuan <= 0)
      continue;
    for (std::size_t i = 0; i < firms_.size(); ++i) {
      if (f_thematic_bond_[i] > 0 || f_commercializing_[i] == 0) continue;
      if (!targets(policy, f_region_[i], f_field_[i], f_kind_[i], f_tier_[i], -1)) continue;
      pay(private_capital_, f_account_[i], policy.thematic_bond.principal_yuan);
      f_thematic_bond_[i] = to_yuan(to_fen(policy.thematic_bond.principal_yuan));
      f_bond_unspent_[i] = f_thematic_bond_[i];
      f_bond_due_[i] = static_cast<std::int32_t>(step_ + p_.thematic_bond_term_quarters);
      f_bond_policy_[i] = static_cast<std::int32_t>(k);
      flows_.thematic_bonds_issued += f_thematic_bond_[i];
    }
  }
  for (std::size_t i = 0; i < firms_.size(); ++i) {
    if (f_bond_unspent_[i] <= 0) continue;
    const double gap = std::max(0.0, f_need_[i] - f_dev_budget_[i]);
    const double spent = pay_up_to(f_account_[i], rd_sink_, std::min(gap, f_bond_unspent_[i]));
    f_bond_unspent_[i] -= spent;
    f_dev_budget_[i] += spent;
    f_rd_spending_[i] += spent;
    flows_.rd_spending[f_kind_[i]] += spent;
  }
  pay(bondholders_, payout_sink_, balance(bondholders_));
}

// The holders recover what the firm holds, at most the principal; the rest is their loss.
void EcosystemModel::default_on_bond(std::size_t firm) {
  pay_up_to(f_account_[firm], bondholders_, f_thematic_bond_[firm]);
  f_thematic_bond_[firm] = 0;
  f_bond_unspent_[firm] = 0;
  flows_.thematic_bond_defaults += 1;
  if (f_kind_[firm] == kSme) f_is_distressed_[firm] = 1;
}

void EcosystemModel::exit_firm(std::size_t i, std::int64_t /*step*/) {
  if (f_thematic_bond_[i] > 0) default_on_bond(i);
  if (f_loan_[i] > 0) {
    flows_.loans_defaulted += 1;
    std::vector<std::size_t> lenders;
    for (std::size_t b = 0; b < banks_.size(); ++b) {
      if (b_region_[b] == f_region_[i]) lenders.push_back(b);
    }
    if (!lenders.empty()) {
      // The lending bank recovers what the firm still holds; the pool pays its share of the loss.
      const std::size_t bank = lenders[static_cast<std::size_t>(firms_.id(i) % lenders.size())];
      const double recovered = pay_up_to(f_account_[i], b_account_[bank], f_loan_[i]);
      const double loss = f_loan_[i] - recovered;
      b_outstanding_[bank] -= f_loan_[i];
      const std::int32_t pool = f_risk_pool_policy_[i];
      if (pool >= 0 && loss > 0) {
        flows_.risk_pool_paid +=
            pay_up_to(first_policy_account_ + pool, b_account_[bank], loss * f_risk_pool_share_[i]);
      }
    }
    f_loan_[i] = 0;
  }
  pay(f_account_[i], payout_sink_, balance(f_account_[i]));
  f_cash_[i] = 0;
  firms_.mark_for_removal(i);
  exited_firm_ids_.push_back(firms_.id(i));
  flows_.sme_deaths += 1;
}

}  // namespace models::ecosystem
