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
#include "models/ecosystem/stream_purposes.hpp"
#include "sim/parallel.hpp"

namespace models::ecosystem {

// Phase "fund_research" — reads budgets, revenue, cash and policy grants; moves appropriations
// to labs and R&D spending of every performer to the R&D sink; writes each performer's split of
// spending into basic research, new applied results and development of results it holds.
void EcosystemModel::fund_research(const sim::PhaseContext& /*context*/) {
  const std::size_t n_labs = labs_.size(), n_firms = firms_.size();
  lab_budgets_.basic_spend.assign(n_labs, 0.0);
  lab_budgets_.new_spend.assign(n_labs, 0.0);
  lab_budgets_.dev_budget.assign(n_labs, 0.0);
  // Appropriations follow the economy: indexed to the mean demand index of the fields.
  const double economy_index =
      std::accumulate(markets_.demand_index.begin(), markets_.demand_index.end(), 0.0) /
      static_cast<double>(markets_.demand_index.size());
  for (std::size_t i = 0; i < n_labs; ++i) {
    payments_.pay(accounts_.government_budget, labs_.account[i], labs_.budget_yuan[i] * economy_index);
    double extra = 0;
    for (std::size_t k = 0; k < p_.policies.size() && lab_incentives_.extra_grant[i] > 0; ++k) {
      const auto& policy = p_.policies[k];
      if (policy.type != PolicyType::rd_grant || !is_active(policy, step_)) continue;
      if (!targets(policy, labs_.region[i], labs_.field[i], labs_.kind[i], -1, -1)) continue;
      extra += payments_.pay_up_to(accounts_.first_policy_account + static_cast<std::int64_t>(k),
                                   labs_.account[i], policy.amount_yuan);
    }
    (void)extra;
    const double spend = payments_.balance(labs_.account[i]);
    payments_.pay(labs_.account[i], accounts_.rd_sink, spend);
    const double basic_share =
        labs_.kind[i] == kUniversity ? p_.basic_share_university : p_.basic_share_institute;
    const double basic = spend * basic_share;
    lab_budgets_.basic_spend[i] = basic;
    lab_budgets_.dev_budget[i] = (spend - basic) * lab_incentives_.dev_share[i];
    lab_budgets_.new_spend[i] = spend - basic - lab_budgets_.dev_budget[i];
    flows_.rd_spending[labs_.kind[i]] += spend;
    flows_.basic_spending += basic;
  }
  firm_budgets_.basic_spend.assign(n_firms, 0.0);
  firm_budgets_.new_spend.assign(n_firms, 0.0);
  firm_budgets_.dev_budget.assign(n_firms, 0.0);
  // Grants first, in firm order (they draw on policy accounts shared by all firms) ...
  for (std::size_t i = 0; i < n_firms; ++i) {
    for (std::size_t k = 0; k < p_.policies.size() && firm_incentives_.extra_grant[i] > 0; ++k) {
      const auto& policy = p_.policies[k];
      if (!is_active(policy, step_)) continue;
      // The same rules as in apply_policies: consortium money to the lead firm only, firm grants
      // only from grants that target firms.
      const bool pays =
          (policy.type == PolicyType::consortium && firms_.kind[i] == kLeadFirm &&
           firms_.consortium[i] >= 0 && firms_.consortium[i] / 1000 == static_cast<std::int32_t>(k)) ||
          (policy.type == PolicyType::rd_grant && policy.agent_kind >= kLeadFirm &&
           targets(policy, firms_.region[i], firms_.field[i], firms_.kind[i], firms_.tier[i], -1));
      if (pays)
        payments_.pay_up_to(accounts_.first_policy_account + static_cast<std::int64_t>(k), firms_.account[i],
                            policy.amount_yuan);
    }
  }
  // ... then every firm sets and spends its R&D budget, in parallel (sim/ledger_batch.hpp), with
  // per-chunk sums added in chunk order.
  struct Spending {
    std::array<double, kPerformers> by_performer{};
    double basic = 0;
    double government = 0;  // government spending among the chunk's payments (none today)
  };
  std::vector<Spending> spending(sim::chunk_count(n_firms));
  sim::parallel_for_chunks(n_firms, [&](const sim::Chunk& chunk) {
    auto payments = payments_.chunk();
    auto& sum = spending[chunk.index];
    for (std::size_t i = chunk.begin; i != chunk.end; ++i) {
      const double intensity = firms_.kind[i] == kLeadFirm ? p_.lead_firm_rd_intensity : p_.sme_rd_intensity;
      // Super-deduction lowers the after-tax cost of R&D by rate * tax_rate.
      const double incentive = 1.0 + p_.rd_tax_elasticity * firm_incentives_.deduction[i] * p_.tax_rate;
      const double cash = payments_.balance(payments, firms_.account[i]);
      const double reserve = firms_.revenue[i] * (1.0 - firms_.margin[i]);
      const double budget = intensity * firms_.revenue[i] * incentive +
                            p_.cash_rd_share * std::max(0.0, cash - reserve) +
                            firm_incentives_.extra_grant[i];
      const double spend = payments_.pay_up_to(payments, firms_.account[i], accounts_.rd_sink, budget);
      firms_.rd_spending[i] = spend;
      const double basic = spend * p_.basic_share_firm;
      firm_budgets_.basic_spend[i] = basic;
      firm_budgets_.dev_budget[i] = (spend - basic) * p_.development_share_firm;
      firm_budgets_.new_spend[i] = spend - basic - firm_budgets_.dev_budget[i];
      sum.by_performer[firms_.kind[i]] += spend;
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
// `reward_anticipation_share` × amount_yuan per result it holds one stage short of the rewarded
// stage, at most the part of its development need its budget leaves unfunded, paid from its cash
// to the R&D sink. One pass over results per active instrument; nothing without one.
void EcosystemModel::anticipate_rewards(const sim::PhaseContext& /*context*/) {
  std::vector<std::int32_t> pending;
  for (std::size_t k = 0; k < p_.policies.size(); ++k) {
    const auto& policy = p_.policies[k];
    if (policy.type != PolicyType::ex_post_reward || !is_active(policy, step_)) continue;
    if (payments_.balance(accounts_.first_policy_account + static_cast<std::int64_t>(k)) < policy.amount_yuan)
      continue;
    const int rewarded = policy.stage >= 0 ? policy.stage : kIndustrialization;
    if (rewarded == kResearch) continue;
    pending.assign(firms_.size(), 0);
    for (std::size_t i = 0; i < results_.size(); ++i) {
      if (result_scratch_.dies[i] || !results_.owner_is_firm[i] || results_.stage[i] != rewarded - 1 ||
          results_.is_shelved[i])
        continue;
      pending[result_scratch_.owner_index[i]] += 1;
    }
    for (std::size_t f = 0; f < firms_.size(); ++f) {
      if (pending[f] == 0 ||
          !targets(policy, firms_.region[f], firms_.field[f], firms_.kind[f], firms_.tier[f], -1))
        continue;
      const double wanted = p_.reward_anticipation_share * policy.amount_yuan * pending[f];
      const double unfunded = std::max(0.0, firm_budgets_.need[f] - firm_budgets_.dev_budget[f]);
      const double ahead =
          payments_.pay_up_to(firms_.account[f], accounts_.rd_sink, std::min(wanted, unfunded));
      firm_budgets_.dev_budget[f] += ahead;
      firms_.rd_spending[f] += ahead;
      flows_.rd_spending[firms_.kind[f]] += ahead;
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
      const bool university = labs_.kind[p] == kUniversity;
      return Origin{static_cast<Performer>(labs_.kind[p]),
                    labs_.region[p],
                    labs_.field[p],
                    labs_.id(p),
                    false,
                    lab_budgets_.basic_spend[p],
                    lab_budgets_.new_spend[p],
                    university ? p_.quality_mean_university : p_.quality_mean_institute,
                    university ? p_.patent_probability_university : p_.patent_probability_institute};
    }
    const std::size_t f = p - n_labs;
    return Origin{static_cast<Performer>(firms_.kind[f]),
                  firms_.region[f],
                  firms_.field[f],
                  firms_.id(f),
                  true,
                  firm_budgets_.basic_spend[f],
                  firm_budgets_.new_spend[f],
                  p_.quality_mean_firm,
                  p_.patent_probability_firm};
  };
  const auto stream_of = [&](const Origin& o) {
    return context.rng(o.owner, o.is_firm ? kGenerateResultsFirmDraws : kGenerateResultsLabDraws);
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
      results_.origin[i] = o.kind;
      results_.region[i] = static_cast<std::int16_t>(o.region);
      results_.field[i] = static_cast<std::int16_t>(o.field);
      results_.quality[i] = o.quality_mean + rng.normal();
      results_.trl[i] = u8(applied ? (o.is_firm ? 3 : 2) : 1);
      results_.stage[i] = stage_of_trl(results_.trl[i]);
      results_.ip_status[i] = applied && rng.bernoulli(o.patent_probability) ? kPatented : kUnprotected;
      results_.owner[i] = static_cast<std::int64_t>(o.owner);
      results_.owner_is_firm[i] = o.is_firm ? 1 : 0;
      results_.is_applied[i] = applied ? 1 : 0;
      results_.investment_yuan[i] = applied ? p_.result_cost_applied_yuan : p_.result_cost_basic_yuan;
    }
  });
  totals_.results_created += static_cast<std::int64_t>(created);
}

}  // namespace models::ecosystem
