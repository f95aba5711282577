#include "models/ecosystem/ecosystem.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "models/ecosystem/draws.hpp"
#include "models/ecosystem/stream_purposes.hpp"
#include "models/ecosystem/version.hpp"
#include "sim/core/parallel.hpp"

namespace models::ecosystem {

EcosystemModel::EcosystemModel(Parameters parameters, const sim::ReplicateContext& context)
    : p_(std::move(parameters)),
      streams_(context.seed, context.replicate),
      scheduler_(streams_),
      check_every_phase_(context.check_invariants_every_phase) {
  instrument_accounts_.begin_step(p_.policies.size());  // step 0 reads them even without a spin-up
  region_flows_.reset(p_.regions.size());
  open_fixed_accounts(p_, accounts_, payments_);
  create_labs_and_firms(p_, streams_, labs_, firm_births_, payments_);
  create_platforms_banks_funds(p_, streams_, platforms_, banks_, funds_, payments_);
  create_intermediaries(p_, intermediaries_, ledger_);
  create_concept_verification_centres(p_, concept_centres_, ledger_);
  labels_ = code_labels(p_);
  label_population_codes(labels_,
                         {&results_.population, &labs_.population, &firms_.population, &platforms_.population,
                          &intermediaries_.population, &funds_.population, &banks_.population});
  const std::size_t fields = p_.fields.size();
  markets_.demand_index.assign(fields, 1.0);
  step_costs_ = StepCosts(p_);
  markets_.adoption.assign(fields, 0.05);
  for (const auto& f : p_.fields) markets_.demand_growth.push_back(f.demand_growth_per_quarter);
  // Each field's market: what its customers spend at demand index 1, with room for new products.
  markets_.size.assign(fields, 0.0);
  for (std::size_t i = 0; i < firms_.size(); ++i)
    markets_.size[static_cast<std::size_t>(firms_.field[i])] += p_.market_headroom * firms_.base_revenue[i];
  markets_.chain = LeontiefChain(p_.field_links);

  // The step, in the order of docs/MODEL.md (section 1.3): one line per phase, with the purpose of
  // its random streams (stream_purposes.hpp); phases.hpp says what each reads and writes.
  using Context = const sim::PhaseContext&;
  auto& s = scheduler_;
  s.add_phase("apply_policies", kApplyPoliciesDraws, [this](Context c) {
    // Fees follow the wage and price level of the quarter (set by last quarter's produce_and_sell).
    platforms_.price_level = intermediaries_.price_level = markets_.wage_level;
    apply_policies(c, p_, labs_, firms_, intermediaries_, funds_, lab_incentives_, firm_incentives_,
                   cell_policies_, region_policies_, consortia_count_, payments_, flows_, totals_);
  });
  s.add_phase("fund_research", kFundResearchDraws, [this](Context c) {
    fund_research(c, p_, markets_, labs_, lab_incentives_, lab_budgets_, firms_, firm_incentives_,
                  firm_budgets_, payments_, flows_);
  });
  s.add_phase("generate_results", kGenerateResultsDraws, [this](Context c) {
    generate_results(c, p_, markets_, labs_, lab_budgets_, firms_, firm_budgets_, results_, totals_);
  });
  // Demand-pull research is scheduled only when a scenario turns it on, so that every other scenario
  // runs exactly the phases (and the phase timings) it ran before.
  const bool demand_pull = p_.demand_pull.is_active();
  if (demand_pull) {
    s.add_phase("answer_posted_needs", kAnswerPostedNeedsDraws, [this](Context c) {
      answer_posted_needs(c, p_, results_, labs_, firms_, posted_needs_, payments_, events_, flows_);
    });
  }
  s.add_phase("index_holdings", kIndexHoldingsDraws, [this](Context c) {
    index_holdings(c, p_, results_, step_costs_, markets_, labs_, firms_, result_scratch_, lab_budgets_,
                   firm_budgets_, firm_holdings_, firm_conditions_, firm_index_, holder_totals_);
  });
  s.add_phase("move_researchers", kMoveResearchersDraws, [this](Context c) {
    move_researchers(c, p_, labs_, lab_incentives_, firms_, firm_index_, payments_, flows_);
  });
  s.add_phase("run_expert_services", kRunExpertServicesDraws, [this](Context c) {
    run_expert_services(c, p_, firms_, firm_incentives_, region_policies_, firm_budgets_, firm_conditions_,
                        firm_index_, intermediaries_, payments_, flows_);
  });
  s.add_phase("anticipate_rewards", kAnticipateRewardsDraws, [this](Context c) {
    anticipate_rewards(c, p_, results_, result_scratch_, firms_, firm_budgets_, payments_, flows_);
  });
  s.add_phase("finance_thematic_bonds", kFinanceThematicBondsDraws, [this](Context c) {
    finance_thematic_bonds(c, p_, firms_, firm_holdings_, firm_budgets_, firm_conditions_, payments_, flows_);
  });
  s.add_phase("spend_earmarked_funds", kSpendEarmarkedFundsDraws,
              [this](Context) { spend_earmarked_funds(firms_, firm_budgets_, payments_, flows_); });
  s.add_phase("advance_results", kAdvanceResultsDraws, [this](Context c) {
    advance_results(c, p_, results_, result_scratch_, labs_, lab_budgets_, firms_, firm_budgets_,
                    firm_conditions_, platforms_, cell_policies_, region_policies_, step_costs_,
                    holder_views_, transition_buffer_, payments_, events_, flows_, totals_);
  });
  s.add_phase("verify_concepts", kVerifyConceptsDraws, [this](Context c) {
    verify_concepts(c, p_, results_, result_scratch_, labs_, firms_, step_costs_, concept_centres_, payments_,
                    events_, flows_);
  });
  s.add_phase("run_pilot_platforms", kRunPilotPlatformsDraws, [this](Context c) {
    run_pilot_platforms(c, p_, results_, result_scratch_, labs_, firms_, platforms_, cell_policies_,
                        region_policies_, pilot_buffer_, payments_, flows_);
  });
  s.add_phase("run_challenges_and_consortia", kRunChallengesAndConsortiaDraws, [this](Context c) {
    run_challenges_and_consortia(c, p_, results_, result_scratch_, labs_, firms_, challenge_contracts_,
                                 payments_);
  });
  s.add_phase("match_results", kMatchResultsDraws, [this](Context c) {
    match_results(c, p_, results_, result_scratch_, labs_, lab_incentives_, firm_births_, firm_index_,
                  intermediaries_, region_policies_, deal_buffer_, payments_, events_, flows_, region_flows_);
  });
  s.add_phase("invest_venture_capital", kInvestVentureCapitalDraws, [this](Context c) {
    invest_venture_capital(c, p_, funds_, firms_, firm_holdings_, firm_index_, payments_, events_, flows_,
                           region_flows_);
  });
  s.add_phase("lend_and_settle_loans", kLendAndSettleLoansDraws, [this](Context c) {
    lend_and_settle_loans(c, p_, markets_, firms_, firm_incentives_, firm_budgets_, firm_conditions_, banks_,
                          loan_buffer_, payments_, events_);
  });
  s.add_phase("invest_in_capacity", kInvestInCapacityDraws,
              [this](Context c) { invest_in_capacity(c, p_, markets_, firms_, payments_, flows_); });
  s.add_phase("produce_and_sell", kProduceAndSellDraws, [this](Context c) {
    produce_and_sell(c, p_, markets_, firms_, firm_incentives_, firm_holdings_, firm_conditions_, payments_,
                     flows_);
    step_costs_.set_level(markets_.wage_level);
  });
  s.add_phase("update_firm_ladder", kUpdateFirmLadderDraws, [this](Context c) {
    update_firm_ladder(c, p_, markets_, firm_births_, firm_index_, funds_, banks_, intermediaries_,
                       exited_firm_ids_, payments_, flows_);
  });
  s.add_phase("retire_results", kRetireResultsDraws, [this](Context c) {
    retire_results(c, results_, result_scratch_, firms_, exited_firm_ids_, orphan_buffer_, labs_, payments_,
                   events_, totals_);
  });
  if (demand_pull) {
    s.add_phase("post_needs", kPostNeedsDraws,
                [this](Context) { post_needs(p_, markets_, firms_, posted_needs_, payments_); });
    s.add_phase("choose_topics", kChooseTopicsDraws,
                [this](Context c) { choose_topics(c, p_, posted_needs_, lab_budgets_, labs_, flows_); });
  }
  if (check_every_phase_) {
    scheduler_.set_invariant_check(
        [this](std::int64_t step, const std::string& phase) { check_invariants(step, phase); });
  }
  spin_up();
}

// The initial state's spin-up: quarters 1 - spin_up_quarters .. 0 run under baseline rules (no
// instrument starts before step 1; demand and prices are held), their events are dropped, and
// step 0 is what they leave. Cumulative counters (results created, conversions) keep counting from
// the first spin-up quarter, so the cumulative shares describe the settled economy.
void EcosystemModel::spin_up() {
  for (std::int64_t step = 1 - p_.spin_up_quarters; step <= 0; ++step) {
    this->step(step);
    check_invariants(step, "end of spin-up step");
    // Dropped each quarter, as take_events does in the run: kept to the end of the spin-up, they
    // held every spin-up quarter's transitions at once (15% of the peak heap of a quarter-size
    // national_full run).
    events_.transitions.clear();
    events_.deals.clear();
    events_.deal_ids.clear();
  }
  step_ = 0;
}

// ---------------------------------------------------------------------------------------------
// Phases

void EcosystemModel::step(std::int64_t step) {
  step_ = step;
  instrument_accounts_.begin_step(p_.policies.size());
  region_flows_.reset(p_.regions.size());
  scheduler_.run_step(step);
  instrument_accounts_.end_step();
}

// ---------------------------------------------------------------------------------------------
// Metrics, events, invariants

void EcosystemModel::check_invariants(std::int64_t step, const std::string& phase) const {
  ledger_.check_conservation(step, phase);
  if (check_every_phase_) {
    results_.population.check_invariants();
    firms_.population.check_invariants();
    labs_.population.check_invariants();
  }
  // The first result (in row order) with a TRL outside 1-9, found in parallel.
  std::vector<std::size_t> first_bad(sim::chunk_count(results_.size()), results_.size());
  sim::parallel_for_chunks(results_.size(), [&](const sim::Chunk& chunk) {
    for (std::size_t i = chunk.begin; i != chunk.end; ++i) {
      if (results_.trl[i] < 1 || results_.trl[i] > 9) {
        first_bad[chunk.index] = i;
        return;
      }
    }
  });
  for (const std::size_t i : first_bad) {
    if (i == results_.size()) continue;
    throw std::logic_error(
        fmt::format("step {}, phase {}: result {} has TRL {}", step, phase, results_.id(i), results_.trl[i]));
  }
}

std::uint64_t EcosystemModel::state_hash() const {
  std::uint64_t hash = 1469598103934665603ULL;
  auto mix = [&](const auto& values) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(values.data());
    for (std::size_t k = 0; k < values.size() * sizeof(values[0]); ++k)
      hash = (hash ^ bytes[k]) * 1099511628211ULL;
  };
  mix(results_.population.ids());
  mix(results_.trl);
  mix(results_.quality);
  mix(results_.owner);
  mix(results_.ip_status);
  mix(firms_.population.ids());
  mix(firms_.revenue);
  mix(firms_.tier);
  mix(firms_.loan);
  mix(firms_.tacit_knowledge);
  mix(firms_.thematic_bond);
  mix(firms_.capital);
  mix(firms_.status);
  mix(firms_.valuation);
  mix(firms_.government_stake);
  mix(intermediaries_.served);
  std::vector<Fen> balances(ledger_.account_count());
  for (std::size_t a = 0; a < balances.size(); ++a)
    balances[a] = ledger_.balance(static_cast<sim::AccountId>(a));
  mix(balances);
  return hash;
}

