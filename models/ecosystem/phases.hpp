#pragma once
// The phases of a step, as free functions whose signatures say what they read (const references)
// and write (references). EcosystemModel's constructor lists them in the order of a step
// (docs/MODEL.md, section 1.3); each is defined in the file named above its group. Every phase
// gets the step and its random streams from the PhaseContext, and moves money only through
// Payments (sequentially, in agent order, or per chunk with ChunkPayments).
#include <cstdint>
#include <vector>

#include "models/ecosystem/accounts.hpp"
#include "models/ecosystem/banks.hpp"
#include "models/ecosystem/events.hpp"
#include "models/ecosystem/firms.hpp"
#include "models/ecosystem/flows.hpp"
#include "models/ecosystem/holdings.hpp"
#include "models/ecosystem/incentives.hpp"
#include "models/ecosystem/intermediaries.hpp"
#include "models/ecosystem/labs.hpp"
#include "models/ecosystem/markets.hpp"
#include "models/ecosystem/parameters.hpp"
#include "models/ecosystem/payments.hpp"
#include "models/ecosystem/pilot_platforms.hpp"
#include "models/ecosystem/results.hpp"
#include "models/ecosystem/setup.hpp"
#include "models/ecosystem/vc_funds.hpp"
#include "sim/core/proposals.hpp"
#include "sim/core/scheduler.hpp"

