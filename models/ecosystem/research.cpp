// R&D funding by performer and the generation of research results.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <utility>

#include "models/ecosystem/draws.hpp"
#include "models/ecosystem/ecosystem.hpp"
#include "sim/core/parallel.hpp"

namespace models::ecosystem {

// Phase "fund_research" — reads budgets, revenue, cash and policy grants; moves appropriations
// to labs and R&D spending of every performer to the R&D sink; writes each performer's split of
// spending into basic research, new applied results and development of results it holds.
void EcosystemModel::fund_research(const sim::PhaseContext& /*context*/) {
  const std::size_t n_labs = labs_.size(), n_firms = firms_.size();
  l_basic_spend_.assign(n_labs, 0.0);
  l_new_spend_.assign(n_labs, 0.0);
  l_dev_budget_.assign(n_labs, 0.0);
  // Appropriations follow the economy: indexed to the mean demand index of the fields.
  const double economy_index = std::accumulate(demand_index_.begin(), demand_index_.end(), 0.0) /
                               static_cast<double>(demand_index_.size());
  for (std::size_t i = 0; i < n_labs; ++i) {
    pay(government_budget_, l_account_[i], l_budget_[i] * economy_index);
    double extra = 0;
    for (std::size_t k = 0; k < p_.policies.size() && l_extra_grant_[i] > 0; ++k) {
      const auto& policy = p_.policies[k];
      if (policy.type != PolicyType::rd_grant || !is_active(policy, step_)) continue;
      if (!targets(policy, l_region_[i], l_field_[i], l_kind_[i], -1, -1)) continue;
      extra += pay_up_to(first_policy_account_ + static_cast<std::int64_t>(k), l_account_[i],
                         policy.rd_grant.grant_yuan);
    }
    (void)extra;
    const double spend = balance(l_account_[i]);
    pay(l_account_[i], rd_sink_, spend);
    const double basic_share =
        l_kind_[i] == kUniversity ? p_.basic_share_university : p_.basic_share_institute;
    const double basic = spend * basic_share;
    l_basic_spend_[i] = basic;
    l_dev_budget_[i] = (spend - basic) * l_dev_share_[i];
    l_new_spend_[i] = spend - basic - l_dev_budget_[i];
    flows_.rd_spending[l_kind_[i]] += spend;
    flows_.basic_spending += basic;
  }
  f_basic_spend_.assign(n_firms, 0.0);
  f_new_spend_.assign(n_firms, 0.0);
  f_dev_budget_.assign(n_firms, 0.0);
  // Grants first, in firm order (they draw on policy accounts shared by all firms) ...
  for (std::size_t i = 0; i < n_firms; ++i) {
    for (std::size_t k = 0; k < p_.policies.size() && f_extra_grant_[i] > 0; ++k) {
      const auto& policy = p_.policies[k];
      if (!is_active(policy, step_)) continue;
      // The same rules as in apply_policies: consortium money to the lead firm only, firm grants
      // only from grants that target firms.
      const bool pays = (policy.type == PolicyType::consortium && f_kind_[i] == kLeadFirm &&
                         f_consortium_[i] >= 0 && f_consortium_[i] / 1000 == static_cast<std::int32_t>(k)) ||
                        (policy.type == PolicyType::rd_grant && policy.agent_kind >= kLeadFirm &&
                         targets(policy, f_region_[i], f_field_[i], f_kind_[i], f_tier_[i], -1));
      if (pays)
        pay_up_to(first_policy_account_ + static_cast<std::int64_t>(k), f_account_[i],
                  policy.type == PolicyType::consortium ? policy.consortium.lead_firm_grant_yuan
                                                        : policy.rd_grant.grant_yuan);
    }
  }
  // ... then every firm sets and spends its R&D budget, in parallel (sim/core/ledger_batch.hpp), with
  // per-chunk sums added in chunk order.
  struct Spending {
    std::array<double, kPerformers> by_performer{};
    double basic = 0;
    double government = 0;  // government spending among the chunk's payments (none today)
  };
  std::vector<Spending> spending(sim::chunk_count(n_firms));
  sim::parallel_for_chunks(n_firms, [&](const sim::Chunk& chunk) {
    auto payments = chunk_payments();
    auto& sum = spending[chunk.index];
    for (std::size_t i = chunk.begin; i != chunk.end; ++i) {
      const double intensity = f_kind_[i] == kLeadFirm ? p_.lead_firm_rd_intensity : p_.sme_rd_intensity;
      // Super-deduction lowers the after-tax cost of R&D by rate * tax_rate.
      const double incentive = 1.0 + p_.rd_tax_elasticity * f_deduction_[i] * p_.tax_rate;
      const double cash = balance(payments, f_account_[i]);
      const double reserve = f_revenue_[i] * (1.0 - f_margin_[i]);
      const double budget = intensity * f_revenue_[i] * incentive +
                            p_.cash_rd_share * std::max(0.0, cash - reserve) + f_extra_grant_[i];
      const double spend = pay_up_to(payments, f_account_[i], rd_sink_, budget);
      f_rd_spending_[i] = spend;
      const double basic = spend * p_.basic_share_firm;
      f_basic_spend_[i] = basic;
      f_dev_budget_[i] = (spend - basic) * p_.development_share_firm;
      f_new_spend_[i] = spend - basic - f_dev_budget_[i];
      sum.by_performer[f_kind_[i]] += spend;
      sum.basic += basic;
    }
    payments.ledger.commit();
    sum.government = payments.government_spending;
  });
  for (const auto& sum : spending) {
    flows_.government_spending += sum.government;
    for (int k = 0; k < kPerformers; ++k) flows_.rd_spending[k] += sum.by_performer[k];
    flows_.basic_spending += sum.basic;
  }
}

// Phase "anticipate_rewards" — ex-post rewards (以奖代补) act through expectations. Reads results'
// holders (index_holdings), firms' development needs and budgets, and the active ex_post_reward
// instruments that still have money. A targeted firm adds to its development budget
// `reward_anticipation_share` × reward_yuan per result it holds one stage short of the rewarded
// stage, at most the part of its development need its budget leaves unfunded, paid from its cash
// to the R&D sink. One pass over results per active instrument; nothing without one.
void EcosystemModel::anticipate_rewards(const sim::PhaseContext& /*context*/) {
  std::vector<std::int32_t> pending;
  for (std::size_t k = 0; k < p_.policies.size(); ++k) {
    const auto& policy = p_.policies[k];
    if (policy.type != PolicyType::ex_post_reward || !is_active(policy, step_)) continue;
    if (balance(first_policy_account_ + static_cast<std::int64_t>(k)) < policy.ex_post_reward.reward_yuan)
      continue;
    const int rewarded = policy.stage >= 0 ? policy.stage : kIndustrialization;
    if (rewarded == kResearch) continue;
    pending.assign(firms_.size(), 0);
    for (std::size_t i = 0; i < results_.size(); ++i) {
      if (r_dies_[i] || !r_owner_is_firm_[i] || r_stage_[i] != rewarded - 1 || r_is_shelved_[i]) continue;
      pending[r_owner_index_[i]] += 1;
    }
    for (std::size_t f = 0; f < firms_.size(); ++f) {
      if (pending[f] == 0 || !targets(policy, f_region_[f], f_field_[f], f_kind_[f], f_tier_[f], -1))
        continue;
      const double wanted = p_.reward_anticipation_share * policy.ex_post_reward.reward_yuan * pending[f];
      const double unfunded = std::max(0.0, f_need_[f] - f_dev_budget_[f]);
      const double ahead = pay_up_to(f_account_[f], rd_sink_, std::min(wanted, unfunded));
      f_dev_budget_[f] += ahead;
      f_rd_spending_[f] += ahead;
      flows_.rd_spending[f_kind_[f]] += ahead;
    }
  }
}

// Phase "generate_results" — reads each performer's research spending; spawns results (Poisson
// counts, quality, TRL, patenting). Performers (labs, then firms) draw their counts in parallel;
// the results are then spawned at once, in performer order, so ids do not depend on threads,
// and each performer fills its own rows from its own stream.
void EcosystemModel::generate_results(const sim::PhaseContext& context) {
  const std::size_t n_labs = labs_.size();
  const std::size_t performers = n_labs + firms_.size();
  struct Origin {
    Performer kind;
    int region, field;
    std::uint64_t owner;
    bool is_firm;
    double basic_spend, new_spend, quality_mean, patent_probability;
  };
  const auto origin_of = [&](std::size_t p) {
    if (p < n_labs) {
      const bool university = l_kind_[p] == kUniversity;
      return Origin{static_cast<Performer>(l_kind_[p]),
                    l_region_[p],
                    l_field_[p],
                    labs_.id(p),
                    false,
                    l_basic_spend_[p],
                    l_new_spend_[p],
                    university ? p_.quality_mean_university : p_.quality_mean_institute,
                    university ? p_.patent_probability_university : p_.patent_probability_institute};
    }
    const std::size_t f = p - n_labs;
    return Origin{static_cast<Performer>(f_kind_[f]),
                  f_region_[f],
                  f_field_[f],
                  firms_.id(f),
                  true,
                  f_basic_spend_[f],
                  f_new_spend_[f],
                  p_.quality_mean_firm,
                  p_.patent_probability_firm};
  };
  const auto stream_of = [&](const Origin& o) {
    return context.rng(o.owner,
                       sim::purpose_id(o.is_firm ? "generate_results/firm" : "generate_results/lab"));
  };
  // The first two draws of a performer's stream: how many basic and applied results.
  const auto draw_counts = [&](sim::PhiloxStream& rng, const Origin& o) {
    const std::int64_t n_basic = poisson(rng, o.basic_spend / p_.result_cost_basic_yuan);
    const std::int64_t n_applied = poisson(rng, o.new_spend / p_.result_cost_applied_yuan);
    return std::pair{n_basic, n_applied};
  };
  std::vector<std::uint32_t> first_row(performers + 1, 0);
  sim::parallel_for_each_index(performers, [&](std::size_t p) {
    const Origin o = origin_of(p);
    auto rng = stream_of(o);
    const auto [n_basic, n_applied] = draw_counts(rng, o);
    first_row[p + 1] = static_cast<std::uint32_t>(n_basic + n_applied);
  });
  const std::size_t base = results_.size();
  for (std::size_t p = 0; p < performers; ++p) first_row[p + 1] += first_row[p];
  const std::size_t created = first_row[performers];
  if (created == 0) return;
  results_.spawn(created);
  sim::parallel_for_each_index(performers, [&](std::size_t p) {
    if (first_row[p + 1] == first_row[p]) return;
    const Origin o = origin_of(p);
    auto rng = stream_of(o);
    const auto [n_basic, n_applied] = draw_counts(rng, o);
    for (std::int64_t k = 0; k < n_basic + n_applied; ++k) {
      const std::size_t i = base + first_row[p] + static_cast<std::size_t>(k);
      const bool applied = k >= n_basic;
      r_origin_[i] = o.kind;
      r_region_[i] = static_cast<std::int16_t>(o.region);
      r_field_[i] = static_cast<std::int16_t>(o.field);
      r_quality_[i] = o.quality_mean + rng.normal();
      r_trl_[i] = u8(applied ? (o.is_firm ? 3 : 2) : 1);
      r_stage_[i] = stage_of_trl(r_trl_[i]);
      r_ip_[i] = applied && rng.bernoulli(o.patent_probability) ? kPatented : kUnprotected;
      r_owner_[i] = static_cast<std::int64_t>(o.owner);
      r_owner_is_firm_[i] = o.is_firm ? 1 : 0;
      r_is_applied_[i] = applied ? 1 : 0;
      r_investment_[i] = applied ? p_.result_cost_applied_yuan : p_.result_cost_basic_yuan;
    }
  });
  totals_.results_created += static_cast<std::int64_t>(created);
}

}  // namespace models::ecosystem