namespace {

// Bytes one replicate holds at its largest: about 100 bytes per result (fields, scratch and a
// snapshot row) with up to 20 live results per agent (the national baseline holds about 8), and
// about 600 bytes per agent (fields, scratch, ledger account with its owner name). Reading the
// parameters here also makes `innosim check` report undefined regions and fields in policies.
std::uint64_t estimate_memory_bytes(const sim::Config& config) {
  const Parameters parameters = read_parameters(config);
  const auto agents = static_cast<std::uint64_t>(parameters.universities + parameters.institutes +
                                                 parameters.lead_firms + parameters.smes);
  return agents * (20 * 100 + 600) + (1u << 20);
}

std::string describe_findings(const std::vector<sim::MetricInfo>& metrics,
                              const std::vector<std::vector<double>>& series) {
  auto last = [&](const std::string& name) {
    for (std::size_t m = 0; m < metrics.size(); ++m) {
      if (metrics[m].name == name && !series[m].empty()) return series[m].back();
    }
    return 0.0;
  };
  const std::string findings = fmt::format(
      "Found (replicate means, last step): firms perform {:.1f}% of R&D, institutes {:.1f}%, universities "
      "{:.1f}%; "
      "basic research is {:.1f}%. {:.1f}% of live invention patents are in industrial use (universities "
      "{:.1f}%, "
      "institutes {:.1f}%). {:.1f}% of results reached production and {:.1f}% of those an industry; "
      "pilot-verified "
      "results converted at {:.0f}% vs {:.0f}% unverified, with pilot platforms {:.0f}% utilised. SMEs: "
      "{:.0f} "
      "({:.0f} high-tech, {:.0f} 专精特新 of which {:.0f} little giants, {:.0f} unicorns, {:.0f} listed); "
      "R&D intensity {:.2f}%.",
      100 * last("rd_share_enterprises"), 100 * last("rd_share_institutes"),
      100 * last("rd_share_universities"), 100 * last("basic_research_share"),
      100 * last("patent_industrialization_rate"), 100 * last("patent_industrialization_rate_universities"),
      100 * last("patent_industrialization_rate_institutes"), 100 * last("results_applied_share"),
      100 * last("applied_industrialized_share"), 100 * last("pilot_verified_conversion_rate"),
      100 * last("unverified_conversion_rate"), 100 * last("pilot_utilization"), last("sme_count"),
      last("sme_count_high_tech"), last("sme_count_specialised"), last("sme_count_little_giant"),
      last("sme_count_unicorn"), last("sme_count_listed"), 100 * last("rd_intensity"));
  const std::string instruments = describe_instrument_accounts(metrics, series);
  return instruments.empty() ? findings : findings + "\n" + instruments;
}

}  // namespace

sim::ModelDefinition definition() {
  sim::ModelDefinition model;
  model.name = "ecosystem";
  model.version = kVersion;
  model.summary =
      "Innovation ecosystem: research results through the three valleys, actors, finance and policy "
      "instruments";
  model.declare_parameters = declare_parameters;
  model.create = [](const sim::Config& config,
                    const sim::ReplicateContext& context) -> std::unique_ptr<sim::Model> {
    return std::make_unique<EcosystemModel>(read_parameters(config), context);
  };
  model.describe_findings = describe_findings;
  model.estimate_memory_bytes = estimate_memory_bytes;
  model.size_parameter = "ecosystem.smes";
  return model;
}

}  // namespace models::ecosystem
