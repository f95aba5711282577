// The result pipeline: holdings, stage transitions (the three valleys), deaths.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <stdexcept>

#include "models/ecosystem/draws.hpp"
#include "models/ecosystem/new_type_institutes.hpp"
#include "models/ecosystem/phases.hpp"
#include "sim/core/atomic_totals.hpp"
#include "sim/core/parallel.hpp"

namespace models::ecosystem {

// Adds a holder's totals over a run of neighbouring results it holds into its row: a locked
// operation per non-zero total per run, not per result (a holder's results are born together, so
// its rows are often neighbours). Integer sums and maxima: grouping does not change them.
static void add_firm_run(FirmTotals& row, const FirmTotals& run) {
  if (run.need != 0) sim::atomic_add(row.need, run.need);
  if (run.product_value != 0) sim::atomic_add(row.product_value, run.product_value);
  if (run.in_use != 0) sim::atomic_add(row.in_use, run.in_use);
  if (run.commercializing != 0) sim::atomic_add(row.commercializing, run.commercializing);
  if (run.patents != 0) sim::atomic_add(row.patents, run.patents);
  sim::atomic_max(row.best_quality, run.best_quality);
}

// Each result's holder row (kNoHolder when the holder is gone, and the result dies) for one chunk.
static void find_holders(const Results& results, const Labs& labs, const Firms& firms,
                         ResultScratch& result_scratch, const sim::Chunk& chunk) {
  // Neighbouring rows often share a holder: look its row up once per run.
  std::int64_t run_owner = -1;
  bool run_firm = false;
  std::optional<std::size_t> index;
  std::fill(result_scratch.wants_pilot.begin() + static_cast<std::ptrdiff_t>(chunk.begin),
            result_scratch.wants_pilot.begin() + static_cast<std::ptrdiff_t>(chunk.end), std::uint8_t{0});
  for (std::size_t i = chunk.begin; i != chunk.end; ++i) {
    const bool firm = results.owner_is_firm[i] != 0;
    if (results.owner[i] != run_owner || firm != run_firm) {
      run_owner = results.owner[i];
      run_firm = firm;
      const auto owner = static_cast<sim::AgentId>(run_owner);
      index = firm ? firms.index_of(owner) : labs.index_of(owner);
    }
    result_scratch.owner_index[i] = index ? static_cast<std::uint32_t>(*index) : kNoHolder;
    result_scratch.dies[i] = index ? 0 : 1;
  }
}

// Asks for the totals row of the holder of `row` (if any) ahead of its locked adds.
static void prefetch_holder_totals(const Results& results, const ResultScratch& result_scratch,
                                   const HolderTotals& holder_totals, std::size_t row, std::size_t end) {
  if (row >= end || result_scratch.owner_index[row] == kNoHolder) return;
  if (results.owner_is_firm[row])
    sim::prefetch_row(holder_totals.firms, result_scratch.owner_index[row]);
  else
    sim::prefetch_row(holder_totals.labs, result_scratch.owner_index[row]);
}

// What a result's holder adds this step by (field, TRL), computed once a step instead of per result:
// the development need in fixed point (0 where nothing is needed) and a field's market factor of
// product value. The same expressions as per result, so the same numbers.
struct HoldingRates {
  static constexpr std::size_t kTrls = 10;
  std::vector<std::int64_t> need_fixed;  // field * kTrls + trl; TRL 9 needs nothing
  std::vector<double> market_factor;     // per field: 0.2 + 0.8 * adoption

