// The result pipeline: holdings, stage transitions (the three valleys), deaths.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <stdexcept>

#include "models/ecosystem/draws.hpp"
#include "models/ecosystem/ecosystem.hpp"
#include "sim/core/parallel.hpp"
#include "sim/core/per_thread_totals.hpp"

namespace models::ecosystem {

// Phase "index_holdings" — reads results and firms; writes each result's holder row, each
// holder's need of development money, firms' best result quality, product value and use counts,
// and the lists of firms by region and field. The loop over results runs in parallel; holders'
// totals are exact per-thread totals (sim/core/per_thread_totals.hpp), so they do not depend on threads.
void EcosystemModel::index_holdings(const sim::PhaseContext& /*context*/) {
  const std::size_t n = results_.size();
  // Per-result scratch is sized here and written for every row inside the loop below.
  r_owner_index_.resize(n);
  r_wants_pilot_.resize(n);
  r_dies_.resize(n);
  r_insured_.resize(n);
  f_is_distressed_.assign(firms_.size(), 0);
  // Holders' totals: exact (integer, fixed-point, maximum) per-thread totals, combined after the
  // loop (sim/core/per_thread_totals.hpp), so they do not depend on the thread count.
  firm_totals_.reset(firms_.size());
  lab_totals_.reset(labs_.size());
  sim::parallel_for_chunks(n, [&](const sim::Chunk& chunk) {
    // Neighbouring rows often share a holder (a holder's results are created together): look
    // its row up once per run.
    std::int64_t run_owner = -1;
    bool run_firm = false;
    std::optional<std::size_t> index;
    auto& my_firm_totals = firm_totals_.local();
    auto& my_lab_totals = lab_totals_.local();
    for (std::size_t i = chunk.begin; i != chunk.end; ++i) {
      r_wants_pilot_[i] = 0;
      r_insured_[i] = 0;
      const bool firm = r_owner_is_firm_[i] != 0;
      if (r_owner_[i] != run_owner || firm != run_firm) {
        run_owner = r_owner_[i];
        run_firm = firm;
        const auto owner = static_cast<sim::AgentId>(run_owner);
        index = firm ? firms_.index_of(owner) : labs_.index_of(owner);
      }
      if (!index) {
        r_owner_index_[i] = kNoHolder;
        r_dies_[i] = 1;
        continue;
      }
      r_dies_[i] = 0;
      const auto o = static_cast<std::uint32_t>(*index);
      r_owner_index_[i] = o;
      const auto& pattern = p_.fields[static_cast<std::size_t>(r_field_[i])].coefficients;
      const double need = r_trl_[i] < 9 && !r_is_shelved_[i]
                              ? p_.attempt_rate * pattern.cycle_speed * step_cost(r_trl_[i], r_field_[i])
                              : 0.0;
      if (firm) {
        auto& t = my_firm_totals[o];
        if (!r_is_in_use_[i] && r_trl_[i] >= 4) t.best_quality = std::max(t.best_quality, r_quality_[i]);
        if (need > 0) t.need += sim::to_fixed(need);
        if (r_trl_[i] == 7 || r_trl_[i] == 8) t.commercializing += 1;
        if (r_is_in_use_[i]) {
          t.in_use += 1;
          const double stage_share = r_trl_[i] >= 9 ? 1.0 : p_.first_unit_revenue_share;
          t.product_value +=
              sim::to_fixed(p_.product_revenue_yuan * std::exp(0.3 * r_quality_[i]) * stage_share *
                            (0.2 + 0.8 * adoption_[static_cast<std::size_t>(r_field_[i])]));
        }
      } else if (r_trl_[i] < p_.lab_max_trl && need > 0) {
        my_lab_totals[o].need += sim::to_fixed(need);
      }
    }
  });
  lab_need_.resize(labs_.size());
  lab_totals_.combine(
      [](LabTotals& into, const LabTotals& part) { into.need += part.need; },
      [&](std::size_t l, const LabTotals& total) { lab_need_[l] = sim::from_fixed(total.need); });
  f_need_.resize(firms_.size());
  f_product_value_.resize(firms_.size());
  f_best_quality_.resize(firms_.size());
  f_commercializing_.resize(firms_.size());
  firm_totals_.combine(
      [](FirmTotals& into, const FirmTotals& part) {
        into.need += part.need;
        into.product_value += part.product_value;
        into.in_use += part.in_use;
        into.commercializing += part.commercializing;
        into.best_quality = std::max(into.best_quality, part.best_quality);
      },
      [&](std::size_t f, const FirmTotals& total) {
        f_need_[f] = sim::from_fixed(total.need);
        f_product_value_[f] = sim::from_fixed(total.product_value);
        f_results_in_use_[f] = total.in_use;
        f_commercializing_[f] = total.commercializing;
        f_best_quality_[f] = total.best_quality;
      });
  // Cleared, not reassigned: the lists keep their memory from step to step (millions of firms).
  firms_by_cell_.resize(p_.regions.size() * p_.fields.size());
  smes_by_region_.resize(p_.regions.size());
  for (auto& firms : firms_by_cell_) firms.clear();
  for (auto& smes : smes_by_region_) smes.clear();
  for (std::size_t i = 0; i < firms_.size(); ++i) {
    firms_by_cell_[static_cast<std::size_t>(cell(f_region_[i], f_field_[i]))].push_back(
        static_cast<std::uint32_t>(i));
    if (f_kind_[i] == kSme)
      smes_by_region_[static_cast<std::size_t>(f_region_[i])].push_back(static_cast<std::uint32_t>(i));
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
  if (row >= end || r_owner_index_[row] == kNoHolder) return;
  const auto& views = r_owner_is_firm_[row] ? firm_views_ : lab_views_;
  __builtin_prefetch(&views[r_owner_index_[row]]);
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
  fill_holder_views(lab_views_, labs_.size(), [&](std::size_t l) {
    return HolderView{funded_share(l_dev_budget_[l], lab_need_[l]), 0.0, l_region_[l], 0, 0, 0};
  });
  fill_holder_views(firm_views_, firms_.size(), [&](std::size_t f) {
    return HolderView{funded_share(f_dev_budget_[f], f_need_[f]),
                      f_tacit_knowledge_[f],
                      f_region_[f],
                      u8(f_kind_[f] == kLeadFirm),
                      f_has_experts_[f],
                      u8(f_consortium_[f] >= 0)};
  });
  sim::parallel_for_chunks(n, [&](const sim::Chunk& chunk) {
    auto& events = transition_buffer_.chunk(chunk);
    for (std::size_t i = chunk.begin; i != chunk.end; ++i) {
      prefetch_holder_view(i + kHolderLookahead, chunk.end);
      if (r_dies_[i]) continue;
      auto rng = context.rng(results_.id(i));
      const std::uint32_t o = r_owner_index_[i];
      const bool firm = r_owner_is_firm_[i] != 0;
      const HolderView& holder = firm ? firm_views_[o] : lab_views_[o];
      const auto field = static_cast<std::size_t>(r_field_[i]);
      const auto& pattern = p_.fields[field].coefficients;
      const int holder_region = holder.region;
      const auto c = static_cast<std::size_t>(cell(holder_region, r_field_[i]));
      const std::uint8_t from_stage = r_stage_[i];
      r_age_[i] += 1;
      bool dies = false;
      const int trl = r_trl_[i];
      const bool can_advance = trl < 9 && !r_is_shelved_[i] && (firm || trl < p_.lab_max_trl);
      // Pilot demand: deterred by the fee net of vouchers ("built but unused", seed 002).
      if ((trl == 5 || trl == 6) && !r_is_verified_[i] && !r_is_shelved_[i]) {
        double fee = cell_expected_pilot_fee_[c];
        const std::int32_t voucher = rf_voucher_policy_[c];
        if (voucher >= 0)
          fee *= 1.0 - p_.policies[static_cast<std::size_t>(voucher)].pilot_voucher.subsidy_share;
        const double deterred = fee / (fee + p_.pilot_willingness_yuan);
        const double want = p_.pilot_request_rate * pattern.verification_weight * (1.0 - deterred) * 2.0 *
                            region_outreach_[static_cast<std::size_t>(holder_region)];
        if (rng.bernoulli(std::min(1.0, want))) r_wants_pilot_[i] = 1;
      }
      if (can_advance) {
        const double funded = r_is_sponsored_[i] ? 1.0 : holder.funded;
        const double attempt = p_.attempt_rate * pattern.cycle_speed * funded;
        if (rng.bernoulli(attempt)) {
          // The intercept of the stage the step leads into: entering development is the devil
          // river, entering commercialization the death valley, entering industrialization the
          // Darwinian sea (seed 002).
          const int stage = stage_of_trl(trl + 1);
          double z = intercept[stage] + p_.quality_effect * r_quality_[i];
          if (firm) {
            if (holder.is_lead_firm) z += p_.lead_firm_capacity_bonus + pattern.lead_firm_bonus;
            z += pattern.demand_feedback;
            if (holder.has_experts) z += p_.expert_service_bonus;
            z += holder.tacit_knowledge;
            if (holder.in_consortium && trl >= 6) z += p_.consortium_bonus;
          } else if (trl >= 3) {
            z -= p_.lab_capacity_penalty;
          }
          if (trl == 6 && r_is_verified_[i]) z += p_.verification_bonus * pattern.verification_weight;
          if (r_is_sponsored_[i]) z += 0.3;
          if (firm && (trl == 6 || trl == 7 || trl == 8)) {
            // First units: insurance and public procurement reassure buyers (seed 000).
            const std::int32_t insurance = rf_insurance_policy_[c];
            if (insurance >= 0) {
              const auto& policy = p_.policies[static_cast<std::size_t>(insurance)];
              r_insured_[i] = 1;  // offered
              if (rng.bernoulli(p_.insurance_takeup_base *
                                (1.0 - policy.first_unit_insurance.claim_complexity))) {
                r_insured_[i] = 2;  // taken
                z += p_.insurance_bonus;
              }
            }
            if (rf_procurement_policy_[c] >= 0) z += p_.procurement_bonus;
          }
          r_investment_[i] += step_cost(trl, r_field_[i]);
          if (rng.bernoulli(logistic(z))) {
            r_trl_[i] = u8(trl + 1);
            r_stage_[i] = stage_of_trl(trl + 1);
            if (firm && r_trl_[i] >= 7) r_is_in_use_[i] = 1;
          } else {
            if (r_insured_[i] == 2) r_insured_[i] = 3;  // taken and claimed
            if (rng.bernoulli(p_.failure_death_probability)) dies = true;
          }
        }
      } else if (!firm && !r_is_shelved_[i] && rng.bernoulli(p_.shelving_rate)) {
        r_is_shelved_[i] = 1;
      }
      if (!firm && !r_is_shelved_[i] && rng.bernoulli(p_.shelving_rate * 0.5)) r_is_shelved_[i] = 1;
      // Obsolescence, lapse of unused patents and forgotten shelved results.
      const bool idle = !r_is_in_use_[i] && (r_ip_[i] != kUnprotected || r_is_shelved_[i]);
      double hazard = p_.result_death_rate + (idle ? p_.patent_lapse_unused : 0.0) +
                      (r_is_in_use_[i] && r_ip_[i] != kUnprotected ? p_.patent_lapse_used : 0.0);
      if (!r_is_applied_[i]) hazard += p_.patent_lapse_unused;
      if (rng.bernoulli(hazard) || r_age_[i] >= p_.result_max_age_quarters) dies = true;
      if (dies) r_dies_[i] = 1;
      const std::uint8_t to_stage = dies ? kDeadStage : r_stage_[i];
      if (to_stage != from_stage) {
        events.push_back(
            {results_.id(i), from_stage, to_stage, r_trl_[i], r_origin_[i], r_field_[i], r_is_verified_[i]});
      }
    }
  });
  // Sequential part: counters, insurance premiums and claims, grant-to-equity conversion.
  const auto& gathered = transition_buffer_.gather();
  for (const auto& e : gathered) {
    transitions_.push_back(e);
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
      if (!r_owner_is_firm_[i]) continue;
      const std::uint32_t o = r_owner_index_[i];
      if (!targets(policy, f_region_[o], f_field_[o], f_kind_[o], f_tier_[o], -1)) continue;
      flows_.ex_post_rewards_paid += pay_up_to(first_policy_account_ + static_cast<std::int64_t>(k),
                                               f_account_[o], policy.ex_post_reward.reward_yuan);
    }
  }
  for (const auto& e : gathered) {
    if (e.to_stage != kCommercialization) continue;
    const std::size_t i = *results_.index_of(e.result);
    if (!r_owner_is_firm_[i]) continue;
    const std::uint32_t o = r_owner_index_[i];
    if (f_equity_grant_[o] > 0) {
      totals_.government_equity_yuan += f_equity_grant_[o];  // 拨投结合: the grant becomes equity on success
      f_equity_grant_[o] = 0;
    }
  }
  // Insurance premiums and claims, in result order; no result is insured where no insurance
  // policy is active, so the scan is skipped then.
  const bool insurance_offered = std::any_of(rf_insurance_policy_.begin(), rf_insurance_policy_.end(),
                                             [](std::int32_t policy) { return policy >= 0; });
  for (std::size_t i = 0; insurance_offered && i < n; ++i) {
    if (r_insured_[i] == 0) continue;
    flows_.insurance_offered += 1;
    if (r_insured_[i] < 2) continue;
    flows_.insurance_taken += 1;
    const std::uint32_t o = r_owner_index_[i];
    const int region = f_region_[o];
    const auto policy_index = rf_insurance_policy_[static_cast<std::size_t>(cell(region, r_field_[i]))];
    const auto& policy = p_.policies[static_cast<std::size_t>(policy_index)];
    const double insured = step_cost(r_trl_[i], r_field_[i]) * 10.0;
    const double premium = p_.insurance_premium_rate * insured;
    const double subsidy = pay_up_to(first_policy_account_ + policy_index, insurer_,
                                     premium * policy.first_unit_insurance.premium_subsidy_share);
    pay_up_to(f_account_[o], insurer_, premium - subsidy);
    if (r_insured_[i] == 3)
      pay_up_to(insurer_, f_account_[o],
                insured * (1.0 - 0.5 * policy.first_unit_insurance.claim_complexity));
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
      if (!r_dies_[i]) {
        if (!r_owner_is_firm_[i] || !exited[static_cast<std::size_t>(r_owner_[i])]) continue;
        orphans.push_back({results_.id(i), r_stage_[i], kDeadStage, r_trl_[i], r_origin_[i], r_field_[i],
                           r_is_verified_[i]});
      }
      results_.mark_for_removal(i);
    }
  });
  for (const auto& e : orphan_buffer_.gather()) {
    transitions_.push_back(e);
    if (e.from_stage == kDevelopment) {
      if (e.is_verified)
        totals_.left_development_verified += 1;
      else
        totals_.left_development_unverified += 1;
    }
  }
  exited_firm_ids_.clear();
  results_.remove_marked();
  for (std::size_t i = 0; i < labs_.size(); ++i) l_cash_[i] = balance(l_account_[i]);
}

}  // namespace models::ecosystem
