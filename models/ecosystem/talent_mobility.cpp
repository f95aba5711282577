// Talent mobility: researchers moving from labs to firms ("industry professors", 产业教授; seed 000)
// carry tacit knowledge to the firm and leave the lab with ties to industry.
#include <algorithm>
#include <cmath>

#include "models/ecosystem/draws.hpp"
#include "models/ecosystem/ecosystem.hpp"

namespace models::ecosystem {

// Phase "move_researchers" — reads labs, the firms of each (region, field) (index_holdings) and the
// industry_professor instruments. Firms' tacit knowledge and labs' industry ties decay by
// `tacit_knowledge_decay`; then each lab, in lab order, sends Poisson(`researcher_mobility_rate` ×
// the instruments' mobility_multiplier) researchers to firms of its region and field drawn at random. A
// receiving firm gains `tacit_knowledge_bonus` on the logit of its development steps (at most 3
// bonuses; advance_results), the lab one tie (raising its matching; assign_transfer_offices), and
// an instrument pays its stipend (stipend_yuan) per researcher to the receiving firm.
void EcosystemModel::move_researchers(const sim::PhaseContext& context) {
  const double keep = 1.0 - p_.tacit_knowledge_decay;
  for (auto& tacit : f_tacit_knowledge_) tacit *= keep;
  for (auto& ties : l_industry_ties_) ties *= keep;
  for (std::size_t i = 0; i < labs_.size(); ++i) {
    const double rate = p_.researcher_mobility_rate * l_mobility_mult_[i];
    if (rate <= 0) continue;
    auto rng = context.rng(labs_.id(i), sim::purpose_id("move_researchers"));
    const std::int64_t moves = poisson(rng, rate);
    const auto& candidates = firms_by_cell_[static_cast<std::size_t>(cell(l_region_[i], l_field_[i]))];
    for (std::int64_t m = 0; m < moves && !candidates.empty(); ++m) {
      const std::uint32_t f = candidates[rng.uniform_below(candidates.size())];
      f_tacit_knowledge_[f] =
          std::min(3.0 * p_.tacit_knowledge_bonus, f_tacit_knowledge_[f] + p_.tacit_knowledge_bonus);
      l_industry_ties_[i] += 1.0;
      flows_.researchers_moved += 1;
      const std::int32_t policy = l_professor_policy_[i];
      if (policy >= 0) {
        pay_up_to(first_policy_account_ + policy, f_account_[f],
                  p_.policies[static_cast<std::size_t>(policy)].industry_professor.stipend_yuan);
      }
    }
  }
}

}  // namespace models::ecosystem
