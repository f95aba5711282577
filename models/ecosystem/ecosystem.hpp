#pragma once
// The innovation ecosystem model: research results travel from universities, institutes and firms
// through development, commercialization and industrialization (the "three valleys", seed 002),
// carried by firms' and labs' budgets, pilot platforms, transfer deals, finance and markets, and
// pushed by the scenario's policy instruments. docs/MODEL.md describes it in the ODD protocol and
// names, for every process, the phase function below that implements it.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "models/ecosystem/money.hpp"
#include "models/ecosystem/parameters.hpp"
#include "sim/core/ledger.hpp"
#include "sim/core/ledger_batch.hpp"
#include "sim/core/per_thread_totals.hpp"
#include "sim/core/proposals.hpp"
#include "sim/model.hpp"

namespace models::ecosystem {

// A transition or death of one result, gathered in result order (events /events/transition/).
struct TransitionEvent {
  std::uint64_t result;
  std::uint8_t from_stage;
  std::uint8_t to_stage;  // kDeadStage when the result died
  std::uint8_t trl;
  std::uint8_t origin;
  std::int16_t field;
  std::uint8_t is_verified;
};
// A licence, assignment, spin-out, VC investment or loan (events /events/deal/).
enum DealKind : std::int32_t { kLicence = 0, kAssignment = 1, kSpinout = 2, kVcInvestment = 3, kLoan = 4 };
struct DealEvent {
  std::int32_t kind;
  std::int64_t buyer;   // firm id (licences, spin-outs), fund or bank id (investments, loans)
  std::int64_t seller;  // lab id, or the firm receiving money
  std::int64_t result;  // result id or -1
  double amount_yuan;
};

// Per-step flows, reset at the start of each step (metrics of the quarter).
struct Flows {
  std::array<double, kPerformers> rd_spending{};
  double basic_spending = 0;
  double government_spending = 0, procurement_spend = 0, vc_invested = 0, risk_pool_paid = 0;
  double value_added = 0;
  std::int64_t sme_births = 0, sme_deaths = 0, spinouts = 0;
  std::int64_t loans_defaulted = 0, insurance_offered = 0, insurance_taken = 0;
  std::int64_t pilot_served = 0, pilot_capacity = 0, licences = 0;
  std::int64_t brokered_deals = 0, broker_capacity = 0, expert_firms_served = 0, incubator_births = 0;
  std::int64_t researchers_moved = 0, thematic_bond_defaults = 0;
  double ex_post_rewards_paid = 0, thematic_bonds_issued = 0;
};

// Cumulative counters since step 0.
struct Totals {
  std::int64_t results_created = 0, reached_commercialization = 0, reached_industrialization = 0;
  std::int64_t left_development_verified = 0, converted_verified = 0;
  std::int64_t left_development_unverified = 0, converted_unverified = 0;
  double government_equity_yuan = 0, guidance_government_yuan = 0, guidance_subfund_yuan = 0;
};

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

  // Read access for tests.
  [[nodiscard]] const sim::Population& results() const { return results_; }
  [[nodiscard]] const sim::Population& firms() const { return firms_; }
  [[nodiscard]] const sim::Population& labs() const { return labs_; }
  [[nodiscard]] const sim::Population& intermediaries() const { return intermediaries_; }
  [[nodiscard]] const sim::Ledger& ledger() const { return ledger_; }
  [[nodiscard]] const Totals& totals() const { return totals_; }
  [[nodiscard]] double metric(const std::string& name) const;
  // FNV-1a over every population's hot fields and every ledger balance.
  [[nodiscard]] std::uint64_t state_hash() const;

 private:
  // Set-up.
  void open_fixed_accounts();
  void create_labs_and_firms();
  void create_platforms_banks_funds();
  void create_intermediaries();
  std::size_t spawn_firm(Performer kind, int region, int field, double revenue_yuan, std::int64_t step,
                         sim::PhiloxStream& rng);
  std::size_t spawn_vc_fund(int region, int field, double capital_yuan, std::int64_t vintage, bool is_guided);

