// R&D funding by performer and the generation of research results.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <utility>

#include "models/ecosystem/draws.hpp"
#include "models/ecosystem/new_type_institutes.hpp"
#include "models/ecosystem/phases.hpp"
#include "models/ecosystem/stream_purposes.hpp"
#include "sim/core/parallel.hpp"

namespace models::ecosystem {

// Phase "fund_research" — reads budgets, revenue, cash and policy grants; moves appropriations
// to labs and R&D spending of every performer to the R&D sink; writes each performer's split of
// spending into basic research, new applied results and development of results it holds.
void fund_research(const sim::PhaseContext& context, const Parameters& p, const FieldMarkets& markets,
                   const Labs& labs, const LabIncentives& lab_incentives, LabBudgets& lab_budgets,
                   Firms& firms, const FirmIncentives& firm_incentives, FirmBudgets& firm_budgets,
                   Payments& payments, Flows& flows) {
  const FixedAccounts& accounts = payments.accounts();
  const std::size_t n_labs = labs.size(), n_firms = firms.size();
  lab_budgets.basic_spend.assign(n_labs, 0.0);
  lab_budgets.new_spend.assign(n_labs, 0.0);
  lab_budgets.dev_budget.assign(n_labs, 0.0);
  // Appropriations follow the economy: indexed to the mean demand index of the fields.
  const double economy_index =
      std::accumulate(markets.demand_index.begin(), markets.demand_index.end(), 0.0) /
      static_cast<double>(markets.demand_index.size());
  for (std::size_t i = 0; i < n_labs; ++i) {
    payments.pay(accounts.government_budget, labs.account[i], labs.budget_yuan[i] * economy_index);
    flows.new_type_contract_income +=
        commission_contract_research(p, labs, i, firms, economy_index, payments);
    double extra = 0;
    for (std::size_t k = 0; k < p.policies.size() && lab_incentives.extra_grant[i] > 0; ++k) {
      const auto& policy = p.policies[k];
      if (policy.type != PolicyType::rd_grant || !is_active(policy, context.step)) continue;
      if (!targets(policy, labs.region[i], labs.field[i], labs.kind[i], -1, -1)) continue;
      extra += payments.pay_up_to(accounts.first_policy_account + static_cast<std::int64_t>(k),
                                  labs.account[i], policy.rd_grant.grant_yuan);
    }
    (void)extra;
    const double spend = payments.balance(labs.account[i]);
    payments.pay(labs.account[i], accounts.rd_sink, spend);
    const double basic_share =
        labs.kind[i] == kUniversity ? p.basic_share_university : p.basic_share_institute;
    const double basic = spend * basic_share;
    lab_budgets.basic_spend[i] = basic;
    lab_budgets.dev_budget[i] = (spend - basic) * lab_incentives.dev_share[i];
    lab_budgets.new_spend[i] = spend - basic - lab_budgets.dev_budget[i];
    flows.rd_spending[labs.kind[i]] += spend;
    flows.basic_spending += basic;
  }
  firm_budgets.basic_spend.assign(n_firms, 0.0);
  firm_budgets.new_spend.assign(n_firms, 0.0);
  firm_budgets.dev_budget.assign(n_firms, 0.0);
  // What consortia, repayable and equity grants paid in apply_policies counts as this quarter's grant
  // money.
  firm_budgets.grants_received = firm_incentives.consortium_received;
  // Grants first, in firm order (they draw on policy accounts shared by all firms) ...
  for (std::size_t i = 0; i < n_firms; ++i) {
    for (std::size_t k = 0; k < p.policies.size() && firm_incentives.extra_grant[i] > 0; ++k) {
      const auto& policy = p.policies[k];
      if (!is_active(policy, context.step)) continue;
      // The same rule as in apply_policies: firm grants only from grants that target firms
      // (consortium money was paid there).
      const bool pays = policy.type == PolicyType::rd_grant && policy.agent_kind >= kLeadFirm &&
                        targets(policy, firms.region[i], firms.field[i], firms.kind[i], firms.tier[i], -1);
      if (pays)
        firm_budgets.grants_received[i] +=
            payments.pay_up_to(accounts.first_policy_account + static_cast<std::int64_t>(k), firms.account[i],
                               policy.rd_grant.grant_yuan);
    }
  }
  // ... then every firm sets and spends its R&D budget, in parallel (sim/core/ledger_batch.hpp), with
  // per-chunk sums added in chunk order.
  struct Spending {
    std::array<double, kPerformers> by_performer{};
    double basic = 0;
    double government = 0;  // government spending among the chunk's chunk_payments (none today)
  };
  std::vector<Spending> spending(sim::chunk_count(n_firms));
  sim::parallel_for_chunks(n_firms, [&](const sim::Chunk& chunk) {
    auto chunk_payments = payments.chunk();
    auto& sum = spending[chunk.index];
    for (std::size_t i = chunk.begin; i != chunk.end; ++i) {
      const double intensity = (firms.kind[i] == kLeadFirm ? p.lead_firm_rd_intensity : p.sme_rd_intensity) *
                               firms.rd_propensity[i];
      // Super-deduction lowers the after-tax cost of R&D by rate * tax_rate.
      const double incentive = 1.0 + p.rd_tax_elasticity * firm_incentives.deduction[i] * p.tax_rate;
      const double cash = payments.balance(chunk_payments, firms.account[i]);
      const double reserve = firms.revenue[i] * (1.0 - firms.margin[i]);
      // Only grant money received this quarter raises the budget: once an instrument's budget is
      // spent, the firm does not go on spending the grant from its own cash.
      const double budget =
          intensity * firms.revenue[i] * incentive +
          p.cash_rd_share * std::max(0.0, cash - reserve - firm_budgets.grants_received[i]) +
          firm_budgets.grants_received[i];
      const double spend = payments.pay_up_to(chunk_payments, firms.account[i], accounts.rd_sink, budget);
      firms.rd_spending[i] = spend;
      const double basic = spend * p.basic_share_firm;
      firm_budgets.basic_spend[i] = basic;
      firm_budgets.dev_budget[i] = (spend - basic) * p.development_share_firm;
      firm_budgets.new_spend[i] = spend - basic - firm_budgets.dev_budget[i];
      sum.by_performer[firms.kind[i]] += spend;
      sum.basic += basic;
    }
    chunk_payments.ledger.commit();
    sum.government = chunk_payments.government_spending;
  });
  for (const auto& sum : spending) {
    flows.government_spending += sum.government;
    for (int k = 0; k < kPerformers; ++k) flows.rd_spending[k] += sum.by_performer[k];
    flows.basic_spending += sum.basic;
  }
}

// Phase "anticipate_rewards" — ex-post rewards (以奖代补) act through expectations. Reads results'
// holders (index_holdings), firms' development needs and budgets, and the active ex_post_reward
// instruments that still have money. A targeted firm adds to its development budget
// `reward_anticipation_share` × reward_yuan per result it holds one stage short of the rewarded
// stage, at most the part of its development need its budget leaves unfunded, paid from its cash
// to the R&D sink. One pass over results per active instrument; nothing without one.
void anticipate_rewards(const sim::PhaseContext& context, const Parameters& p, const Results& results,
                        const ResultScratch& result_scratch, Firms& firms, FirmBudgets& firm_budgets,
                        Payments& payments, Flows& flows) {
  const FixedAccounts& accounts = payments.accounts();
  std::vector<std::int32_t> pending;
  for (std::size_t k = 0; k < p.policies.size(); ++k) {
    const auto& policy = p.policies[k];
    if (policy.type != PolicyType::ex_post_reward || !is_active(policy, context.step)) continue;
    if (payments.balance(accounts.first_policy_account + static_cast<std::int64_t>(k)) <
        policy.ex_post_reward.reward_yuan)
      continue;
    const int rewarded = policy.stage >= 0 ? policy.stage : kIndustrialization;
    if (rewarded == kResearch) continue;
    pending.assign(firms.size(), 0);
    for (std::size_t i = 0; i < results.size(); ++i) {
      if (result_scratch.dies[i] || !results.owner_is_firm[i] || results.stage[i] != rewarded - 1 ||
          results.is_shelved[i])
        continue;
      pending[result_scratch.owner_index[i]] += 1;
    }
    for (std::size_t f = 0; f < firms.size(); ++f) {
      if (pending[f] == 0 ||
          !targets(policy, firms.region[f], firms.field[f], firms.kind[f], firms.tier[f], -1))
        continue;
      const double wanted = p.reward_anticipation_share * policy.ex_post_reward.reward_yuan * pending[f];
      const double unfunded = std::max(0.0, firm_budgets.need[f] - firm_budgets.dev_budget[f]);
      const double ahead = payments.pay_up_to(firms.account[f], accounts.rd_sink, std::min(wanted, unfunded));
      firm_budgets.dev_budget[f] += ahead;
      firms.rd_spending[f] += ahead;
      flows.rd_spending[firms.kind[f]] += ahead;
    }
  }
}

// Labs' research productivity by region: knowledge spills over from the live results of the regions
// near theirs (region_links.knowledge_spillover; all 1, and nothing counted, without spillovers).
static std::vector<double> lab_productivity_by_region(const Parameters& p, const Results& results) {
  if (p.region_links.knowledge_spillover <= 0) return std::vector<double>(p.regions.size(), 1.0);
  std::vector<double> stock(p.regions.size(), 0.0);
  for (std::size_t i = 0; i < results.size(); ++i) stock[static_cast<std::size_t>(results.region[i])] += 1.0;
  return spillover_productivity(p.region_links, stock);
}

// Phase "generate_results" — reads each performer's research spending (labs' results per yuan rise with the
// live results of near regions: knowledge_spillover, region_links); spawns results (Poisson
// counts, quality, TRL, patenting). Performers (labs, then firms) draw their counts in parallel;
// the results are then spawned at once, in performer order, so ids do not depend on threads,
// and each performer fills its own rows from its own stream.
void generate_results(const sim::PhaseContext& context, const Parameters& p, const FieldMarkets& markets,
                      const Labs& labs, const LabBudgets& lab_budgets, const Firms& firms,
                      const FirmBudgets& firm_budgets, Results& results, Totals& totals) {
  const std::size_t n_labs = labs.size();
  const std::size_t performers = n_labs + firms.size();
  const std::vector<double> lab_productivity = lab_productivity_by_region(p, results);
  struct Origin {
    Performer kind;
    int region, field;
    std::uint64_t owner;
    bool is_firm;
    double basic_spend, new_spend, quality_mean, patent_probability;
    double productivity;  // results per yuan relative to the cost parameters (knowledge spillovers)
  };
  const auto origin_of = [&](std::size_t performer) {
    if (performer < n_labs) {
      const bool university = labs.kind[performer] == kUniversity;
      return Origin{static_cast<Performer>(labs.kind[performer]),
                    labs.region[performer],
                    labs.field[performer],
                    labs.id(performer),
                    false,
                    lab_budgets.basic_spend[performer],
                    lab_budgets.new_spend[performer],
                    university ? p.quality_mean_university : p.quality_mean_institute,
                    university ? p.patent_probability_university : p.patent_probability_institute,
                    lab_productivity[static_cast<std::size_t>(labs.region[performer])]};
    }
    const std::size_t f = performer - n_labs;
    return Origin{static_cast<Performer>(firms.kind[f]),
                  firms.region[f],
                  firms.field[f],
                  firms.id(f),
                  true,
                  firm_budgets.basic_spend[f],
                  firm_budgets.new_spend[f],
                  p.quality_mean_firm,
                  p.patent_probability_firm,
                  1.0};
  };
  const auto stream_of = [&](const Origin& o) {
    return context.rng(o.owner, o.is_firm ? kGenerateResultsFirmDraws : kGenerateResultsLabDraws);
  };
  // The first two draws of a performer's stream: how many basic and applied results.
  const auto draw_counts = [&](sim::PhiloxStream& rng, const Origin& o) {
    const std::int64_t n_basic =
        poisson(rng, o.productivity * o.basic_spend / (p.result_cost_basic_yuan * markets.wage_level));
    const std::int64_t n_applied =
        poisson(rng, o.productivity * o.new_spend / (p.result_cost_applied_yuan * markets.wage_level));
    return std::pair{n_basic, n_applied};
  };
  // A performer with results keeps its counts and its stream as they stand after the counts, per
  // chunk: the spawning pass continues the stream instead of drawing the counts again (most
  // performers draw none and are not visited twice).
  struct Drawn {
    std::uint32_t performer;
    std::int64_t n_basic, n_applied;
    sim::PhiloxStream rng;
  };
  std::vector<std::vector<Drawn>> drawn(sim::chunk_count(performers));
  std::vector<std::uint32_t> first_row(performers + 1, 0);
  sim::parallel_for_chunks(performers, [&](const sim::Chunk& chunk) {
    for (std::size_t performer = chunk.begin; performer != chunk.end; ++performer) {
      const Origin o = origin_of(performer);
      auto rng = stream_of(o);
      const auto [n_basic, n_applied] = draw_counts(rng, o);
      first_row[performer + 1] = static_cast<std::uint32_t>(n_basic + n_applied);
      if (n_basic + n_applied > 0)
        drawn[chunk.index].push_back({static_cast<std::uint32_t>(performer), n_basic, n_applied, rng});
    }
  });
  const std::size_t base = results.size();
  for (std::size_t performer = 0; performer < performers; ++performer)
    first_row[performer + 1] += first_row[performer];
  const std::size_t created = first_row[performers];
  if (created == 0) return;
  results.spawn(created);
  sim::parallel_for_chunks(performers, [&](const sim::Chunk& chunk) {
    for (Drawn& d : drawn[chunk.index]) {
      const Origin o = origin_of(d.performer);
      auto& rng = d.rng;
      for (std::int64_t k = 0; k < d.n_basic + d.n_applied; ++k) {
        const std::size_t i = base + first_row[d.performer] + static_cast<std::size_t>(k);
        const bool applied = k >= d.n_basic;
        results.origin[i] = o.kind;
        results.region[i] = static_cast<std::int16_t>(o.region);
        results.field[i] = static_cast<std::int16_t>(o.field);
        results.quality[i] = o.quality_mean + rng.normal();
        results.trl[i] = u8(applied ? (o.is_firm ? 3 : 2) : 1);
        results.stage[i] = stage_of_trl(results.trl[i]);
        results.ip_status[i] = applied && rng.bernoulli(o.patent_probability) ? kPatented : kUnprotected;
        results.owner[i] = static_cast<std::int64_t>(o.owner);
        results.owner_is_firm[i] = o.is_firm ? 1 : 0;
        results.is_applied[i] = applied ? 1 : 0;
        results.investment_yuan[i] =
            (applied ? p.result_cost_applied_yuan : p.result_cost_basic_yuan) * markets.wage_level;
      }
    }
  });
  totals.results_created += static_cast<std::int64_t>(created);
}

}  // namespace models::ecosystem
