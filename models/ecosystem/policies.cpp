// Policy instruments: the timeline, per-step incentives, consortia and challenge prizes.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "models/ecosystem/draws.hpp"
#include "models/ecosystem/ecosystem.hpp"
#include "sim/core/parallel.hpp"

namespace models::ecosystem {

bool EcosystemModel::targets(const PolicySpec& p, int region, int field, int kind, int tier,
                             int stage) const {
  if (p.region >= 0 && region >= 0 && p.region != region) return false;
  if (p.field >= 0 && field >= 0 && p.field != field) return false;
  if (p.agent_kind >= 0 && kind >= 0 && p.agent_kind != kind) return false;
  if (p.tier >= 0 && tier >= 0 && p.tier != tier) return false;
  if (p.stage >= 0 && stage >= 0 && p.stage != stage) return false;
  return true;
}

// Phase "apply_policies" — reads the policy timeline; writes policy accounts (budgets at start),
// per-agent incentive multipliers of this step, consortia and guidance sub-funds.
void EcosystemModel::apply_policies(const sim::PhaseContext& context) {
  flows_ = Flows{};
  const std::size_t n_labs = labs_.size(), n_firms = firms_.size();
  const std::size_t cells = p_.regions.size() * p_.fields.size();
  l_effort_mult_.assign(n_labs, 1.0);
  l_spinout_mult_.assign(n_labs, 1.0);
  l_extra_grant_.assign(n_labs, 0.0);
  l_dev_share_.assign(n_labs, p_.development_share_lab);
  assign_transfer_offices();
  l_mobility_mult_.assign(n_labs, 1.0);
  l_professor_policy_.assign(n_labs, -1);
  f_extra_grant_.assign(n_firms, 0.0);
  f_deduction_.assign(n_firms, 0.0);
  f_interest_subsidy_.assign(n_firms, 0.0);
  f_risk_pool_share_.assign(n_firms, 0.0);
  f_risk_pool_policy_.assign(n_firms, -1);
  f_expert_policy_.assign(n_firms, -1);
  rf_voucher_policy_.assign(cells, -1);
  rf_insurance_policy_.assign(cells, -1);
  rf_procurement_policy_.assign(cells, -1);
  region_outreach_.resize(p_.regions.size());
  for (std::size_t r = 0; r < p_.regions.size(); ++r)
    region_outreach_[r] = pilot_owner_effect(p_.regions[r].pilot_owner).outreach;
  region_operator_policy_.assign(p_.regions.size(), -1);
  region_capacity_policy_.assign(p_.regions.size(), -1);
  region_matching_policy_.assign(p_.regions.size(), -1);

  for (std::size_t k = 0; k < p_.policies.size(); ++k) {
    const PolicySpec& policy = p_.policies[k];
    const std::int64_t account = first_policy_account_ + static_cast<std::int64_t>(k);
    const auto pk = static_cast<std::int32_t>(k);
    if (step_ == policy.start_step) {
      // A regional instrument is paid by that region's government, the others by the national one.
      const std::int64_t payer = policy.region >= 0 ? first_regional_budget_ + policy.region
                                                    : static_cast<std::int64_t>(government_budget_);
      pay(payer, account, policy.budget_yuan);
      if (policy.type == PolicyType::guidance_fund) {
        // Fund-of-funds: the government's money is matched by private LPs up to the leverage
        // ratio (seed 004: Nansha's mother fund leveraged > 18 bn yuan of sub-funds).
        const double total = policy.budget_yuan * policy.guidance_fund.leverage;
        const auto subfunds =
            std::max<std::int64_t>(1, std::llround(total / std::max(1.0, p_.vc_fund_capital_yuan)));
        for (std::int64_t s = 0; s < subfunds; ++s) {
          const int region = policy.region >= 0
                                 ? policy.region
                                 : static_cast<int>(s % static_cast<std::int64_t>(p_.regions.size()));
          const std::size_t f =
              spawn_vc_fund(region, policy.field, total / static_cast<double>(subfunds), step_, true);
          const double from_government =
              pay_up_to(account, v_account_[f], policy.budget_yuan / static_cast<double>(subfunds));
          pay(private_capital_, v_account_[f], from_government * (policy.guidance_fund.leverage - 1.0));
          totals_.guidance_government_yuan += from_government;
          totals_.guidance_subfund_yuan += from_government * policy.guidance_fund.leverage;
        }
      }
      if (policy.type == PolicyType::consortium) form_consortia(k);
    }
    if (policy.type == PolicyType::consortium && step_ == policy.end_step + 1) {
      for (std::size_t i = 0; i < n_firms; ++i)
        if (f_consortium_[i] >= 0 && f_consortium_[i] / 1000 == pk) f_consortium_[i] = -1;
      for (std::size_t i = 0; i < n_labs; ++i)
        if (l_consortium_[i] >= 0 && l_consortium_[i] / 1000 == pk) l_consortium_[i] = -1;
    }
    if (!is_active(policy, step_)) continue;
    switch (policy.type) {
      case PolicyType::rd_grant:
        for (std::size_t i = 0; i < n_labs; ++i) {
          if (!targets(policy, l_region_[i], l_field_[i], l_kind_[i], -1, -1)) continue;
          l_extra_grant_[i] += policy.rd_grant.grant_yuan;
          // Milestone evaluation: downstream users judge the project, so staff spend effort on
          // transfer and on concept verification (seed 000: 下游评价上游).
          if (policy.rd_grant.evaluation == "milestone") {
            l_effort_mult_[i] *= policy.rd_grant.milestone_multiplier;
            l_dev_share_[i] = std::min(0.8, l_dev_share_[i] * policy.rd_grant.milestone_multiplier);
          }
        }
        for (std::size_t i = 0; i < n_firms; ++i) {
          if (policy.agent_kind < 0 || policy.agent_kind < kLeadFirm) continue;
          if (targets(policy, f_region_[i], f_field_[i], f_kind_[i], f_tier_[i], -1))
            f_extra_grant_[i] += policy.rd_grant.grant_yuan;
        }
        break;
      case PolicyType::ip_reform:
        // Ownership or long-term use rights for inventors (赋权): more disclosure, licensing and spin-outs.
        for (std::size_t i = 0; i < n_labs; ++i) {
          if (!targets(policy, l_region_[i], l_field_[i], l_kind_[i], -1, -1)) continue;
          l_effort_mult_[i] *= policy.ip_reform.transfer_multiplier;
          l_spinout_mult_[i] *= policy.ip_reform.transfer_multiplier;
        }
        break;
      case PolicyType::matching_service:
        for (std::size_t i = 0; i < n_labs; ++i) {
          if (targets(policy, l_region_[i], l_field_[i], l_kind_[i], -1, -1))
            l_match_mult_[i] *= policy.matching_service.match_multiplier;
        }
        for (std::size_t r = 0; r < p_.regions.size(); ++r) {
          if (policy.region < 0 || policy.region == static_cast<int>(r)) region_matching_policy_[r] = pk;
        }
        // Screening offices (seed 003) add deal capacity to the region's transfer offices.
        for (std::size_t m = 0; m < intermediaries_.size() && policy.matching_service.added_deal_capacity > 0;
             ++m) {
          if (i_kind_[m] == kTransferOffice && (policy.region < 0 || policy.region == i_region_[m]))
            i_effective_capacity_[m] += policy.matching_service.added_deal_capacity;
        }
        // Aimed at SMEs, the service pays expert services to help them with their own development
        // (seed 004; run_expert_services).
        for (std::size_t i = 0; i < n_firms && policy.agent_kind == kSme; ++i) {
          if (f_kind_[i] == kSme && targets(policy, f_region_[i], f_field_[i], kSme, f_tier_[i], -1))
            f_expert_policy_[i] = pk;
        }
        break;
      case PolicyType::industry_professor:
        // Industry professors (产业教授, seed 000): more researchers move to firms; the instrument pays
        // a stipend per researcher moved (move_researchers).
        for (std::size_t i = 0; i < n_labs; ++i) {
          if (!targets(policy, l_region_[i], l_field_[i], l_kind_[i], -1, -1)) continue;
          l_mobility_mult_[i] *= policy.industry_professor.mobility_multiplier;
          l_professor_policy_[i] = pk;
        }
        break;
      case PolicyType::super_deduction:
        for (std::size_t i = 0; i < n_firms; ++i) {
          if (targets(policy, f_region_[i], f_field_[i], f_kind_[i], f_tier_[i], -1))
            f_deduction_[i] = policy.super_deduction.extra_deduction_share;
        }
        break;
      case PolicyType::loan_interest_subsidy:
        for (std::size_t i = 0; i < n_firms; ++i) {
          if (targets(policy, f_region_[i], f_field_[i], f_kind_[i], f_tier_[i], -1))
            f_interest_subsidy_[i] = policy.loan_interest_subsidy.interest_subsidy_share;
        }
        break;
      case PolicyType::risk_pool:
        for (std::size_t i = 0; i < n_firms; ++i) {
          if (f_kind_[i] == kSme && targets(policy, f_region_[i], f_field_[i], f_kind_[i], f_tier_[i], -1)) {
            f_risk_pool_share_[i] = policy.risk_pool.loss_share;
            f_risk_pool_policy_[i] = pk;
          }
        }
        break;
      case PolicyType::repayable_grant:
      case PolicyType::grant_to_equity:
        if (step_ != policy.start_step) break;
        for (std::size_t i = 0; i < n_firms; ++i) {
          if (f_kind_[i] != kSme || !targets(policy, f_region_[i], f_field_[i], f_kind_[i], f_tier_[i], -1))
            continue;
          const double paid =
              pay_up_to(account, f_account_[i],
                        policy.type == PolicyType::repayable_grant ? policy.repayable_grant.grant_yuan
                                                                   : policy.grant_to_equity.grant_yuan);
          if (paid <= 0) break;
          if (policy.type == PolicyType::repayable_grant)
            f_repayable_[i] += paid;
          else
            f_equity_grant_[i] += paid;
        }
        break;
      case PolicyType::pilot_capacity:
      case PolicyType::pilot_operator_incentive:
        for (std::size_t r = 0; r < p_.regions.size(); ++r) {
          if (policy.region >= 0 && policy.region != static_cast<int>(r)) continue;
          if (policy.type == PolicyType::pilot_capacity)
            region_capacity_policy_[r] = pk;
          else {
            region_operator_policy_[r] = pk;
            region_outreach_[r] *= policy.pilot_operator_incentive.outreach_multiplier;
          }
        }
        break;
      case PolicyType::pilot_voucher:
      case PolicyType::first_unit_insurance:
      case PolicyType::procurement:
        for (std::size_t r = 0; r < p_.regions.size(); ++r) {
          for (std::size_t f = 0; f < p_.fields.size(); ++f) {
            if (!targets(policy, static_cast<int>(r), static_cast<int>(f), -1, -1, -1)) continue;
            const auto c = static_cast<std::size_t>(cell(static_cast<int>(r), static_cast<int>(f)));
            if (policy.type == PolicyType::pilot_voucher)
              rf_voucher_policy_[c] = pk;
            else if (policy.type == PolicyType::first_unit_insurance)
              rf_insurance_policy_[c] = pk;
            else
              rf_procurement_policy_[c] = pk;
          }
        }
        break;
      case PolicyType::consortium:
        // Shared R&D of the consortium: paid to its lead firm every quarter.
        for (std::size_t i = 0; i < n_firms; ++i) {
          if (f_kind_[i] == kLeadFirm && f_consortium_[i] >= 0 && f_consortium_[i] / 1000 == pk)
            f_extra_grant_[i] += policy.consortium.lead_firm_grant_yuan;
        }
        break;
      case PolicyType::challenge_project:
      case PolicyType::guidance_fund:
      case PolicyType::ex_post_reward:
      case PolicyType::thematic_bond:
        // Challenge prizes: run_challenges_and_consortia; sub-funds: at start; ex-post rewards:
        // anticipate_rewards and advance_results (payment); bonds: finance_thematic_bonds.
        break;
    }
  }
  consortia_count_ = 0;
  {
    std::vector<std::int32_t> seen;
    for (std::size_t i = 0; i < n_firms; ++i) {
      if (f_kind_[i] == kLeadFirm && f_consortium_[i] >= 0) seen.push_back(f_consortium_[i]);
    }
    std::sort(seen.begin(), seen.end());
    consortia_count_ = static_cast<std::int64_t>(std::unique(seen.begin(), seen.end()) - seen.begin());
  }
  (void)context;
}

// A consortium per targeted lead firm (or `max_consortia` of them), with `members` labs and SMEs of its
// field drawn at random (seed 001: 21 central SOEs lead 24 consortia). Consortium id = policy *
// 1000 + number.
void EcosystemModel::form_consortia(std::size_t policy_index) {
  const PolicySpec& policy = p_.policies[policy_index];
  std::int32_t number = 0;
  for (std::size_t i = 0; i < firms_.size(); ++i) {
    if (f_kind_[i] != kLeadFirm || f_consortium_[i] >= 0) continue;
    if (!targets(policy, f_region_[i], f_field_[i], kLeadFirm, -1, -1)) continue;
    if (policy.consortium.max_consortia > 0 && number >= policy.consortium.max_consortia) break;
    const std::int32_t id = static_cast<std::int32_t>(policy_index) * 1000 + number++;
    f_consortium_[i] = id;
    auto rng =
        streams_.stream(static_cast<std::uint64_t>(step_), sim::purpose_id("form_consortia"), firms_.id(i));
    std::int64_t joined = 0;
    for (std::int64_t attempt = 0;
         attempt < policy.consortium.members * 20 && joined < policy.consortium.members; ++attempt) {
      const bool lab = rng.bernoulli(0.5);
      if (lab && labs_.size() > 0) {
        const std::size_t j = rng.uniform_below(labs_.size());
        if (l_field_[j] != f_field_[i] || l_consortium_[j] >= 0) continue;
        l_consortium_[j] = id;
        ++joined;
      } else if (!lab && firms_.size() > 0) {
        const std::size_t j = rng.uniform_below(firms_.size());
        if (f_kind_[j] != kSme || f_field_[j] != f_field_[i] || f_consortium_[j] >= 0) continue;
        f_consortium_[j] = id;
        ++joined;
      }
    }
  }
}

// Phase "run_challenges_and_consortia" — challenge-based projects (揭榜挂帅/赛马): each active
// challenge posts a prize per quarter; candidate results of its field at TRL 3-5 held by labs or
// SMEs race on observed quality (quality + noise); the winner (and, cross-region, the best
// partner from another region) gets the prize and becomes sponsored.
void EcosystemModel::run_challenges_and_consortia(const sim::PhaseContext& context) {
  for (std::size_t k = 0; k < p_.policies.size(); ++k) {
    const auto& policy = p_.policies[k];
    if (policy.type != PolicyType::challenge_project || !is_active(policy, step_)) continue;
    const std::int64_t account = first_policy_account_ + static_cast<std::int64_t>(k);
    if (balance(account) < policy.challenge_project.prize_yuan || policy.challenge_project.prize_yuan <= 0)
      continue;
    std::vector<std::pair<double, std::uint32_t>> best_by_region(p_.regions.size(), {-1e300, 0xFFFFFFFFu});
    for (std::size_t i = 0; i < results_.size(); ++i) {
      if (r_dies_[i] || r_is_sponsored_[i] || r_trl_[i] < 3 || r_trl_[i] > 5) continue;
      const std::uint32_t o = r_owner_index_[i];
      const bool firm = r_owner_is_firm_[i] != 0;
      if (firm && f_kind_[o] != kSme) continue;
      const int region = firm ? f_region_[o] : l_region_[o];
      if (!policy.challenge_project.is_cross_region && policy.region >= 0 && region != policy.region)
        continue;
      if (policy.field >= 0 && r_field_[i] != policy.field) continue;
      auto rng = context.rng(results_.id(i), sim::purpose_id("challenge") + k);
      const double observed = r_quality_[i] + 0.5 * rng.normal();
      auto& best = best_by_region[static_cast<std::size_t>(region)];
      if (observed > best.first) best = {observed, static_cast<std::uint32_t>(i)};
    }
    std::vector<std::pair<double, std::uint32_t>> ranked;
    for (const auto& b : best_by_region)
      if (b.second != 0xFFFFFFFFu) ranked.push_back(b);
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    const std::size_t winners = policy.challenge_project.is_cross_region ? 2 : 1;
    if (ranked.size() < winners) continue;  // cross-region teams need two regions
    for (std::size_t w = 0; w < winners; ++w) {
      const std::uint32_t i = ranked[w].second;
      const std::uint32_t o = r_owner_index_[i];
      const std::int64_t to = r_owner_is_firm_[i] ? f_account_[o] : l_account_[o];
      pay_up_to(account, to, policy.challenge_project.prize_yuan / static_cast<double>(winners));
      r_is_sponsored_[i] = 1;
    }
  }
}

}  // namespace models::ecosystem
