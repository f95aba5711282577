// The result pipeline: holdings, stage transitions (the three valleys), deaths.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <stdexcept>

#include "models/ecosystem/draws.hpp"
#include "models/ecosystem/ecosystem.hpp"
#include "sim/parallel.hpp"
#include "sim/per_thread_totals.hpp"

namespace models::ecosystem {

// Phase "index_holdings" — reads results and firms; writes each result's holder row, each
// holder's need of development money, firms' best result quality, product value and use counts,
// and the lists of firms by region and field. The loop over results runs in parallel; holders'
// totals are exact per-thread totals (sim/per_thread_totals.hpp), so they do not depend on threads.
void EcosystemModel::index_holdings(const sim::PhaseContext& /*context*/) {
  const std::size_t n = results_.size();
  // Per-result scratch is sized here and written for every row inside the loop below.
  result_scratch_.owner_index.resize(n);
  result_scratch_.wants_pilot.resize(n);
  result_scratch_.dies.resize(n);
  result_scratch_.insured.resize(n);
  firm_conditions_.is_distressed.assign(firms_.size(), 0);
  // Holders' totals: exact (integer, fixed-point, maximum) per-thread totals, combined after the
  // loop (sim/per_thread_totals.hpp), so they do not depend on the thread count.
  holder_totals_.firms.reset(firms_.size());
  holder_totals_.labs.reset(labs_.size());
  sim::parallel_for_chunks(n, [&](const sim::Chunk& chunk) {
    // Neighbouring rows often share a holder (a holder's results are created together): look
    // its row up once per run.
    std::int64_t run_owner = -1;
    bool run_firm = false;
    std::optional<std::size_t> index;
    auto& my_firm_totals = holder_totals_.firms.local();
    auto& my_lab_totals = holder_totals_.labs.local();
    for (std::size_t i = chunk.begin; i != chunk.end; ++i) {
      result_scratch_.wants_pilot[i] = 0;
      result_scratch_.insured[i] = 0;
      const bool firm = results_.owner_is_firm[i] != 0;
      if (results_.owner[i] != run_owner || firm != run_firm) {
        run_owner = results_.owner[i];
        run_firm = firm;
        const auto owner = static_cast<sim::AgentId>(run_owner);
        index = firm ? firms_.index_of(owner) : labs_.index_of(owner);
      }
      if (!index) {
        result_scratch_.owner_index[i] = kNoHolder;
        result_scratch_.dies[i] = 1;
        continue;
      }
      result_scratch_.dies[i] = 0;
      const auto o = static_cast<std::uint32_t>(*index);
      result_scratch_.owner_index[i] = o;
      const auto& pattern = p_.fields[static_cast<std::size_t>(results_.field[i])].coefficients;
      const double need =
          results_.trl[i] < 9 && !results_.is_shelved[i]
              ? p_.attempt_rate * pattern.cycle_speed * step_costs_(results_.trl[i], results_.field[i])
              : 0.0;
      if (firm) {
        auto& t = my_firm_totals[o];
        if (!results_.is_in_use[i] && results_.trl[i] >= 4)
          t.best_quality = std::max(t.best_quality, results_.quality[i]);
        if (need > 0) t.need += sim::to_fixed(need);
        if (results_.trl[i] == 7 || results_.trl[i] == 8) t.commercializing += 1;
        if (results_.is_in_use[i]) {
          t.in_use += 1;
          const double stage_share = results_.trl[i] >= 9 ? 1.0 : p_.first_unit_revenue_share;
          t.product_value +=
              sim::to_fixed(p_.product_revenue_yuan * std::exp(0.3 * results_.quality[i]) * stage_share *
                            (0.2 + 0.8 * markets_.adoption[static_cast<std::size_t>(results_.field[i])]));
        }
      } else if (results_.trl[i] < p_.lab_max_trl && need > 0) {
        my_lab_totals[o].need += sim::to_fixed(need);
      }
    }
  });
  lab_budgets_.need.resize(labs_.size());
  holder_totals_.labs.combine(
      [](LabTotals& into, const LabTotals& part) { into.need += part.need; },
      [&](std::size_t l, const LabTotals& total) { lab_budgets_.need[l] = sim::from_fixed(total.need); });
  firm_budgets_.need.resize(firms_.size());
  firm_holdings_.product_value.resize(firms_.size());
  firm_holdings_.best_quality.resize(firms_.size());
  firm_holdings_.commercializing.resize(firms_.size());
  holder_totals_.firms.combine(
      [](FirmTotals& into, const FirmTotals& part) {
        into.need += part.need;
        into.product_value += part.product_value;
        into.in_use += part.in_use;
        into.commercializing += part.commercializing;
        into.best_quality = std::max(into.best_quality, part.best_quality);
      },
      [&](std::size_t f, const FirmTotals& total) {
        firm_budgets_.need[f] = sim::from_fixed(total.need);
        firm_holdings_.product_value[f] = sim::from_fixed(total.product_value);
        firms_.results_in_use[f] = total.in_use;
        firm_holdings_.commercializing[f] = total.commercializing;
        firm_holdings_.best_quality[f] = total.best_quality;
      });
  // Cleared, not reassigned: the lists keep their memory from step to step (millions of firms).
  firm_index_.by_cell.resize(p_.regions.size() * p_.fields.size());
  firm_index_.smes_by_region.resize(p_.regions.size());
  for (auto& firms : firm_index_.by_cell) firms.clear();
  for (auto& smes : firm_index_.smes_by_region) smes.clear();
  for (std::size_t i = 0; i < firms_.size(); ++i) {
    firm_index_.by_cell[static_cast<std::size_t>(cell_(firms_.region[i], firms_.field[i]))].push_back(
        static_cast<std::uint32_t>(i));
    if (firms_.kind[i] == kSme)
      firm_index_.smes_by_region[static_cast<std::size_t>(firms_.region[i])].push_back(
          static_cast<std::uint32_t>(i));
  }
}

// The share of a holder's development need its budget covers this step.
double EcosystemModel::funded_share(double budget, double need) {
  return need > 0 ? std::min(1.0, budget / need) : 0.0;
}

// Results are in birth order, not holder order, so a result's holder view is a random read (tens
// of MB at national scale): the view kHolderLookahead rows ahead is requested early, so that the
// misses overlap instead of stalling the loop one by one.
void EcosystemModel::prefetch_holder_view(std::size_t row, std::size_t end) const {
  if (row >= end || result_scratch_.owner_index[row] == kNoHolder) return;
  const auto& views = results_.owner_is_firm[row] ? holder_views_.firms : holder_views_.labs;
  __builtin_prefetch(&views[result_scratch_.owner_index[row]]);
}

template <class View>
void EcosystemModel::fill_holder_views(std::vector<HolderView>& views, std::size_t holders, View&& view) {
  views.resize(holders);
  sim::parallel_for_each_index(holders, [&](std::size_t h) { views[h] = view(h); });
}

// Phase "advance_results" — the three valleys. Reads each result, its holder's development
// budget and need, pilot verification, demand pattern and policy incentives; each result draws
// whether its holder attempts the next TRL step (funded share of its need), whether the attempt
// succeeds (logit of quality, capacity, verification, demand, policy), whether it dies (failed
// step, obsolescence, lapsed patent, age) and whether it asks for a pilot. Writes the result's
// own fields and transition events (per-chunk buffers, gathered in result order).
void EcosystemModel::advance_results(const sim::PhaseContext& context) {
  const std::size_t n = results_.size();
  transition_buffer_.begin(n);
  const double intercept[kStages] = {p_.success_intercept_research, p_.success_intercept_development,
                                     p_.success_intercept_commercialization,
                                     p_.success_intercept_industrialization};
  // What a result needs of its holder, gathered per holder first: one random read per result
  // instead of six.
  fill_holder_views(holder_views_.labs, labs_.size(), [&](std::size_t l) {
    return HolderView{
        funded_share(lab_budgets_.dev_budget[l], lab_budgets_.need[l]), 0.0, labs_.region[l], 0, 0, 0};
  });
  fill_holder_views(holder_views_.firms, firms_.size(), [&](std::size_t f) {
    return HolderView{funded_share(firm_budgets_.dev_budget[f], firm_budgets_.need[f]),
                      firms_.tacit_knowledge[f],
                      firms_.region[f],
                      u8(firms_.kind[f] == kLeadFirm),
                      firm_conditions_.has_experts[f],
                      u8(firms_.consortium[f] >= 0)};
  });
  sim::parallel_for_chunks(n, [&](const sim::Chunk& chunk) {
    auto& events = transition_buffer_.chunk(chunk);
    for (std::size_t i = chunk.begin; i != chunk.end; ++i) {
      prefetch_holder_view(i + kHolderLookahead, chunk.end);
      if (result_scratch_.dies[i]) continue;
      auto rng = context.rng(results_.id(i));
      const std::uint32_t o = result_scratch_.owner_index[i];
      const bool firm = results_.owner_is_firm[i] != 0;
      const HolderView& holder = firm ? holder_views_.firms[o] : holder_views_.labs[o];
      const auto field = static_cast<std::size_t>(results_.field[i]);
      const auto& pattern = p_.fields[field].coefficients;
      const int holder_region = holder.region;
      const auto c = static_cast<std::size_t>(cell_(holder_region, results_.field[i]));
      const std::uint8_t from_stage = results_.stage[i];
      results_.age[i] += 1;
      bool dies = false;
      const int trl = results_.trl[i];
      const bool can_advance = trl < 9 && !results_.is_shelved[i] && (firm || trl < p_.lab_max_trl);
      // Pilot demand: deterred by the fee net of vouchers ("built but unused", seed 002).
      if ((trl == 5 || trl == 6) && !results_.is_verified[i] && !results_.is_shelved[i]) {
        double fee = platforms_.expected_fee_by_cell[c];
        const std::int32_t voucher = cell_policies_.voucher[c];
        if (voucher >= 0) fee *= 1.0 - std::min(1.0, p_.policies[static_cast<std::size_t>(voucher)].rate);
        const double deterred = fee / (fee + p_.pilot_willingness_yuan);
        const double want = p_.pilot_request_rate * pattern.verification_weight * (1.0 - deterred) * 2.0 *
                            region_policies_.outreach[static_cast<std::size_t>(holder_region)];
        if (rng.bernoulli(std::min(1.0, want))) result_scratch_.wants_pilot[i] = 1;
      }
      if (can_advance) {
        const double funded = results_.is_sponsored[i] ? 1.0 : holder.funded;
        const double attempt = p_.attempt_rate * pattern.cycle_speed * funded;
        if (rng.bernoulli(attempt)) {
          // The intercept of the stage the step leads into: entering development is the devil
          // river, entering commercialization the death valley, entering industrialization the
          // Darwinian sea (seed 002).
          const int stage = stage_of_trl(trl + 1);
          double z = intercept[stage] + p_.quality_effect * results_.quality[i];
          if (firm) {
            if (holder.is_lead_firm) z += p_.lead_firm_capacity_bonus + pattern.lead_firm_bonus;
            z += pattern.demand_feedback;
            if (holder.has_experts) z += p_.expert_service_bonus;
            z += holder.tacit_knowledge;
            if (holder.in_consortium && trl >= 6) z += p_.consortium_bonus;
          } else if (trl >= 3) {
            z -= p_.lab_capacity_penalty;
          }
          if (trl == 6 && results_.is_verified[i]) z += p_.verification_bonus * pattern.verification_weight;
          if (results_.is_sponsored[i]) z += 0.3;
          if (firm && (trl == 6 || trl == 7 || trl == 8)) {
            // First units: insurance and public procurement reassure buyers (seed 000).
            const std::int32_t insurance = cell_policies_.insurance[c];
            if (insurance >= 0) {
              const auto& policy = p_.policies[static_cast<std::size_t>(insurance)];
              result_scratch_.insured[i] = 1;  // offered
              if (rng.bernoulli(p_.insurance_takeup_base * (1.0 - policy.claim_complexity))) {
                result_scratch_.insured[i] = 2;  // taken
                z += p_.insurance_bonus;
              }
            }
            if (cell_policies_.procurement[c] >= 0) z += p_.procurement_bonus;
          }
          results_.investment_yuan[i] += step_costs_(trl, results_.field[i]);
          if (rng.bernoulli(logistic(z))) {
            results_.trl[i] = u8(trl + 1);
            results_.stage[i] = stage_of_trl(trl + 1);
            if (firm && results_.trl[i] >= 7) results_.is_in_use[i] = 1;
          } else {
            if (result_scratch_.insured[i] == 2) result_scratch_.insured[i] = 3;  // taken and claimed
            if (rng.bernoulli(p_.failure_death_probability)) dies = true;
          }
        }
      } else if (!firm && !results_.is_shelved[i] && rng.bernoulli(p_.shelving_rate)) {
        results_.is_shelved[i] = 1;
      }
      if (!firm && !results_.is_shelved[i] && rng.bernoulli(p_.shelving_rate * 0.5))
        results_.is_shelved[i] = 1;
      // Obsolescence, lapse of unused patents and forgotten shelved results.
      const bool idle =
          !results_.is_in_use[i] && (results_.ip_status[i] != kUnprotected || results_.is_shelved[i]);
      double hazard =
          p_.result_death_rate + (idle ? p_.patent_lapse_unused : 0.0) +
          (results_.is_in_use[i] && results_.ip_status[i] != kUnprotected ? p_.patent_lapse_used : 0.0);
      if (!results_.is_applied[i]) hazard += p_.patent_lapse_unused;
      if (rng.bernoulli(hazard) || results_.age[i] >= p_.result_max_age_quarters) dies = true;
      if (dies) result_scratch_.dies[i] = 1;
      const std::uint8_t to_stage = dies ? kDeadStage : results_.stage[i];
      if (to_stage != from_stage) {
        events.push_back({results_.id(i), from_stage, to_stage, results_.trl[i], results_.origin[i],
                          results_.field[i], results_.is_verified[i]});
      }
    }
  });
  // Sequential part: counters, insurance premiums and claims, grant-to-equity conversion.
  const auto& gathered = transition_buffer_.gather();
  for (const auto& e : gathered) {
    events_.transitions.push_back(e);
    if (e.to_stage == kCommercialization) totals_.reached_commercialization += 1;
    if (e.to_stage == kIndustrialization) totals_.reached_industrialization += 1;
    if (e.from_stage == kDevelopment) {
      const bool converted = e.to_stage == kCommercialization;
      if (e.is_verified) {
        totals_.left_development_verified += 1;
        totals_.converted_verified += converted ? 1 : 0;
      } else {
        totals_.left_development_unverified += 1;
        totals_.converted_unverified += converted ? 1 : 0;
      }
    }
  }
  // Ex-post rewards (以奖代补): the instrument pays the firm holding a result when it reaches the
  // rewarded stage; the reward follows the outcome and never changes it.
  for (std::size_t k = 0; k < p_.policies.size(); ++k) {
    const auto& policy = p_.policies[k];
    if (policy.type != PolicyType::ex_post_reward || !is_active(policy, step_)) continue;
    const int rewarded = policy.stage >= 0 ? policy.stage : kIndustrialization;
    for (const auto& e : gathered) {
      if (e.to_stage != rewarded) continue;
      const std::size_t i = *results_.index_of(e.result);
      if (!results_.owner_is_firm[i]) continue;
      const std::uint32_t o = result_scratch_.owner_index[i];
      if (!targets(policy, firms_.region[o], firms_.field[o], firms_.kind[o], firms_.tier[o], -1)) continue;
      flows_.ex_post_rewards_paid +=
          payments_.pay_up_to(accounts_.first_policy_account + static_cast<std::int64_t>(k),
                              firms_.account[o], policy.amount_yuan);
    }
  }
  for (const auto& e : gathered) {
    if (e.to_stage != kCommercialization) continue;
    const std::size_t i = *results_.index_of(e.result);
    if (!results_.owner_is_firm[i]) continue;
    const std::uint32_t o = result_scratch_.owner_index[i];
    if (firms_.equity_grant[o] > 0) {
      totals_.government_equity_yuan +=
          firms_.equity_grant[o];  // 拨投结合: the grant becomes equity on success
      firms_.equity_grant[o] = 0;
    }
  }
  // Insurance premiums and claims, in result order; no result is insured where no insurance
  // policy is active, so the scan is skipped then.
  const bool insurance_offered = std::any_of(cell_policies_.insurance.begin(), cell_policies_.insurance.end(),
                                             [](std::int32_t policy) { return policy >= 0; });
  for (std::size_t i = 0; insurance_offered && i < n; ++i) {
    if (result_scratch_.insured[i] == 0) continue;
    flows_.insurance_offered += 1;
    if (result_scratch_.insured[i] < 2) continue;
    flows_.insurance_taken += 1;
    const std::uint32_t o = result_scratch_.owner_index[i];
    const int region = firms_.region[o];
    const auto policy_index =
        cell_policies_.insurance[static_cast<std::size_t>(cell_(region, results_.field[i]))];
    const auto& policy = p_.policies[static_cast<std::size_t>(policy_index)];
    const double insured = step_costs_(results_.trl[i], results_.field[i]) * 10.0;
    const double premium = p_.insurance_premium_rate * insured;
    const double subsidy = payments_.pay_up_to(accounts_.first_policy_account + policy_index,
                                               accounts_.insurer, premium * policy.rate);
    payments_.pay_up_to(firms_.account[o], accounts_.insurer, premium - subsidy);
    if (result_scratch_.insured[i] == 3)
      payments_.pay_up_to(accounts_.insurer, firms_.account[o],
                          insured * (1.0 - 0.5 * policy.claim_complexity));
  }
}

// Phase "retire_results" — removes dead results (and those whose holder exited this step,
// recording a death event for the latter); labs' cash is read back from the ledger. Firms exit
// only in update_firm_ladder and labs never do, so a holder is gone exactly when it is among
// this step's exits (results of firms that exited earlier were retired then).
void EcosystemModel::retire_results(const sim::PhaseContext& /*context*/) {
  std::vector<bool> exited(firms_.next_id(), false);
  for (const sim::AgentId id : exited_firm_ids_) exited[id] = true;
  const std::size_t n = results_.size();
  orphan_buffer_.begin(n);
  sim::parallel_for_chunks(n, [&](const sim::Chunk& chunk) {
    auto& orphans = orphan_buffer_.chunk(chunk);
    for (std::size_t i = chunk.begin; i != chunk.end; ++i) {
      if (!result_scratch_.dies[i]) {
        if (!results_.owner_is_firm[i] || !exited[static_cast<std::size_t>(results_.owner[i])]) continue;
        orphans.push_back({results_.id(i), results_.stage[i], kDeadStage, results_.trl[i], results_.origin[i],
                           results_.field[i], results_.is_verified[i]});
      }
      results_.mark_for_removal(i);
    }
  });
  for (const auto& e : orphan_buffer_.gather()) {
    events_.transitions.push_back(e);
    if (e.from_stage == kDevelopment) {
      if (e.is_verified)
        totals_.left_development_verified += 1;
      else
        totals_.left_development_unverified += 1;
    }
  }
  exited_firm_ids_.clear();
  results_.remove_marked();
  for (std::size_t i = 0; i < labs_.size(); ++i) labs_.cash[i] = payments_.balance(labs_.account[i]);
}

}  // namespace models::ecosystem
