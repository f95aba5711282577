#pragma once
// The fixed ledger accounts of the model: the governments' budgets (governments are accounts,
// not agents), private capital and customers as sources, the sinks, the treasury, the insurer, the
// bond holders and one account per policy instrument. Agents' accounts follow them.
#include <cstdint>

#include "sim/core/ledger.hpp"

namespace models::ecosystem {

struct FixedAccounts {
  sim::AccountId government_budget = 0;  // source: national appropriations
  // Sources: each region's government budget (regional policies are paid from them), in region order.
  std::int64_t first_regional_budget = 0;
  std::int64_t regions = 0;
  sim::AccountId private_capital = 0;  // source: founders, LPs, depositors
  sim::AccountId market = 0;           // source: customers outside the model
  sim::AccountId rd_sink = 0, costs_sink = 0, payout_sink = 0, losses_sink = 0, inventors_sink = 0;
  sim::AccountId government = 0;  // holding: receives taxes, pays standing programmes
  sim::AccountId insurer = 0;
  sim::AccountId bondholders = 0;  // holding: buyers of thematic bonds (money from private capital)
  // Holdings: one per policy instrument, in the order of Parameters::policies.
  std::int64_t first_policy_account = 0;
  std::int64_t policies = 0;
  // Holding: the rewards of firms' posted needs (demand_pull.cpp); -1 when no field posts needs, so a
  // scenario without them has the same accounts as before.
  std::int64_t posted_needs = -1;
  sim::AccountId first_agent_account = 0;  // accounts from here on belong to agents

  [[nodiscard]] bool is_government_budget(std::int64_t account) const {
    return account == static_cast<std::int64_t>(government_budget) ||
           (account >= first_regional_budget && account < first_regional_budget + regions);
  }
  [[nodiscard]] bool is_policy_account(std::int64_t account) const {
    return account >= first_policy_account && account < first_policy_account + policies;
  }
};

}  // namespace models::ecosystem
