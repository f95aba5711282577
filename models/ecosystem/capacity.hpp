#pragma once
// A firm's productive capacity and the capital it plans (invest_in_capacity, produce_and_sell and
// the banks' screening read the same rules). Capital is held at step-0 prices: a yuan of capital
// makes output_capital_ratio yuan of sales a quarter at today's price level, and buying it costs
// the price level (wage_level) in today's yuan.
#include <algorithm>
#include <cstddef>

#include "models/ecosystem/firms.hpp"
#include "models/ecosystem/markets.hpp"
#include "models/ecosystem/parameters.hpp"

namespace models::ecosystem {

// Sales the firm's capital can make this quarter, yuan.
inline double capacity_yuan(const Parameters& p, const FieldMarkets& markets, const Firms& firms,
                            std::size_t i) {
  return firms.capital[i] * p.output_capital_ratio * markets.wage_level;
}

// What the firm would spend this quarter to reach the capital it plans for the demand it expects
// (last quarter's demand grown with its field), in today's yuan; 0 when it has enough.
inline double planned_investment_yuan(const Parameters& p, const FieldMarkets& markets, const Firms& firms,
                                      std::size_t i) {
  const auto field = static_cast<std::size_t>(firms.field[i]);
  const double demand = firms.demand[i] > 0 ? firms.demand[i] : firms.revenue[i];
  const double expected = demand * (1.0 + markets.demand_growth[field]);
  const double wanted = p.capacity_headroom * expected / (p.output_capital_ratio * markets.wage_level);
  const double after_wear = firms.capital[i] * (1.0 - p.depreciation_rate);
  return p.investment_speed * std::max(0.0, wanted - after_wear) * markets.wage_level;
}

// Cash a firm keeps for operations before it spends on capital: the buffer of its payout rule
// (cash_target_quarters of operating profit, at least half the seed capital of a new SME). Cash
// retained above it (earnings kept for planned investment, loans, equity, grants) finances capacity.
inline double operating_buffer_yuan(const Parameters& p, const Firms& firms, std::size_t i) {
  return p.cash_target_quarters *
         std::max(firms.revenue[i] * std::abs(firms.margin[i]), p.sme_seed_capital_yuan * 0.5);
}

}  // namespace models::ecosystem