  // Phases, in the order of docs/MODEL.md.
  void apply_policies(const sim::PhaseContext& context);
  void fund_research(const sim::PhaseContext& context);
  void generate_results(const sim::PhaseContext& context);
  void index_holdings(const sim::PhaseContext& context);
  void move_researchers(const sim::PhaseContext& context);
  void run_expert_services(const sim::PhaseContext& context);
  void anticipate_rewards(const sim::PhaseContext& context);
  void finance_thematic_bonds(const sim::PhaseContext& context);
  void advance_results(const sim::PhaseContext& context);
  void run_pilot_platforms(const sim::PhaseContext& context);
  void run_challenges_and_consortia(const sim::PhaseContext& context);
  void match_results(const sim::PhaseContext& context);
  std::int64_t propose_deal(const sim::PhaseContext& context, std::size_t i, std::int64_t spinout) const;
  void invest_venture_capital(const sim::PhaseContext& context);
  void lend_and_settle_loans(const sim::PhaseContext& context);
  void produce_and_sell(const sim::PhaseContext& context);
  void update_firm_ladder(const sim::PhaseContext& context);
  void retire_results(const sim::PhaseContext& context);

  // Helpers.
  void pay(std::int64_t from, std::int64_t to, double yuan);
  double pay_up_to(std::int64_t from, std::int64_t to, double yuan);
  // The same from one chunk of a parallel loop over agents: the chunk's agents' accounts are its
  // own, the fixed accounts are shared (sim/core/ledger_batch.hpp). Government spending is summed per
  // chunk; the caller adds the chunks' sums in chunk order.
  struct ChunkPayments {
    sim::LedgerBatch ledger;
    double government_spending = 0;
  };
  ChunkPayments chunk_payments() { return {sim::LedgerBatch(ledger_, first_agent_account_), 0.0}; }
  void pay(ChunkPayments& chunk, std::int64_t from, std::int64_t to, double yuan) const;
  double pay_up_to(ChunkPayments& chunk, std::int64_t from, std::int64_t to, double yuan) const;
  static double balance(const ChunkPayments& chunk, std::int64_t account) {
    return to_yuan(chunk.ledger.balance(static_cast<sim::AccountId>(account)));
  }
  Fen payment_fen(std::int64_t from, std::int64_t to, double yuan) const;
  double sell_and_pay(ChunkPayments& payments, const sim::PhaseContext& context, std::size_t i,
                      double procurement, std::int64_t repayable_account);
  void count_government_spending(std::int64_t from, std::int64_t to, Fen fen, double& spending) const;
  bool is_capped_by_balance(std::int64_t from) const;
  double balance(std::int64_t account) const {
    return to_yuan(ledger_.balance(static_cast<sim::AccountId>(account)));
  }
  bool is_government_budget(std::int64_t account) const {
    return account == static_cast<std::int64_t>(government_budget_) ||
           (account >= first_regional_budget_ &&
            account < first_regional_budget_ + static_cast<std::int64_t>(p_.regions.size()));
  }
  bool is_policy_account(std::int64_t account) const {
    return account >= first_policy_account_ &&
           account < first_policy_account_ + static_cast<std::int64_t>(p_.policies.size());
  }
  int cell(int region, int field) const { return region * static_cast<int>(p_.fields.size()) + field; }
  void form_consortia(std::size_t policy_index);
  bool targets(const PolicySpec& p, int region, int field, int kind, int tier, int stage) const;
  bool is_active(const PolicySpec& p, std::int64_t step) const {
    return step >= p.start_step && step <= p.end_step;
  }
  void exit_firm(std::size_t i, std::int64_t step);
  void default_on_bond(std::size_t firm);
  void incubate_firms(const sim::PhaseContext& context);
  void assign_transfer_offices();
  double step_cost(int trl, int field) const;
  void fill_step_cost_table();
  int pick_field(sim::PhiloxStream& rng) const;

