#include "models/ecosystem/ecosystem.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "models/ecosystem/draws.hpp"
#include "models/ecosystem/stream_purposes.hpp"
#include "sim/parallel.hpp"

namespace models::ecosystem {

EcosystemModel::EcosystemModel(Parameters parameters, const sim::ReplicateContext& context)
    : p_(std::move(parameters)),
      streams_(context.seed, context.replicate),
      scheduler_(streams_),
      check_every_phase_(context.check_invariants_every_phase) {
  open_fixed_accounts(p_, accounts_, payments_);
  create_labs_and_firms(p_, streams_, labs_, firm_births_, payments_);
  create_platforms_banks_funds(p_, streams_, platforms_, banks_, funds_, payments_);
  create_intermediaries(p_, intermediaries_, ledger_);
  const std::size_t fields = p_.fields.size();
  markets_.demand_index.assign(fields, 1.0);
  step_costs_ = StepCosts(p_);
  markets_.adoption.assign(fields, 0.05);
  markets_.industrialized_count.assign(fields, 0);
  for (const auto& f : p_.fields) markets_.demand_growth.push_back(f.demand_growth_per_quarter);

  // The step, in the order of docs/MODEL.md (section 1.3): one line per phase, each with the
  // purpose of its random streams (stream_purposes.hpp).
  const auto add = [this](const char* name, std::uint64_t purpose,
                          void (EcosystemModel::*body)(const sim::PhaseContext&)) {
    scheduler_.add_phase(name, purpose, [this, body](const sim::PhaseContext& c) { (this->*body)(c); });
  };
  add("apply_policies", kApplyPoliciesDraws, &EcosystemModel::apply_policies);
  add("fund_research", kFundResearchDraws, &EcosystemModel::fund_research);
  add("generate_results", kGenerateResultsDraws, &EcosystemModel::generate_results);
  add("index_holdings", kIndexHoldingsDraws, &EcosystemModel::index_holdings);
  add("move_researchers", kMoveResearchersDraws, &EcosystemModel::move_researchers);
  add("run_expert_services", kRunExpertServicesDraws, &EcosystemModel::run_expert_services);
  add("anticipate_rewards", kAnticipateRewardsDraws, &EcosystemModel::anticipate_rewards);
  add("finance_thematic_bonds", kFinanceThematicBondsDraws, &EcosystemModel::finance_thematic_bonds);
  add("advance_results", kAdvanceResultsDraws, &EcosystemModel::advance_results);
  add("run_pilot_platforms", kRunPilotPlatformsDraws, &EcosystemModel::run_pilot_platforms);
  add("run_challenges_and_consortia", kRunChallengesAndConsortiaDraws,
      &EcosystemModel::run_challenges_and_consortia);
  add("match_results", kMatchResultsDraws, &EcosystemModel::match_results);
  add("invest_venture_capital", kInvestVentureCapitalDraws, &EcosystemModel::invest_venture_capital);
  add("lend_and_settle_loans", kLendAndSettleLoansDraws, &EcosystemModel::lend_and_settle_loans);
  add("produce_and_sell", kProduceAndSellDraws, &EcosystemModel::produce_and_sell);
  add("update_firm_ladder", kUpdateFirmLadderDraws, &EcosystemModel::update_firm_ladder);
  add("retire_results", kRetireResultsDraws, &EcosystemModel::retire_results);
  if (check_every_phase_) {
    scheduler_.set_invariant_check(
        [this](std::int64_t step, const std::string& phase) { check_invariants(step, phase); });
  }
}

// ---------------------------------------------------------------------------------------------
// Phases

void EcosystemModel::step(std::int64_t step) {
  step_ = step;
  scheduler_.run_step(step);
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
  mix(intermediaries_.served);
  std::vector<sim::Fen> balances(ledger_.account_count());
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
  return fmt::format(
      "Found (replicate means, last step): firms perform {:.1f}% of R&D, institutes {:.1f}%, universities "
      "{:.1f}%; "
      "basic research is {:.1f}%. {:.1f}% of live invention patents are in industrial use (universities "
      "{:.1f}%, "
      "institutes {:.1f}%). {:.1f}% of results reached production and {:.1f}% of those an industry; "
      "pilot-verified "
      "results converted at {:.0f}% vs {:.0f}% unverified, with pilot platforms {:.0f}% utilised. SMEs: "
      "{:.0f} "
      "({:.0f} little giants); R&D intensity {:.2f}%.",
      100 * last("rd_share_enterprises"), 100 * last("rd_share_institutes"),
      100 * last("rd_share_universities"), 100 * last("basic_research_share"),
      100 * last("patent_industrialization_rate"), 100 * last("patent_industrialization_rate_universities"),
      100 * last("patent_industrialization_rate_institutes"), 100 * last("results_applied_share"),
      100 * last("applied_industrialized_share"), 100 * last("pilot_verified_conversion_rate"),
      100 * last("unverified_conversion_rate"), 100 * last("pilot_utilization"), last("sme_count"),
      last("sme_count_little_giant"), 100 * last("rd_intensity"));
}

}  // namespace

sim::ModelDefinition definition() {
  sim::ModelDefinition model;
  model.name = "ecosystem";
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
