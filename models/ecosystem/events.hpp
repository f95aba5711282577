#pragma once
// The model's flows of the quarter, cumulative totals and event tables (/events/transition/,
// /events/deal/), filled by the phases and read by measure and take_events.
#include <array>
#include <cstdint>
#include <vector>

#include "models/ecosystem/parameters.hpp"

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

// The events of the step, taken (and cleared) by take_events.
struct Events {
  std::vector<TransitionEvent> transitions;
  std::vector<DealEvent> deals;
  std::vector<std::uint64_t> deal_ids;
  std::uint64_t next_deal_id = 0;

  void record_deal(const DealEvent& deal) {
    deal_ids.push_back(next_deal_id++);
    deals.push_back(deal);
  }
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

}  // namespace models::ecosystem
