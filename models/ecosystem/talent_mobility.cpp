// Talent mobility: researchers moving from labs to firms ("industry professors", 产业教授; seed 000)
// carry tacit knowledge to the firm and leave the lab with ties to industry.
#include <algorithm>
#include <cmath>

#include "models/ecosystem/draws.hpp"
#include "models/ecosystem/phases.hpp"
#include "models/ecosystem/stream_purposes.hpp"

namespace models::ecosystem {

// The probability that a researcher of `region` moving to industry goes to a firm of a region drawn
// by the links: the region's own rule where it gives one, else the links' share.
static double cross_region_share(const Parameters& p, int region) {
  const double own = p.regions[static_cast<std::size_t>(region)].researcher_cross_region_share;
  return own == kLinksResearcherShare ? p.region_links.researcher_cross_region_share : own;
}

// The region a moving researcher of lab i goes to: another region, drawn by the region links, with
// probability `share` (no draw when it is 0).
static int region_drawn(const Parameters& p, const Labs& labs, std::size_t i, double share,
                        sim::PhiloxStream& rng) {
  int region = labs.region[i];
  if (rng.bernoulli(share)) region = draw_linked_region(p.region_links, region, rng);
  return region;
}

// Phase "move_researchers" — reads labs, the firms of each (region, field) (index_holdings) and the
// industry_professor instruments. Firms' tacit knowledge and labs' industry ties decay by
// `tacit_knowledge_decay`; then each lab, in lab order, sends Poisson(`researcher_mobility_rate` × its
// region's researcher_mobility_multiplier × the instruments' mobility_multiplier) researchers to firms of its
// region and field drawn at random (of a region drawn by the region links with the lab's region's
// researcher_cross_region_share, or the links' where the region gives none). A receiving firm gains
// `tacit_knowledge_bonus` on the logit of its development steps (at most 3 bonuses; advance_results), the lab
// one tie (raising its matching; assign_transfer_offices), and an instrument pays its stipend (stipend_yuan)
// per researcher to the receiving firm.
void move_researchers(const sim::PhaseContext& context, const Parameters& p, Labs& labs,
                      const LabIncentives& lab_incentives, Firms& firms, const FirmIndex& firm_index,
                      Payments& payments, Flows& flows) {
  const FixedAccounts& accounts = payments.accounts();
  const CellIndex cell{static_cast<int>(p.fields.size())};
  const double keep = 1.0 - p.tacit_knowledge_decay;
  for (auto& tacit : firms.tacit_knowledge) tacit *= keep;
  for (auto& ties : labs.industry_ties) ties *= keep;
  for (std::size_t i = 0; i < labs.size(); ++i) {
    const double rate = p.researcher_mobility_rate *
                        p.regions[static_cast<std::size_t>(labs.region[i])].researcher_mobility_multiplier *
                        lab_incentives.mobility_mult[i];
    if (rate <= 0) continue;
    auto rng = context.rng(labs.id(i), kResearcherMovesDraws);
    const std::int64_t moves = poisson(rng, rate);
    const auto& own_candidates =
        firm_index.by_cell[static_cast<std::size_t>(cell(labs.region[i], labs.field[i]))];
    const double share = cross_region_share(p, labs.region[i]);
    // A region with no firm of the lab's field keeps its researchers unless they may cross over.
    const bool can_move = !own_candidates.empty() || share > 0;
    for (std::int64_t m = 0; m < moves && can_move; ++m) {
      const int region = share > 0 ? region_drawn(p, labs, i, share, rng) : labs.region[i];
      const auto& candidates = firm_index.by_cell[static_cast<std::size_t>(cell(region, labs.field[i]))];
      if (candidates.empty()) continue;
      const std::uint32_t f = candidates[rng.uniform_below(candidates.size())];
      firms.tacit_knowledge[f] =
          std::min(3.0 * p.tacit_knowledge_bonus, firms.tacit_knowledge[f] + p.tacit_knowledge_bonus);
      labs.industry_ties[i] += 1.0;
      flows.researchers_moved += 1;
      if (firms.region[f] != labs.region[i]) flows.cross_region_researcher_moves += 1;
      const std::int32_t policy = lab_incentives.professor_policy[i];
      if (policy >= 0) {
        payments.pay_up_to(accounts.first_policy_account + policy, firms.account[f],
                           p.policies[static_cast<std::size_t>(policy)].industry_professor.stipend_yuan);
      }
    }
  }
}

}  // namespace models::ecosystem
