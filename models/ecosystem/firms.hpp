#pragma once
// Lead firms and SMEs: they perform R&D, develop and use results, invest in capacity, borrow, raise
// VC and bonds, sell, climb the tier ladder (SMEs) and exit. Rows change at births (spin-outs, SME births,
// incubators) and exits (update_firm_ladder).
#include <cstdint>
#include <limits>
#include <vector>

#include "models/ecosystem/agent_rows.hpp"

namespace models::ecosystem {

// incubated_until of a firm no incubator took in: before every step, spin-up steps (<= 0) included.
inline constexpr std::int32_t kNeverIncubated = std::numeric_limits<std::int32_t>::min();

// Statuses beside the ladder (seed 004): granted on their own criteria (update_firm_ladder).
enum FirmStatus : std::uint8_t { kSpecialised = 1, kLittleGiant = 2 };

struct Firms : AgentRows {
  Firms() : AgentRows(declare_fields()) {}

  // Hot: read by several phases every step: 77 bytes per firm.
  std::vector<std::uint8_t>& kind = population.field<std::uint8_t>("kind");  // kLeadFirm, kSme
  std::vector<std::int32_t>& region = population.field<std::int32_t>("region");
  std::vector<std::int32_t>& field = population.field<std::int32_t>("field");
  std::vector<std::int32_t>& tier = population.field<std::int32_t>("tier");
  std::vector<double>& revenue = population.field<double>("revenue");  // yuan/quarter
  std::vector<double>& margin = population.field<double>("margin");    // before R&D
  std::vector<double>& rd_spending = population.field<double>("rd_spending");
  std::vector<double>& loan = population.field<double>("loan");                          // outstanding, yuan
  std::vector<std::int64_t>& consortium = population.field<std::int64_t>("consortium");  // -1 none
  // 1: a member of its consortium's general layer (pays nothing, weaker tie); 0: core (or none).
  std::vector<std::uint8_t>& consortium_general = population.field<std::uint8_t>("consortium_general");
  std::vector<std::int32_t>& results_in_use = population.field<std::int32_t>("results_in_use");
  std::vector<std::int64_t>& account = population.field<std::int64_t>("account");
  // Logit bonus from moved researchers, decaying (talent mobility).
  std::vector<double>& tacit_knowledge = population.field<double>("tacit_knowledge");
  std::vector<double>& thematic_bond = population.field<double>("thematic_bond");  // principal outstanding
  std::vector<double>& capital = population.field<double>("capital");              // productive capital, yuan
  std::vector<std::uint8_t>& status =
      population.field<std::uint8_t>("status");                            // kSpecialised | kLittleGiant
  std::vector<double>& valuation = population.field<double>("valuation");  // yuan, at the last round
  // Cold: read by one phase, or only written for the output.
  std::vector<double>& base_revenue = population.field<double>("base_revenue");  // at demand index 1
  std::vector<double>& employees = population.field<double>("employees");
  std::vector<double>& cash = population.field<double>("cash");                      // after the step
  std::vector<std::int32_t>& loan_due = population.field<std::int32_t>("loan_due");  // step
  std::vector<double>& repayable_grant = population.field<double>("repayable_grant");
  std::vector<std::int32_t>& repayable_policy = population.field<std::int32_t>("repayable_policy");
  std::vector<double>& equity_grant = population.field<double>("equity_grant");
  std::vector<std::int64_t>& vc_fund = population.field<std::int64_t>("vc_fund");  // last investor, -1 none
  std::vector<double>& vc_invested = population.field<double>("vc_invested");
  std::vector<double>& bond_unspent = population.field<double>("bond_unspent");      // proceeds not yet spent
  std::vector<std::int32_t>& bond_due = population.field<std::int32_t>("bond_due");  // step
  std::vector<std::int32_t>& bond_policy = population.field<std::int32_t>("bond_policy");
  std::vector<double>& investment = population.field<double>("investment");  // yuan/quarter
  std::vector<double>& demand = population.field<double>("demand");          // yuan/quarter before capacity
  std::vector<double>& revenue_trend = population.field<double>("revenue_trend");
  std::vector<double>& revenue_trend_slow = population.field<double>("revenue_trend_slow");
  std::vector<double>& rd_trend = population.field<double>("rd_trend");
  std::vector<double>& vc_stake = population.field<double>("vc_stake");
  std::vector<double>& government_stake = population.field<double>("government_stake");
  std::vector<std::int32_t>& equity_policy = population.field<std::int32_t>("equity_policy");
  std::vector<double>& rd_propensity = population.field<double>("rd_propensity");  // mean 1 over SMEs
  // Cash raised for growth (VC rounds), restricted to
  // development and capacity: never paid out, spent by spend_earmarked_funds and invest_in_capacity.
  std::vector<double>& earmarked = population.field<double>("earmarked");
  // Public procurement received, decaying (produce_and_sell): the reference customer that lowers
  // later buyers' risk on its first units (advance_results).
  std::vector<double>& reference_purchases = population.field<double>("reference_purchases");
  // Last step it counts as incubated (incubate_firms; kNeverIncubated: never): a lower exit hazard
  // until then.
  std::vector<std::int32_t>& incubated_until = population.field<std::int32_t>("incubated_until");

