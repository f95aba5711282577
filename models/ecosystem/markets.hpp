#pragma once
// Fields' markets: demand in money, adoption of new products and the wage and price level
// (produce_and_sell), and the cost of a development step by field and TRL.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/ecosystem/parameters.hpp"

namespace models::ecosystem {

struct FieldMarkets {
  std::vector<double> demand_index;   // 1 at step 0, grows by demand_growth per quarter
  std::vector<double> adoption;       // Bass diffusion of new products, 0-1
  std::vector<double> demand_growth;  // per quarter, from the field's parameters
  // What the field's customers spend at demand index 1, yuan/quarter: market_headroom times its
  // firms' initial sales (set-up). All firms' sales in the field are bounded by size x demand_index.
  std::vector<double> size;
  double wage_level = 1.0;  // 1 at step 0, grows by wage_growth_per_quarter (produce_and_sell)
  // Per field, yuan/quarter: the demand pulled along the industrial chain from its firms this quarter
  // (produce_and_sell; empty before the first quarter and all 0 without field links).
  std::vector<double> intermediate_demand;
  // The industrial chain (field_links.hpp): set up from the scenario's input-output coefficients;
  // empty without them.
  LeontiefChain chain;
};

// The cost of the step from each TRL, grown by stage_cost_growth per level and scaled by the
// field's capital intensity; a table because every result needs it every step.
class StepCosts {
 public:
  StepCosts() = default;
  explicit StepCosts(const Parameters& p) : table_(p.fields.size() * 10, 0.0) {
    for (std::size_t field = 0; field < p.fields.size(); ++field) {
      for (int trl = 1; trl <= 9; ++trl) {
        table_[field * 10 + static_cast<std::size_t>(trl)] = p.step_cost_yuan *
                                                             std::pow(1.0 + p.stage_cost_growth, trl - 1) *
                                                             p.fields[field].coefficients.capital_intensity;
      }
    }
  }
  // Costs are wages and equipment: they follow the wage and price level.
  void set_level(double level) { level_ = level; }
  [[nodiscard]] double level() const { return level_; }
  [[nodiscard]] double operator()(int trl, int field) const {
    return level_ * table_[static_cast<std::size_t>(field) * 10 + static_cast<std::size_t>(trl)];
  }

 private:
  std::vector<double> table_;
  double level_ = 1.0;
};

}  // namespace models::ecosystem
