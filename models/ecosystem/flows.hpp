#pragma once
// What the metrics measure besides the agents' fields: the flows of the quarter (reset by
// apply_policies at the start of each step) and cumulative totals since step 0.
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/ecosystem/parameters.hpp"

namespace models::ecosystem {

// Per-step flows, reset at the start of each step (metrics of the quarter).
struct Flows {
  std::array<double, kPerformers> rd_spending{};
  double basic_spending = 0;
  double government_spending = 0, procurement_spend = 0, vc_invested = 0, risk_pool_paid = 0;
  double value_added = 0;
  std::int64_t sme_births = 0, sme_deaths = 0, spinouts = 0;
  std::int64_t loans_defaulted = 0, insurance_offered = 0, insurance_taken = 0;
  std::int64_t pilot_served = 0, pilot_capacity = 0, licences = 0, cross_field_licences = 0;
  std::int64_t cross_region_deals = 0;  // lab and firm in different regions (regions linked)
  std::int64_t brokered_deals = 0, broker_capacity = 0, expert_firms_served = 0, incubator_births = 0;
  std::int64_t incubator_places = 0;  // incubators' physical capacity of the quarter
  std::int64_t researchers_moved = 0, thematic_bond_defaults = 0;
  std::int64_t cross_region_researcher_moves = 0;  // to a firm of another region (regions linked)
  std::int64_t concept_verification_requests = 0, concept_verifications = 0, concept_verification_drops = 0;
  std::int64_t new_type_institute_deals = 0;
  double new_type_contract_income = 0;
  double ex_post_rewards_paid = 0, thematic_bonds_issued = 0;
  // Capacity, equity and the ladder.
  double investment = 0, sales = 0, capacity = 0, demand = 0;
  double new_product_demand = 0;    // final demand for the new products of results in use
  double intermediate_demand = 0;   // pulled along the industrial chain (fields linked)
  double cross_region_vc_yuan = 0;  // VC invested outside the fund's region (regions linked)
  double vc_exit_proceeds = 0, government_equity_returned = 0;
  std::int64_t ipos = 0, trade_sales = 0, write_offs = 0, promotions = 0, demotions = 0;
  // Demand-pull research (demand_pull.cpp): labs that changed field, deals answering a posted need.
  std::int64_t topic_shifts = 0, demand_pulled_deals = 0;
  // Deals of results a transfer office screened for another region's firms (matching_service).
  std::int64_t screened_deals = 0;
};

// Money between regions in the quarter, per ordered pair of regions (from: the payer's region, to:
// the receiver's), row-major regions x regions, the diagonal within a region (regions linked).
// Summed in the fixed order of the loops that resolve the deals (results in row order, funds in row
// order), so the same on any thread count. Reset by EcosystemModel::step before every step.
struct RegionPairFlows {
  std::size_t regions = 0;
  std::vector<double> licence_yuan;  // licence and assignment fees firms of `from` paid labs of `to`
  std::vector<double> vc_yuan;       // VC tickets funds of `from` invested in SMEs of `to`

  void reset(std::size_t region_count) {
    regions = region_count;
    licence_yuan.assign(regions * regions, 0.0);
    vc_yuan.assign(regions * regions, 0.0);
  }
  [[nodiscard]] std::size_t pair(int from, int to) const {
    return static_cast<std::size_t>(from) * regions + static_cast<std::size_t>(to);
  }
  void add_licence(int from, int to, double yuan) { licence_yuan[pair(from, to)] += yuan; }
  void add_vc(int from, int to, double yuan) { vc_yuan[pair(from, to)] += yuan; }
};

// Cumulative counters since step 0.
struct Totals {
  std::int64_t results_created = 0, reached_commercialization = 0, reached_industrialization = 0;
  std::int64_t left_development_verified = 0, converted_verified = 0;
  std::int64_t left_development_unverified = 0, converted_unverified = 0;
  double government_equity_yuan = 0, guidance_government_yuan = 0, guidance_subfund_yuan = 0;
};

}  // namespace models::ecosystem