namespace models::ecosystem {

// A lab's result matched with a firm (match_results), resolved in result order.
struct DealProposal {
  std::uint32_t result;  // row
  std::int64_t target;   // firm row, or a spin-out
  bool screened;         // passed by a screening service for its region's firms (matching_service)
};
// A result's request for a pilot platform (run_pilot_platforms), queued by region.
struct PilotRequest {
  std::int32_t region;
  double priority;
  std::uint32_t result;  // row
};

// policies.cpp
// 1. Resets the quarter's flows; pays starting instruments' budgets into their accounts, raises
// guidance sub-funds, forms, pays and dissolves consortia's projects, pays repayable and
// grant-to-equity grants; sets the quarter's incentives per lab, firm, cell and region.
void apply_policies(const sim::PhaseContext& context, const Parameters& p, Labs& labs, Firms& firms,
                    Intermediaries& intermediaries, VcFunds& funds, LabIncentives& lab_incentives,
                    FirmIncentives& firm_incentives, CellPolicies& cell_policies,
                    RegionPolicies& region_policies, std::int64_t& consortia_count, Payments& payments,
                    Flows& flows, Totals& totals);
// A challenge contract's part still owed to a winning result: paid in equal parts as the result
// reaches each TRL from next_trl up to the challenge's target_trl; forfeited when the result dies.
// No padding: checkpoints write it as bytes.
struct ChallengeContract {
  std::uint64_t result;  // the result's id (rows change as results are retired)
  double per_milestone_yuan;
  std::int64_t policy;    // index in Parameters::policies
  std::int32_t next_trl;  // the next milestone
  std::int32_t milestones_left;
};
static_assert(sizeof(ChallengeContract) == 32);
// 12. Challenges: milestone payments of running contracts are settled first; then the best candidate
// result (per region) wins a new contract, is paid its award share and is sponsored.
void run_challenges_and_consortia(const sim::PhaseContext& context, const Parameters& p, Results& results,
                                  const ResultScratch& result_scratch, const Labs& labs, const Firms& firms,
                                  std::vector<ChallengeContract>& contracts, Payments& payments);

// research.cpp
// 2. Appropriations, grants and every performer's R&D spending and its split.
void fund_research(const sim::PhaseContext& context, const Parameters& p, const FieldMarkets& markets,
                   const Labs& labs, const LabIncentives& lab_incentives, LabBudgets& lab_budgets,
                   Firms& firms, const FirmIncentives& firm_incentives, FirmBudgets& firm_budgets,
                   Payments& payments, Flows& flows);
// 3. New results per performer, from its research spending.
void generate_results(const sim::PhaseContext& context, const Parameters& p, const FieldMarkets& markets,
                      const Labs& labs, const LabBudgets& lab_budgets, const Firms& firms,
                      const FirmBudgets& firm_budgets, Results& results, Totals& totals);
// 7. Firms targeted by ex-post rewards fund more development of results that could earn them.
void anticipate_rewards(const sim::PhaseContext& context, const Parameters& p, const Results& results,
                        const ResultScratch& result_scratch, Firms& firms, FirmBudgets& firm_budgets,
                        Payments& payments, Flows& flows);

// result_pipeline.cpp
// 4. Each result's holder row; per holder: development need, best quality, product value, use
// counts; firms by cell and SMEs by region.
void index_holdings(const sim::PhaseContext& context, const Parameters& p, const Results& results,
                    const StepCosts& step_costs, const FieldMarkets& markets, const Labs& labs, Firms& firms,
                    ResultScratch& result_scratch, LabBudgets& lab_budgets, FirmBudgets& firm_budgets,
                    FirmHoldings& firm_holdings, FirmConditions& firm_conditions, FirmIndex& firm_index,
                    HolderTotals& holder_totals);
// 10. The three valleys: every result's attempt, success, death, shelving and pilot request; then
// insurance, ex-post rewards and grant-to-equity conversion.
void advance_results(const sim::PhaseContext& context, const Parameters& p, Results& results,
                     ResultScratch& result_scratch, const Labs& labs, const LabBudgets& lab_budgets,
                     Firms& firms, const FirmBudgets& firm_budgets, const FirmConditions& firm_conditions,
                     const PilotPlatforms& platforms, const CellPolicies& cell_policies,
                     const RegionPolicies& region_policies, const StepCosts& step_costs,
                     HolderViews& holder_views, sim::ProposalBuffer<TransitionEvent>& transition_buffer,
                     Payments& payments, Events& events, Flows& flows, Totals& totals);
// 19. Removes dead and orphaned results; labs' cash is read back from the ledger.
void retire_results(const sim::PhaseContext& context, Results& results, const ResultScratch& result_scratch,
                    const Firms& firms, std::vector<sim::AgentId>& exited_firm_ids,
                    sim::ProposalBuffer<TransitionEvent>& orphan_buffer, Labs& labs, const Payments& payments,
                    Events& events, Totals& totals);

// talent_mobility.cpp
// 5. Tacit knowledge and industry ties decay; researchers move from labs to firms.
void move_researchers(const sim::PhaseContext& context, const Parameters& p, Labs& labs,
                      const LabIncentives& lab_incentives, Firms& firms, const FirmIndex& firm_index,
                      Payments& payments, Flows& flows);

// intermediaries.cpp
// Part of apply_policies: each lab's transfer office and matching multiplier; offices' capacity.
void assign_transfer_offices(const Parameters& p, const Labs& labs, Intermediaries& intermediaries,
                             LabIncentives& lab_incentives);
// 6. SMEs developing results are served by the region's expert services.
void run_expert_services(const sim::PhaseContext& context, const Parameters& p, const Firms& firms,
                         const FirmIncentives& firm_incentives, const RegionPolicies& region_policies,
                         const FirmBudgets& firm_budgets, FirmConditions& firm_conditions,
                         const FirmIndex& firm_index, Intermediaries& intermediaries, Payments& payments,
                         Flows& flows);
// Part of update_firm_ladder: incubators and maker spaces take in new SMEs.
void incubate_firms(const sim::PhaseContext& context, const Parameters& p, FirmBirths& firm_births,
                    Intermediaries& intermediaries, Payments& payments, Flows& flows);

// finance.cpp
// 8. Thematic bonds: coupons, principal or default; new bonds; proceeds fund development.
void finance_thematic_bonds(const sim::PhaseContext& context, const Parameters& p, Firms& firms,
                            const FirmHoldings& firm_holdings, FirmBudgets& firm_budgets,
                            FirmConditions& firm_conditions, Payments& payments, Flows& flows);
// 14. Funds sell holdings, screen SMEs and buy equity; closing funds pay their partners; new funds are
// raised.
void invest_venture_capital(const sim::PhaseContext& context, const Parameters& p, VcFunds& funds,
                            Firms& firms, const FirmHoldings& firm_holdings, const FirmIndex& firm_index,
                            Payments& payments, Events& events, Flows& flows, RegionPairFlows& region_flows);
// 15. Interest, repayment and defaults of SMEs' loans; new loans.
void lend_and_settle_loans(const sim::PhaseContext& context, const Parameters& p, const FieldMarkets& markets,
                           Firms& firms, const FirmIncentives& firm_incentives,
                           const FirmBudgets& firm_budgets, FirmConditions& firm_conditions, Banks& banks,
                           sim::ProposalBuffer<std::uint32_t>& loan_buffer, Payments& payments,
                           Events& events);
// A bond default: the holders recover what the firm holds, at most the principal.
void default_on_bond(Firms& firms, FirmConditions& firm_conditions, Payments& payments, Flows& flows,
                     std::size_t firm);
// A firm's exit: equity written off, bond and loan default (collateral sold, the risk pool pays its
// share), payout, removal mark.
void exit_firm(const Parameters& p, double wage_level, Firms& firms, const FirmIncentives& firm_incentives,
               FirmConditions& firm_conditions, Banks& banks, VcFunds& funds,
               std::vector<sim::AgentId>& exited_firm_ids, Payments& payments, Flows& flows, std::size_t i);
// A funding round of fund k in firm f at the firm's valuation (invest_venture_capital).
void buy_equity(VcFunds& funds, std::size_t k, Firms& firms, std::size_t f, double ticket, Payments& payments,
                Flows& flows);
// Sells a fund's holding in a firm at the firm's valuation to buyers outside the model (listing or
// trade sale): the proceeds go to the fund, the firm leaves its portfolio.
void sell_vc_holding(VcFunds& funds, Firms& firms, Payments& payments, Flows& flows, std::size_t firm);
// Sells the government's stake (grant-to-equity) at the firm's valuation to `buyer`; the proceeds go
// back to the instrument's account.
void sell_government_stake(Firms& firms, Payments& payments, Flows& flows, std::size_t firm,
                           std::int64_t buyer);

// investment.cpp
// 9. Money raised for growth pays for development budgets do not cover.
void spend_earmarked_funds(Firms& firms, FirmBudgets& firm_budgets, Payments& payments, Flows& flows);
// Pays from `restricted` money (bond proceeds, earmarked funds) the part of firm i's development need
// its budget leaves unfunded, to the R&D sink; returns what it paid.
double fund_development_gap(Firms& firms, FirmBudgets& firm_budgets, Payments& payments, Flows& flows,
                            std::size_t i, double& restricted);
// 16. Firms buy the capacity their expected demand needs, with the cash they hold above their buffer.
void invest_in_capacity(const sim::PhaseContext& context, const Parameters& p, const FieldMarkets& markets,
                        Firms& firms, Payments& payments, Flows& flows);

// market.cpp
// 17. Demand and adoption; every firm's sales, procurement, costs, taxes, repayments, payouts.
void produce_and_sell(const sim::PhaseContext& context, const Parameters& p, FieldMarkets& markets,
                      Firms& firms, const FirmIncentives& firm_incentives, const FirmHoldings& firm_holdings,
                      FirmConditions& firm_conditions, Payments& payments, Flows& flows);
// 18. Valuations, the ladder and statuses by their criteria, listings and trade sales, firm exits,
// SME births and incubators' intake.
void update_firm_ladder(const sim::PhaseContext& context, const Parameters& p, const FieldMarkets& markets,
                        FirmBirths& firm_births, const FirmIndex& firm_index, VcFunds& funds, Banks& banks,
                        Intermediaries& intermediaries, std::vector<sim::AgentId>& exited_firm_ids,
                        Payments& payments, Flows& flows);

// technology_transfer.cpp
// 13. Lab patents meet firms (parallel proposals), deals resolved in result order.
void match_results(const sim::PhaseContext& context, const Parameters& p, Results& results,
                   const ResultScratch& result_scratch, const Labs& labs, const LabIncentives& lab_incentives,
                   FirmBirths& firm_births, const FirmIndex& firm_index, Intermediaries& intermediaries,
                   const RegionPolicies& region_policies, sim::ProposalBuffer<DealProposal>& deal_buffer,
                   Payments& payments, Events& events, Flows& flows, RegionPairFlows& region_flows);

// pilot_platform.cpp
// 11. Pilot requests served by region at the cheapest platform with a free slot.
void run_pilot_platforms(const sim::PhaseContext& context, const Parameters& p, Results& results,
                         const ResultScratch& result_scratch, const Labs& labs, const Firms& firms,
                         PilotPlatforms& platforms, const CellPolicies& cell_policies,
                         const RegionPolicies& region_policies,
                         sim::ProposalBuffer<PilotRequest>& pilot_buffer, Payments& payments, Flows& flows);

// demand_pull.cpp (scheduled only when ecosystem.demand_pull posts needs or revises topics)
// 3b. Labs' new results answer firms' posted needs: assigned to the posting firm, the reward paid.
void answer_posted_needs(const sim::PhaseContext& context, const Parameters& p, Results& results,
                         const Labs& labs, const Firms& firms, PostedNeeds& needs, Payments& payments,
                         Events& events, Flows& flows);
// 20. Firms with spare cash in fields with an unmet market post needs, paying the reward into escrow.
void post_needs(const Parameters& p, const FieldMarkets& markets, const Firms& firms, PostedNeeds& needs,
                Payments& payments);
// 21. Labs reconsider their field: a logit choice weighing posted demand, funding and switching cost.
void choose_topics(const sim::PhaseContext& context, const Parameters& p, const PostedNeeds& needs,
                   const LabBudgets& lab_budgets, Labs& labs, Flows& flows);

}  // namespace models::ecosystem