  Parameters p_;
  sim::RandomStreams streams_;
  sim::Scheduler scheduler_;
  sim::Ledger ledger_{kYuan};
  std::int64_t step_ = 0;
  bool check_every_phase_ = false;

  // Fixed accounts.
  sim::AccountId government_budget_ = 0;  // source: national appropriations
  // Sources: each region's government budget (regional policies are paid from them), in region order.
  std::int64_t first_regional_budget_ = 0;
  sim::AccountId private_capital_ = 0;  // source: founders, LPs, depositors
  sim::AccountId market_ = 0;           // source: customers outside the model
  sim::AccountId rd_sink_ = 0, costs_sink_ = 0, payout_sink_ = 0, losses_sink_ = 0, inventors_sink_ = 0;
  sim::AccountId government_ = 0;  // holding: receives taxes, pays standing programmes
  sim::AccountId insurer_ = 0;
  sim::AccountId bondholders_ = 0;  // holding: buyers of thematic bonds (money from private capital)
  std::int64_t first_policy_account_ = 0;
  sim::AccountId first_agent_account_ = 0;  // accounts from here on belong to agents

  // Research results: the central entity. 40 bytes of fields per result.
  sim::Population results_{"result"};
  std::vector<std::uint8_t>& r_origin_;
  // Region, field and age are 16-bit (read_parameters bounds the counts, result_max_age_quarters
  // the age): every pass over tens of millions of results streams these columns.
  std::vector<std::int16_t>& r_region_;
  std::vector<std::int16_t>& r_field_;
  std::vector<double>& r_quality_;
  std::vector<std::uint8_t>& r_trl_;
  std::vector<std::uint8_t>& r_stage_;
  std::vector<std::uint8_t>& r_ip_;
  std::vector<std::int64_t>& r_owner_;  // lab or firm id
  std::vector<std::uint8_t>& r_owner_is_firm_;
  std::vector<std::uint8_t>& r_is_verified_;
  std::vector<std::uint8_t>& r_is_applied_;
  std::vector<std::uint8_t>& r_is_shelved_;
  std::vector<std::uint8_t>& r_is_in_use_;
  std::vector<std::uint8_t>& r_is_sponsored_;  // backed by a challenge prize or consortium
  std::vector<std::int16_t>& r_age_;
  std::vector<double>& r_investment_;
  // Scratch per result (not in snapshots).
  std::vector<std::uint8_t> r_wants_pilot_;
  std::vector<std::uint8_t> r_dies_;

  // Universities and institutes.
  sim::Population labs_{"lab"};
  std::vector<std::uint8_t>& l_kind_;
  std::vector<std::int32_t>& l_region_;
  std::vector<std::int32_t>& l_field_;
  std::vector<double>& l_budget_;
  std::vector<double>& l_cash_;
  std::vector<std::int32_t>& l_consortium_;
  std::vector<std::int64_t>& l_account_;
  std::vector<double>& l_industry_ties_;  // researchers placed in firms, decaying (talent mobility)
  std::vector<double> l_basic_spend_, l_new_spend_;
  // Per step: the transfer office serving the lab (intermediary row, -1 none), talent mobility.
  std::vector<std::int32_t> l_office_, l_professor_policy_;
  std::vector<double> l_mobility_mult_;
  // Per step, from policies: transfer effort and spin-out multipliers, extra grants, development share.
  std::vector<double> l_effort_mult_, l_spinout_mult_, l_extra_grant_, l_dev_share_, l_match_mult_;
  std::vector<double> l_dev_budget_;

