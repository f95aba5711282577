#pragma once
// The innovation ecosystem model: research results travel from universities, institutes and firms
// through development, commercialization and industrialization (the "three valleys", seed 002),
// carried by firms' and labs' budgets, pilot platforms, transfer deals, finance and markets, and
// pushed by the scenario's policy instruments. docs/MODEL.md describes it in the ODD protocol and
// names, for every process, the phase function that implements it (phases.hpp).
//
// The model is data plus phases: a struct of arrays per agent kind (results.hpp, labs.hpp,
// firms.hpp, pilot_platforms.hpp, intermediaries.hpp, vc_funds.hpp, banks.hpp), per-step scratch
// grouped by meaning (incentives, budgets, holdings, indices), the fixed accounts and payments,
// and free phase functions that take what they read as const and what they write. This class owns
// the data and lists the phases of a step in its constructor (ecosystem.cpp).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "models/ecosystem/accounts.hpp"
#include "models/ecosystem/banks.hpp"
#include "models/ecosystem/code_labels.hpp"
#include "models/ecosystem/concept_verification.hpp"
#include "models/ecosystem/events.hpp"
#include "models/ecosystem/firms.hpp"
#include "models/ecosystem/flows.hpp"
#include "models/ecosystem/holdings.hpp"
#include "models/ecosystem/incentives.hpp"
#include "models/ecosystem/instrument_accounts.hpp"
#include "models/ecosystem/intermediaries.hpp"
#include "models/ecosystem/labs.hpp"
#include "models/ecosystem/markets.hpp"
#include "models/ecosystem/money.hpp"
#include "models/ecosystem/parameters.hpp"
#include "models/ecosystem/payments.hpp"
#include "models/ecosystem/phases.hpp"
#include "models/ecosystem/pilot_platforms.hpp"
#include "models/ecosystem/results.hpp"
#include "models/ecosystem/setup.hpp"
#include "models/ecosystem/vc_funds.hpp"
#include "sim/core/ledger.hpp"
#include "sim/core/proposals.hpp"
#include "sim/model.hpp"

namespace models::ecosystem {

class EcosystemModel final : public sim::Model {
 public:
  EcosystemModel(Parameters parameters, const sim::ReplicateContext& context);

  void step(std::int64_t step) override;
  [[nodiscard]] std::vector<sim::MetricInfo> metrics() const override;
  void measure(std::span<double> values) const override;
  [[nodiscard]] std::vector<const sim::Population*> populations() const override;
  std::vector<std::pair<std::string, sim::TableRows>> take_events() override;
  void check_invariants(std::int64_t step, const std::string& phase) const override;
  [[nodiscard]] const sim::Scheduler& scheduler() const override { return scheduler_; }
  [[nodiscard]] std::size_t agent_count() const override;
  // Every member that a later step reads (checkpoint.cpp); the parameters, streams, scheduler and
  // code labels are rebuilt from the scenario by the constructor.
  void save_state(std::ostream& out) const override;
  void restore_state(std::istream& in) override;

  // Read access for tests.
  [[nodiscard]] const sim::Population& results() const { return results_.population; }
  [[nodiscard]] const sim::Population& firms() const { return firms_.population; }
  [[nodiscard]] const sim::Population& labs() const { return labs_.population; }
  [[nodiscard]] const sim::Population& intermediaries() const { return intermediaries_.population; }
  [[nodiscard]] const sim::Ledger& ledger() const { return ledger_; }
  [[nodiscard]] const Totals& totals() const { return totals_; }
  // The last step's development budgets and needs, by the firms' rows before that step's exits.
  [[nodiscard]] const FirmBudgets& firm_budgets() const { return firm_budgets_; }
  [[nodiscard]] double metric(const std::string& name) const;
  // FNV-1a over every population's hot fields and every ledger balance.
  [[nodiscard]] std::uint64_t state_hash() const;

 private:
  void spin_up();

  Parameters p_;
  sim::RandomStreams streams_;
  sim::Scheduler scheduler_;
  sim::Ledger ledger_{kYuan};
  std::int64_t step_ = 0;
  bool check_every_phase_ = false;
  // Governments are accounts, not agents (accounts.hpp). Payments count government spending
  // into flows_ (reset by apply_policies every step) and each instrument's money into
  // instrument_accounts_ (reset by step()).
  FixedAccounts accounts_;
  Flows flows_;
  RegionPairFlows region_flows_;  // money between regions, per pair (reset by step())
  Totals totals_;
  InstrumentAccounts instrument_accounts_;
  Payments payments_{ledger_, accounts_, step_, flows_.government_spending, instrument_accounts_};

  CodeLabels labels_;  // what the codes in the output mean (code_labels.hpp)

  // Agents, each kind with its per-step scratch.
  Results results_;
  ResultScratch result_scratch_;
  Labs labs_;
  LabIncentives lab_incentives_;
  LabBudgets lab_budgets_;
  Firms firms_;
  FirmIncentives firm_incentives_;
  FirmBudgets firm_budgets_;
  FirmHoldings firm_holdings_;
  FirmConditions firm_conditions_;
  FirmIndex firm_index_;
  FirmBirths firm_births_{p_,       firms_, firm_incentives_, firm_budgets_, firm_holdings_, firm_conditions_,
                          payments_};
  PilotPlatforms platforms_;
  Intermediaries intermediaries_;
  ConceptVerificationCentres concept_centres_;
  VcFunds funds_;
  Banks banks_;

  // The policy mix of the quarter, beyond per-agent incentives (apply_policies).
  CellPolicies cell_policies_;
  RegionPolicies region_policies_;
  std::int64_t consortia_count_ = 0;
  // Milestone payments still owed by challenge instruments, in award order.
  std::vector<ChallengeContract> challenge_contracts_;
  PostedNeeds posted_needs_;  // firms' open needs (demand_pull.hpp)

  // Results' holders (index_holdings, advance_results), markets, costs.
  HolderViews holder_views_;
  HolderTotals holder_totals_;
  FieldMarkets markets_;
  StepCosts step_costs_;
  // Ids of the firms that exited this step (update_firm_ladder), for retire_results.
  std::vector<sim::AgentId> exited_firm_ids_;

  // Events of the step and the proposal buffers of parallel loops (kept for their memory).
  Events events_;
  sim::ProposalBuffer<TransitionEvent> transition_buffer_, orphan_buffer_;
  sim::ProposalBuffer<DealProposal> deal_buffer_;
  sim::ProposalBuffer<PilotRequest> pilot_buffer_;
  sim::ProposalBuffer<std::uint32_t> loan_buffer_;  // rows of SMEs that deal with their bank
};

sim::ModelDefinition definition();

}  // namespace models::ecosystem