  HoldingRates(const Parameters& p, const StepCosts& step_costs, const FieldMarkets& markets)
      : need_fixed(p.fields.size() * kTrls, 0), market_factor(p.fields.size()) {
    for (std::size_t field = 0; field < p.fields.size(); ++field) {
      const auto& pattern = p.fields[field].coefficients;
      for (int trl = 0; trl < 9; ++trl) {
        const double need = p.attempt_rate * pattern.cycle_speed * step_costs(trl, static_cast<int>(field));
        need_fixed[field * kTrls + static_cast<std::size_t>(trl)] = need > 0 ? sim::to_fixed(need) : 0;
      }
      market_factor[field] = 0.2 + 0.8 * markets.adoption[field];
    }
  }
  [[nodiscard]] std::int64_t need(int field, int trl) const {
    return need_fixed[static_cast<std::size_t>(field) * kTrls + static_cast<std::size_t>(trl)];
  }
};

// Phase "index_holdings" — reads results and firms; writes each result's holder row, each
// holder's need of development money, firms' best result quality, product value and use counts,
// and the lists of firms by region and field. The loop over results runs in parallel; holders'
// totals are exact integer and maximum totals added with atomics (sim/core/atomic_totals.hpp), one
// row per holder, so they do not depend on the thread count.
void index_holdings(const sim::PhaseContext& /*context*/, const Parameters& p, const Results& results,
                    const StepCosts& step_costs, const FieldMarkets& markets, const Labs& labs, Firms& firms,
                    ResultScratch& result_scratch, LabBudgets& lab_budgets, FirmBudgets& firm_budgets,
                    FirmHoldings& firm_holdings, FirmConditions& firm_conditions, FirmIndex& firm_index,
                    HolderTotals& holder_totals) {
  const CellIndex cell{static_cast<int>(p.fields.size())};
  const std::size_t n = results.size();
  // Per-result scratch is sized here and written for every row inside the loop below.
  result_scratch.owner_index.resize(n);
  result_scratch.wants_pilot.resize(n);
  result_scratch.dies.resize(n);
  firm_conditions.is_distressed.assign(firms.size(), 0);
  holder_totals.firms.resize(firms.size());
  holder_totals.labs.resize(labs.size());
  sim::parallel_for_each_index(firms.size(), [&](std::size_t f) { holder_totals.firms[f] = FirmTotals{}; });
  sim::parallel_for_each_index(labs.size(), [&](std::size_t l) { holder_totals.labs[l] = LabTotals{}; });
  const HoldingRates rates(p, step_costs, markets);
  sim::parallel_for_chunks(n, [&](const sim::Chunk& chunk) {
    find_holders(results, labs, firms, result_scratch, chunk);
    // The current run of rows with one holder, added to its row when the holder changes.
    std::uint32_t run_holder = kNoHolder;
    bool run_firm = false;
    FirmTotals firm_run;
    LabTotals lab_run;
    const auto add_run = [&] {
      if (run_holder == kNoHolder) return;
      if (run_firm)
        add_firm_run(holder_totals.firms[run_holder], firm_run);
      else if (lab_run.need != 0)
        sim::atomic_add(holder_totals.labs[run_holder].need, lab_run.need);
      firm_run = FirmTotals{};
      lab_run = LabTotals{};
    };
    for (std::size_t i = chunk.begin; i != chunk.end; ++i) {
      prefetch_holder_totals(results, result_scratch, holder_totals, i + kHolderLookahead, chunk.end);
      const std::uint32_t o = result_scratch.owner_index[i];
      if (o == kNoHolder) continue;
      const bool firm = results.owner_is_firm[i] != 0;
      if (o != run_holder || firm != run_firm) {
        add_run();
        run_holder = o;
        run_firm = firm;
      }
      const int trl = results.trl[i];
      const std::int64_t need = trl < 9 && !results.is_shelved[i] ? rates.need(results.field[i], trl) : 0;
      if (firm) {
        auto& t = firm_run;
        if (!results.is_in_use[i] && trl >= 4) t.best_quality = std::max(t.best_quality, results.quality[i]);
        t.need += need;
        if (trl == 7 || trl == 8) t.commercializing += 1;
        if (results.ip_status[i] != kUnprotected) t.patents += 1;
        if (results.is_in_use[i]) {
          t.in_use += 1;
          const double stage_share = trl >= 9 ? 1.0 : p.first_unit_revenue_share;
          t.product_value +=
              sim::to_fixed(p.product_revenue_yuan * std::exp(0.3 * results.quality[i]) * stage_share *
                            rates.market_factor[static_cast<std::size_t>(results.field[i])]);
        }
      } else if (trl < lab_max_trl(p, labs, o)) {
        lab_run.need += need;
      }
    }
    add_run();
  });
  lab_budgets.need.resize(labs.size());
  sim::parallel_for_each_index(
      labs.size(), [&](std::size_t l) { lab_budgets.need[l] = sim::from_fixed(holder_totals.labs[l].need); });
  firm_budgets.need.resize(firms.size());
  firm_holdings.product_value.resize(firms.size());
  firm_holdings.best_quality.resize(firms.size());
  firm_holdings.commercializing.resize(firms.size());
  firm_holdings.patents.resize(firms.size());
  sim::parallel_for_each_index(firms.size(), [&](std::size_t f) {
    const FirmTotals& total = holder_totals.firms[f];
    firm_budgets.need[f] = sim::from_fixed(total.need);
    firm_holdings.product_value[f] = sim::from_fixed(total.product_value);
    firms.results_in_use[f] = total.in_use;
    firm_holdings.commercializing[f] = total.commercializing;
    firm_holdings.patents[f] = total.patents;
    firm_holdings.best_quality[f] = total.best_quality;
  });
  // Cleared, not reassigned: the lists keep their memory from step to step (millions of firms).
  firm_index.by_cell.resize(p.regions.size() * p.fields.size());
  firm_index.smes_by_region.resize(p.regions.size());
  for (auto& cell_firms : firm_index.by_cell) cell_firms.clear();
  for (auto& smes : firm_index.smes_by_region) smes.clear();
  for (std::size_t i = 0; i < firms.size(); ++i) {
    firm_index.by_cell[static_cast<std::size_t>(cell(firms.region[i], firms.field[i]))].push_back(
        static_cast<std::uint32_t>(i));
    if (firms.kind[i] == kSme)
      firm_index.smes_by_region[static_cast<std::size_t>(firms.region[i])].push_back(
          static_cast<std::uint32_t>(i));
  }
}

// The share of a holder's development need its budget covers this step.
static double funded_share(double budget, double need) {
  return need > 0 ? std::min(1.0, budget / need) : 0.0;
}

// Results are in birth order, not holder order, so a result's holder view is a random read (tens
// of MB at national scale): the view kHolderLookahead rows ahead is requested early, so that the
// misses overlap instead of stalling the loop one by one.
static void prefetch_holder_view(const Results& results, const ResultScratch& result_scratch,
                                 const HolderViews& holder_views, std::size_t row, std::size_t end) {
  if (row >= end || result_scratch.owner_index[row] == kNoHolder) return;
  const auto& views = results.owner_is_firm[row] ? holder_views.firms : holder_views.labs;
  __builtin_prefetch(&views[result_scratch.owner_index[row]]);
}

template <class View>
static void fill_holder_views(std::vector<HolderView>& views, std::size_t holders, View&& view) {
  views.resize(holders);
  sim::parallel_for_each_index(holders, [&](std::size_t h) { views[h] = view(h); });
}

// The reference-customer effect of public procurement (seed 000's demonstration cases): later
// buyers of a firm's first units trust it more the more first units public buyers bought of it
// recently, half of procurement_bonus after one unit's worth, saturating.
static double reference_customer_bonus(const Parameters& p, double recent_purchases,
                                       double first_unit_value) {
  const double units = recent_purchases / first_unit_value;
  return p.procurement_bonus * units / (1.0 + units);
}

// First-unit insurance (首台套) as its buyer sees it: the insurer prices the claim at the unit's
// failure probability plus its loading; the buyer pursues a claim only when it pays more than the
// cost of claiming, and takes the cover when the claim it expects beats the premium it pays (net of
// the subsidy) and that cost, up to a logit taste (insurance_choice_noise). Complex claims pay less
// and cost more, so users take little part (seed 000); the subsidy is what makes cover worth its
// price.
static FirstUnitOffer first_unit_offer(const Parameters& p, const FirstUnitInsurance& terms,
                                       double first_unit_value, double failure, sim::PhiloxStream& rng) {
  const double claim = first_unit_value * (1.0 - 0.5 * terms.claim_complexity);
  const double claim_cost = p.insurance_claim_cost_share * terms.claim_complexity * first_unit_value;
  const double premium = (1.0 + p.insurance_loading) * failure * claim;
  const double gain =
      failure * std::max(0.0, claim - claim_cost) - (1.0 - terms.premium_subsidy_share) * premium;
  const bool taken = rng.bernoulli(logistic(gain / (p.insurance_choice_noise * first_unit_value)));
  return {0, -1, premium, claim > claim_cost ? claim : 0.0, taken, false};
}

// Phase "advance_results" — the three valleys. Reads each result, its holder's development
// budget and need, pilot verification, demand pattern and policy incentives; each result draws
// whether its holder attempts the next TRL step (funded share of its need), whether the attempt
// succeeds (logit of quality, capacity, verification, demand, policy), whether it dies (failed
// step, obsolescence, lapsed patent, age) and whether it asks for a pilot. Writes the result's
// own fields and transition events (per-chunk buffers, gathered in result order).
void advance_results(const sim::PhaseContext& context, const Parameters& p, Results& results,
                     ResultScratch& result_scratch, const Labs& labs, const LabBudgets& lab_budgets,
                     Firms& firms, const FirmBudgets& firm_budgets, const FirmConditions& firm_conditions,
                     const PilotPlatforms& platforms, const CellPolicies& cell_policies,
                     const RegionPolicies& region_policies, const StepCosts& step_costs,
                     HolderViews& holder_views, sim::ProposalBuffer<TransitionEvent>& transition_buffer,
                     Payments& payments, Events& events, Flows& flows, Totals& totals) {
  const FixedAccounts& accounts = payments.accounts();
  const CellIndex cell{static_cast<int>(p.fields.size())};
  const std::size_t n = results.size();
  transition_buffer.begin(n);
  result_scratch.first_unit_offers.begin(n);
  // First-unit insurance is offered only while its instrument's account holds money: an instrument
  // with none insures nothing.
  std::vector<std::uint8_t> is_insurance_open(p.policies.size(), 0);
  for (std::size_t k = 0; k < p.policies.size(); ++k)
    is_insurance_open[k] = p.policies[k].type == PolicyType::first_unit_insurance &&
                           payments.balance(accounts.first_policy_account + static_cast<std::int64_t>(k)) > 0;
  const double intercept[kStages] = {p.success_intercept_research, p.success_intercept_development,
                                     p.success_intercept_commercialization,
                                     p.success_intercept_industrialization};
  // What a result needs of its holder, gathered per holder first: one random read per result
  // instead of six.
  fill_holder_views(holder_views.labs, labs.size(), [&](std::size_t l) {
    return HolderView{funded_share(lab_budgets.dev_budget[l], lab_budgets.need[l]),
                      0.0,
                      0.0,
                      labs.region[l],
                      0,
                      0,
                      u8(lab_max_trl(p, labs, l))};
  });
  fill_holder_views(holder_views.firms, firms.size(), [&](std::size_t f) {
    return HolderView{funded_share(firm_budgets.dev_budget[f], firm_budgets.need[f]),
                      firms.tacit_knowledge[f],
                      consortium_tie(p, firms.consortium[f], firms.consortium_general[f]),
                      firms.region[f],
                      u8(firms.kind[f] == kLeadFirm),
                      firm_conditions.has_experts[f],
                      u8(9)};
  });
  sim::parallel_for_chunks(n, [&](const sim::Chunk& chunk) {
    auto& chunk_events = transition_buffer.chunk(chunk);
    auto& chunk_offers = result_scratch.first_unit_offers.chunk(chunk);
    for (std::size_t i = chunk.begin; i != chunk.end; ++i) {
      prefetch_holder_view(results, result_scratch, holder_views, i + kHolderLookahead, chunk.end);
      if (result_scratch.dies[i]) continue;
      auto rng = context.rng(results.id(i));
      const std::uint32_t o = result_scratch.owner_index[i];
      const bool firm = results.owner_is_firm[i] != 0;
      const HolderView& holder = firm ? holder_views.firms[o] : holder_views.labs[o];
      const auto field = static_cast<std::size_t>(results.field[i]);
      const auto& pattern = p.fields[field].coefficients;
      const int holder_region = holder.region;
      const auto c = static_cast<std::size_t>(cell(holder_region, results.field[i]));
      const std::uint8_t from_stage = results.stage[i];
      results.age[i] += 1;
      bool dies = false;
      const int trl = results.trl[i];
      const bool can_advance = trl < 9 && !results.is_shelved[i] && trl < holder.max_trl;
      // Pilot demand: deterred by the fee net of vouchers ("built but unused", seed 002).
      if ((trl == 5 || trl == 6) && !results.is_verified[i] && !results.is_shelved[i]) {
        double fee = platforms.expected_fee_by_cell[c];
        const std::int32_t voucher = first_funded(cell_policies.voucher[c], p, payments);
        if (voucher >= 0)
          fee *= 1.0 - p.policies[static_cast<std::size_t>(voucher)].pilot_voucher.subsidy_share;
        const double deterred = fee / (fee + p.pilot_willingness_yuan);
        const double want = p.pilot_request_rate * pattern.verification_weight * (1.0 - deterred) * 2.0 *
                            region_policies.outreach[static_cast<std::size_t>(holder_region)];
        if (rng.bernoulli(std::min(1.0, want))) result_scratch.wants_pilot[i] = 1;
      }
      if (can_advance) {
        const double funded = results.is_sponsored[i] ? 1.0 : holder.funded;
        const double attempt = p.attempt_rate * pattern.cycle_speed * funded;
        if (rng.bernoulli(attempt)) {
          // The intercept of the stage the step leads into: entering development is the devil
          // river, entering commercialization the death valley, entering industrialization the
          // Darwinian sea (seed 002).
          const int stage = stage_of_trl(trl + 1);
          double z = intercept[stage] + p.quality_effect * results.quality[i];
          if (firm) {
            if (holder.is_lead_firm) z += p.lead_firm_capacity_bonus + pattern.lead_firm_bonus;
            z += pattern.demand_feedback;
            if (holder.has_experts) z += p.expert_service_bonus;
            z += holder.tacit_knowledge;
            // First customer: the lead firm, for the core layer; a weaker tie for the general one.
            if (holder.consortium_tie > 0 && trl >= 6) z += holder.consortium_tie * p.consortium_bonus;
          } else if (trl >= 3) {
            z -= p.lab_capacity_penalty;
          }
          if (trl == 6 && results.is_verified[i]) z += p.verification_bonus * pattern.verification_weight;
          if (results.is_sponsored[i]) z += 0.3;
          // First units: a reference customer and insurance reassure buyers (seed 000).
          std::optional<FirstUnitOffer> offer;
          if (firm && (trl == 6 || trl == 7 || trl == 8)) {
            const double first_unit_value = p.first_unit_value_steps * step_costs(trl, results.field[i]);
            z += reference_customer_bonus(p, firms.reference_purchases[o], first_unit_value);
            const std::int32_t insurance = cell_policies.insurance[c];
            if (insurance >= 0 && is_insurance_open[static_cast<std::size_t>(insurance)]) {
              offer =
                  first_unit_offer(p, p.policies[static_cast<std::size_t>(insurance)].first_unit_insurance,
                                   first_unit_value, 1.0 - logistic(z + p.insurance_bonus), rng);
              offer->result = static_cast<std::uint32_t>(i);
              offer->policy = insurance;
              if (offer->is_taken) z += p.insurance_bonus;
            }
          }
          results.investment_yuan[i] += step_costs(trl, results.field[i]);
          if (rng.bernoulli(logistic(z))) {
            results.trl[i] = u8(trl + 1);
            results.stage[i] = stage_of_trl(trl + 1);
            if (firm && results.trl[i] >= 7) results.is_in_use[i] = 1;
          } else {
            if (offer && offer->is_taken) offer->is_claimed = offer->claim > 0;
            if (rng.bernoulli(p.failure_death_probability)) dies = true;
          }
          if (offer) chunk_offers.push_back(*offer);
        }
      } else if (!firm && !results.is_shelved[i] && rng.bernoulli(p.shelving_rate)) {
        results.is_shelved[i] = 1;
      }
      if (!firm && !results.is_shelved[i] && rng.bernoulli(p.shelving_rate * 0.5)) results.is_shelved[i] = 1;
      // Obsolescence, lapse of unused patents and forgotten shelved results.
      const bool idle =
          !results.is_in_use[i] && (results.ip_status[i] != kUnprotected || results.is_shelved[i]);
      double hazard =
          p.result_death_rate + (idle ? p.patent_lapse_unused : 0.0) +
          (results.is_in_use[i] && results.ip_status[i] != kUnprotected ? p.patent_lapse_used : 0.0);
      if (!results.is_applied[i]) hazard += p.patent_lapse_unused;
      if (rng.bernoulli(hazard) || results.age[i] >= p.result_max_age_quarters) dies = true;
      if (dies) result_scratch.dies[i] = 1;
      const std::uint8_t to_stage = dies ? kDeadStage : results.stage[i];
      if (to_stage != from_stage) {
        chunk_events.push_back({results.id(i), from_stage, to_stage, results.trl[i], results.origin[i],
                                results.field[i], results.is_verified[i]});
      }
    }
  });
  // Sequential part: counters, insurance premiums and claims, grant-to-equity conversion.
  const auto& gathered = transition_buffer.gather();
  for (const auto& e : gathered) {
    events.transitions.push_back(e);
    if (e.to_stage == kCommercialization) totals.reached_commercialization += 1;
    if (e.to_stage == kIndustrialization) totals.reached_industrialization += 1;
    if (e.from_stage == kDevelopment) {
      const bool converted = e.to_stage == kCommercialization;
      if (e.is_verified) {
        totals.left_development_verified += 1;
        totals.converted_verified += converted ? 1 : 0;
      } else {
        totals.left_development_unverified += 1;
        totals.converted_unverified += converted ? 1 : 0;
      }
    }
  }
  // Ex-post rewards (以奖代补): the instrument pays the firm holding a result when it reaches the
  // rewarded stage; the reward follows the outcome and never changes it.
  for (std::size_t k = 0; k < p.policies.size(); ++k) {
    const auto& policy = p.policies[k];
    if (policy.type != PolicyType::ex_post_reward || !is_active(policy, context.step)) continue;
    const int rewarded = policy.stage >= 0 ? policy.stage : kIndustrialization;
    for (const auto& e : gathered) {
      if (e.to_stage != rewarded) continue;
      const std::size_t i = *results.index_of(e.result);
      if (!results.owner_is_firm[i]) continue;
      const std::uint32_t o = result_scratch.owner_index[i];
      if (!targets(policy, firms.region[o], firms.field[o], firms.kind[o], firms.tier[o], -1)) continue;
      flows.ex_post_rewards_paid +=
          payments.pay_up_to(accounts.first_policy_account + static_cast<std::int64_t>(k), firms.account[o],
                             policy.ex_post_reward.reward_yuan);
    }
  }
  for (const auto& e : gathered) {
    if (e.to_stage != kCommercialization) continue;
    const std::size_t i = *results.index_of(e.result);
    if (!results.owner_is_firm[i]) continue;
    const std::uint32_t o = result_scratch.owner_index[i];
    if (firms.equity_grant[o] > 0) {
      // 拨投结合: on success the grant becomes the government's equity, bought at the firm's
      // valuation; it is sold back at the next funding round or the listing (equity_exits.cpp).
      const double grant = firms.equity_grant[o];
      const double post_money = firms.valuation[o] + grant;
      firms.government_stake[o] = std::min(1.0, firms.government_stake[o] + grant / post_money);
      firms.valuation[o] = post_money;
      totals.government_equity_yuan += grant;
      firms.equity_grant[o] = 0;
    }
  }
  // Insurance premiums and claims, in result order: the instrument pays its share of the premium
  // while it has money, the maker pays the rest on its buyer's behalf (the scheme's policyholder; the
  // cost is in the unit's price) and receives the claim for its buyer.
  for (const FirstUnitOffer& offer : result_scratch.first_unit_offers.gather()) {
    flows.insurance_offered += 1;
    if (!offer.is_taken) continue;
    flows.insurance_taken += 1;
    const std::int64_t maker = firms.account[result_scratch.owner_index[offer.result]];
    const auto& policy = p.policies[static_cast<std::size_t>(offer.policy)];
    const double subsidy =
        payments.pay_up_to(accounts.first_policy_account + offer.policy, accounts.insurer,
                           offer.premium * policy.first_unit_insurance.premium_subsidy_share);
    payments.pay_up_to(maker, accounts.insurer, offer.premium - subsidy);
    if (offer.is_claimed) payments.pay_up_to(accounts.insurer, maker, offer.claim);
  }
}

// Phase "retire_results" — removes dead results (and those whose holder exited this step,
// recording a death event for the latter); labs' cash is read back from the ledger. Firms exit
// only in update_firm_ladder and labs never do, so a holder is gone exactly when it is among
// this step's exits (results of firms that exited earlier were retired then).
void retire_results(const sim::PhaseContext& /*context*/, Results& results,
                    const ResultScratch& result_scratch, const Firms& firms,
                    std::vector<sim::AgentId>& exited_firm_ids,
                    sim::ProposalBuffer<TransitionEvent>& orphan_buffer, Labs& labs, const Payments& payments,
                    Events& events, Totals& totals) {
  std::vector<bool> exited(firms.next_id(), false);
  for (const sim::AgentId id : exited_firm_ids) exited[id] = true;
  const std::size_t n = results.size();
  orphan_buffer.begin(n);
  sim::parallel_for_chunks(n, [&](const sim::Chunk& chunk) {
    auto& orphans = orphan_buffer.chunk(chunk);
    for (std::size_t i = chunk.begin; i != chunk.end; ++i) {
      if (!result_scratch.dies[i]) {
        if (!results.owner_is_firm[i] || !exited[static_cast<std::size_t>(results.owner[i])]) continue;
        orphans.push_back({results.id(i), results.stage[i], kDeadStage, results.trl[i], results.origin[i],
                           results.field[i], results.is_verified[i]});
      }
      results.mark_for_removal(i);
    }
  });
  for (const auto& e : orphan_buffer.gather()) {
    events.transitions.push_back(e);
    if (e.from_stage == kDevelopment) {
      if (e.is_verified)
        totals.left_development_verified += 1;
      else
        totals.left_development_unverified += 1;
    }
  }
  exited_firm_ids.clear();
  results.remove_marked();
  for (std::size_t i = 0; i < labs.size(); ++i) labs.cash[i] = payments.balance(labs.account[i]);
}

}  // namespace models::ecosystem