  // Lead firms and SMEs. Hot: 60 bytes per firm.
  sim::Population firms_{"firm"};
  std::vector<std::uint8_t>& f_kind_;
  std::vector<std::int32_t>& f_region_;
  std::vector<std::int32_t>& f_field_;
  std::vector<std::int32_t>& f_tier_;
  std::vector<double>& f_base_revenue_;
  std::vector<double>& f_revenue_;
  std::vector<double>& f_margin_;
  std::vector<double>& f_employees_;
  std::vector<double>& f_cash_;
  std::vector<double>& f_rd_spending_;
  std::vector<double>& f_loan_;
  std::vector<std::int32_t>& f_loan_due_;
  std::vector<std::int32_t>& f_consortium_;
  std::vector<double>& f_repayable_;
  std::vector<double>& f_equity_grant_;
  std::vector<std::int32_t>& f_results_in_use_;
  std::vector<std::int64_t>& f_vc_fund_;
  std::vector<double>& f_vc_invested_;
  std::vector<std::int64_t>& f_account_;
  std::vector<double>& f_tacit_knowledge_;  // logit bonus from moved researchers, decaying
  std::vector<double>& f_thematic_bond_;    // principal outstanding
  std::vector<double>& f_bond_unspent_;     // proceeds not yet spent on development
  std::vector<std::int32_t>& f_bond_due_;
  std::vector<std::int32_t>& f_bond_policy_;
  std::vector<double> f_basic_spend_, f_new_spend_, f_best_quality_, f_product_value_, f_need_;
  std::vector<std::uint8_t> f_is_distressed_;
  std::vector<std::uint8_t> f_has_experts_;      // served by expert services this step
  std::vector<std::int32_t> f_expert_policy_;    // matching_service paying its expert fees, -1 none
  std::vector<std::int32_t> f_commercializing_;  // results it holds at TRL 7-8
  std::vector<double> f_dev_budget_, f_extra_grant_, f_deduction_, f_interest_subsidy_, f_risk_pool_share_;
  std::vector<std::int32_t> f_deals_taken_;
  std::vector<std::int32_t> f_risk_pool_policy_;

  // Pilot platforms.
  sim::Population platforms_{"platform"};
  std::vector<std::int32_t>& p_region_;
  std::vector<std::int32_t>& p_field_;  // the field its pilot lines serve
  std::vector<std::int64_t>& p_slots_;
  std::vector<std::int64_t>& p_served_;
  std::vector<double>& p_fee_;
  std::vector<std::uint8_t>& p_owner_;
  std::vector<std::int64_t>& p_account_;
  std::vector<std::int64_t> p_effective_slots_;
  // Per (region, field): platforms a result of that cell can use, cheapest first (its field's, or
  // every platform of the region where none serves the field), and their mean fee (users' expected
  // fee; pilot_fee_yuan where the region has none).
  std::vector<std::vector<std::uint32_t>> platforms_by_cell_;
  std::vector<double> cell_expected_pilot_fee_;

  // Intermediaries: tech transfer offices and brokers, expert services, incubators and maker
  // spaces (seed 004). Hot: 45 bytes per agent; they never exit, so rows are stable.
  sim::Population intermediaries_{"intermediary"};
  std::vector<std::uint8_t>& i_kind_;
  std::vector<std::int32_t>& i_region_;
  std::vector<std::int64_t>&
      i_capacity_;                   // deals (offices) or firms (expert services, incubators) per quarter
  std::vector<double>& i_strength_;  // offices: multiplies their labs' matching
  std::vector<double>& i_fee_yuan_;  // expert services and incubators: fee per firm
  std::vector<double>& i_commission_share_;  // offices: share of the deal fee
  std::vector<std::int64_t>& i_served_;
  std::vector<std::int64_t>& i_account_;
  std::vector<std::int64_t> i_effective_capacity_;
  std::vector<std::vector<std::uint32_t>> offices_by_region_, experts_by_region_;