 private:
  // The fields in the order of the output file's /agents/firm/ (the order of add_field).
  static sim::Population declare_fields() {
    sim::Population firms("firm");
    firms.add_field<std::uint8_t>("kind", {"kind", "2 lead firm, 3 SME", true});
    firms.add_field<std::int32_t>("region", {"index", "Region", true});
    firms.add_field<std::int32_t>("field", {"index", "Field", true});
    firms.add_field<std::int32_t>(
        "tier", {"tier", "0 tech SME, 1 high-tech enterprise, 2 unicorn, 3 listed (lead firms 3)", true});
    firms.add_field<std::uint8_t>("status",
                                  {"flags", "1 specialised (专精特新), 2 little giant (小巨人)", true});
    firms.add_field<double>("base_revenue",
                            {"yuan/quarter", "Revenue of the existing business at demand index 1", false});
    firms.add_field<double>("revenue", {"yuan/quarter", "Revenue of the quarter", true});
    firms.add_field<double>("margin", {"1", "Operating margin before R&D", false});
    firms.add_field<double>("employees", {"persons", "Employees", true});
    firms.add_field<double>("cash", {"yuan", "Cash after the step", true});
    firms.add_field<double>("rd_spending", {"yuan/quarter", "R&D spending of the quarter", true});
    firms.add_field<double>("loan", {"yuan", "Bank loan outstanding", true});
    firms.add_field<std::int32_t>("loan_due", {"step", "Step the loan is due", false});
    firms.add_field<std::int64_t>(
        "consortium", {"id", "Consortium membership: instrument × 2^32 + number (-1 none)", true});
    firms.add_field<std::uint8_t>("consortium_general",
                                  {"flag", "1: in its consortium's general layer; 0: core or none", false});
    firms.add_field<double>("repayable_grant", {"yuan", "Repayable grant outstanding", false});
    firms.add_field<std::int32_t>("repayable_policy",
                                  {"index", "repayable_grant instrument it repays (-1 none)", false});
    firms.add_field<double>("equity_grant", {"yuan", "Grant that converts to equity on success", false});
    firms.add_field<std::int32_t>("results_in_use", {"results", "Results it uses in production", true});
    firms.add_field<std::int64_t>("vc_fund", {"id", "Last VC investor (-1 none)", false});
    firms.add_field<double>("vc_invested", {"yuan", "VC money received", true});
    firms.add_field<std::int64_t>("account", {"id", "Ledger account", false});
    firms.add_field<double>("tacit_knowledge",
                            {"logit", "Tacit knowledge of researchers it received, decaying", true});
    firms.add_field<double>("thematic_bond", {"yuan", "Thematic bond principal outstanding", true});
    firms.add_field<double>("bond_unspent", {"yuan", "Bond proceeds not yet spent on development", false});
    firms.add_field<std::int32_t>("bond_due", {"step", "Step the bond matures", false});
    firms.add_field<std::int32_t>("bond_policy", {"index", "thematic_bond instrument of the bond", false});
    firms.add_field<double>("capital",
                            {"yuan", "Productive capital (capacity / output_capital_ratio)", true});
    firms.add_field<double>("investment", {"yuan/quarter", "Capital spending of the quarter", true});
    firms.add_field<double>("demand",
                            {"yuan/quarter", "Sales its customers asked for, before capacity", false});
    firms.add_field<double>("revenue_trend",
                            {"yuan/quarter", "Revenue, moving average (about a year)", false});
    firms.add_field<double>("revenue_trend_slow",
                            {"yuan/quarter", "Revenue, slow moving average (about three years)", false});
    firms.add_field<double>("rd_trend",
                            {"yuan/quarter", "R&D spending, moving average (about a year)", false});
    firms.add_field<double>("valuation", {"yuan", "Equity value at the last funding round or listing", true});
    firms.add_field<double>("vc_stake", {"1", "Share of the equity held by VC funds", false});
    firms.add_field<double>(
        "government_stake",
        {"1", "Share of the equity held by the government (grant-to-equity, 拨投结合)", false});
    firms.add_field<std::int32_t>("equity_policy",
                                  {"index", "grant_to_equity instrument holding the stake (-1 none)", false});
    firms.add_field<double>("rd_propensity", {"1", "R&D intensity relative to the kind's (mean 1)", false});
    firms.add_field<double>(
        "earmarked",
        {"yuan", "Cash raised for growth (equity, grants), for development and capacity only", true});
    firms.add_field<double>(
        "reference_purchases",
        {"yuan", "Public procurement received, decaying at procurement_reference_decay (reference customer)",
         false});
    firms.add_field<std::int32_t>(
        "incubated_until", {"step", "Last step it counts as incubated (-2^31: never incubated)", false});
    return firms;
  }
};

// Per firm, set each step by apply_policies (not in snapshots): what the policy mix offers it
// this quarter. A firm born inside a step has neutral values until the next.
struct FirmIncentives {
  std::vector<double> extra_grant;  // rd_grant money it may draw, yuan
  // Grant money paid to it in apply_policies for this quarter's R&D, yuan: a consortium's grant and
  // its members' matching money, a repayable or grant-to-equity grant.
  std::vector<double> consortium_received;
  std::vector<double> deduction;                      // super-deduction rate
  std::vector<std::int32_t> deduction_policy;         // super_deduction instrument paying it, -1 none
  std::vector<double> interest_subsidy;               // share of loan interest the instrument pays
  std::vector<std::int32_t> interest_subsidy_policy;  // loan_interest_subsidy instrument paying it, -1 none
  std::vector<double> risk_pool_share;                // share of a default loss the risk pool pays the bank
  std::vector<std::int32_t> risk_pool_policy;         // risk_pool instrument, -1 none
  std::vector<std::int32_t> expert_policy;            // matching_service paying its expert fees, -1 none
};

// Per firm, each step, in yuan: its research spending split (fund_research; anticipate_rewards and
// finance_thematic_bonds add to dev_budget) and its need of development money for the results it
// holds (index_holdings).
struct FirmBudgets {
  std::vector<double> basic_spend, new_spend, dev_budget;
  std::vector<double>
      grants_received;  // rd_grant, consortium, repayable and equity grants paid to it this quarter
  std::vector<double> need;
};

// Per firm, each step (index_holdings): what it sums over the results it holds.
struct FirmHoldings {
  std::vector<double> product_value;          // yuan/quarter of new products at demand index 1
  std::vector<std::int32_t> patents;          // live invention patents it holds
  std::vector<double> best_quality;           // of results at TRL >= 4 not yet in use (-1e9 none)
  std::vector<std::int32_t> commercializing;  // results at TRL 7-8
};

// Per firm, each step: distress (reset by index_holdings; set by loans, bonds and sales; an SME in
// distress exits in update_firm_ladder) and whether expert services serve it (run_expert_services).
struct FirmConditions {
  std::vector<std::uint8_t> is_distressed;
  std::vector<std::uint8_t> has_experts;
};

// Firm rows by (region, field) cell and SME rows by region, rebuilt each step by index_holdings.
struct FirmIndex {
  std::vector<std::vector<std::uint32_t>> by_cell, smes_by_region;
};

}  // namespace models::ecosystem