  // VC funds (incl. guidance-fund sub-funds) and banks.
  sim::Population funds_{"vc_fund"};
  std::vector<std::int32_t>& v_region_;
  std::vector<std::int32_t>& v_field_;
  std::vector<std::int64_t>& v_vintage_;
  std::vector<std::uint8_t>& v_is_guided_;
  std::vector<std::int64_t>& v_account_;
  sim::Population banks_{"bank"};
  std::vector<std::int32_t>& b_region_;
  std::vector<double>& b_outstanding_;
  std::vector<std::int64_t>& b_account_;
  // Per (region, field), set each step by apply_policies: which policy pays, -1 none.
  std::vector<std::int32_t> rf_voucher_policy_, rf_insurance_policy_, rf_procurement_policy_;
  std::vector<double> region_outreach_;
  std::vector<std::int32_t> region_operator_policy_, region_capacity_policy_, region_matching_policy_;
  // Firm rows by (region, field), rebuilt each step; SMEs by region.
  std::vector<std::vector<std::uint32_t>> firms_by_cell_, smes_by_region_;
  std::vector<std::uint32_t> r_owner_index_;
  // What advance_results reads of a result's holder, per lab and per firm (24 bytes each).
  struct HolderView {
    double funded;           // share of the holder's development need its budget covers
    double tacit_knowledge;  // log-odds bonus from researchers who moved in (talent mobility)
    std::int32_t region;
    std::uint8_t is_lead_firm, has_experts, in_consortium;
  };
  std::vector<HolderView> lab_views_, firm_views_;
  // r_owner_index_ of a result whose holder is gone; how many rows ahead holder views are prefetched
  // (enough misses in flight to cover memory latency at a few ns per row).
  static constexpr std::uint32_t kNoHolder = 0xFFFFFFFFu;
  static constexpr std::size_t kHolderLookahead = 16;
  void prefetch_holder_view(std::size_t row, std::size_t end) const;
  // What index_holdings sums per holder over its results, per thread (sim/core/per_thread_totals.hpp).
  struct FirmTotals {
    std::int64_t need = 0, product_value = 0;  // fixed point (sim::to_fixed)
    std::int32_t in_use = 0, commercializing = 0;
    double best_quality = -1e9;
  };
  struct LabTotals {
    std::int64_t need = 0;
  };
  sim::PerThreadTotals<FirmTotals> firm_totals_;
  sim::PerThreadTotals<LabTotals> lab_totals_;
  static double funded_share(double budget, double need);
  template <class View>
  static void fill_holder_views(std::vector<HolderView>& views, std::size_t holders, View&& view);
  std::vector<std::uint8_t> r_insured_;

  // Fields' markets.
  std::vector<double> demand_index_, adoption_;
  std::vector<double> demand_growth_;
  std::vector<std::int32_t> industrialized_count_;
  std::int64_t consortia_count_ = 0;

  // Per-holder aggregates rebuilt each step (index_holdings): need of development funds.
  std::vector<double> lab_need_;
  // Ids of the firms that exited this step (update_firm_ladder), for retire_results.
  std::vector<sim::AgentId> exited_firm_ids_;
  // Cost of one development step by field and TRL (step_cost), computed once.
  std::vector<double> step_cost_table_;

  Flows flows_;
  Totals totals_;
  sim::ProposalBuffer<TransitionEvent> transition_buffer_, orphan_buffer_;
  struct DealProposal {
    std::uint32_t result;  // row
    std::int64_t target;   // firm row, or a spin-out
  };
  sim::ProposalBuffer<DealProposal> deal_buffer_;
  struct PilotRequest {
    std::int32_t region;
    double priority;
    std::uint32_t result;  // row
  };
  sim::ProposalBuffer<PilotRequest> pilot_buffer_;
  sim::ProposalBuffer<std::uint32_t> loan_buffer_;  // rows of SMEs that deal with their bank
  std::vector<TransitionEvent> transitions_;
  std::vector<DealEvent> deals_;
  std::vector<std::uint64_t> deal_ids_;
  std::uint64_t next_deal_id_ = 0;
};

sim::ModelDefinition definition();

}  // namespace models::ecosystem
