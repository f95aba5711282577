#pragma once
// Regions linked (issue 16): a region x region proximity matrix (0..1, symmetric, 1 on the
// diagonal) that weighs where agents look when they look beyond their own region: the region a lab
// searches for a licensee (match_results), the region a VC fund screens (invest_vc), the region a
// researcher moves to (move_researchers), and the bank of a region that has none (setup). One
// parameter, cross_region_scale, scales every link between two different regions (1: as given; 0:
// regions isolated). Default, when a scenario gives no links: every pair at proximity 1 and scale 1,
// under which the draws are exactly those of the model without links (a uniform region).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/philox_stream.hpp"
#include "sim/scenario/input_error.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/scenario/schema.hpp"

namespace models::ecosystem {

// The proximity of two different regions the scenario does not pair (ecosystem.region_links).
inline constexpr double kDefaultRegionProximity = 1.0;
// The most regions a scenario with region links may have (the matrix is dense).
inline constexpr std::size_t kMaxLinkedRegions = 1000;

// The links as the scenario gives them (ecosystem.region_links).
struct RegionLinkSpec {
  std::size_t regions = 0;
  // proximity[a * regions + b]: 0 (never) to 1 (as near as the region itself); symmetric, 1 on the
  // diagonal. Empty: every pair at kDefaultRegionProximity.
  std::vector<double> proximity;
  double cross_region_scale = 1.0;  // multiplies every link between two different regions
  // Probability that a moving researcher goes to a firm of another region (drawn by the links).
  double researcher_cross_region_share = 0.0;
  // Labs' results per yuan rise by this x the proximity-weighted share of the live results held in
  // other regions (knowledge spillovers; 0: none).
  double knowledge_spillover = 0.0;

  [[nodiscard]] bool has_proximity() const { return !proximity.empty(); }
  // No links and no scaling: the other region is drawn uniformly, as in the model without links.
  [[nodiscard]] bool is_uniform() const { return proximity.empty() && cross_region_scale == 1.0; }
  [[nodiscard]] double proximity_of(std::size_t a, std::size_t b) const {
    if (a == b) return 1.0;
    return proximity.empty() ? kDefaultRegionProximity : proximity[a * regions + b];
  }
  // The weight with which an agent of region `a` that looks beyond its own region lands in `b`.
  [[nodiscard]] double weight(std::size_t a, std::size_t b) const {
    return a == b ? 1.0 : cross_region_scale * proximity_of(a, b);
  }
};

// Declares ecosystem.region_links in the scenario schema.
void declare_region_links(sim::ObjectSpec& section);
// Reads ecosystem.region_links for the named regions; unknown region names (did-you-mean), a region
// paired with itself and repeated pairs are problems at their file:line:column.
RegionLinkSpec read_region_links(const sim::Config& config, const std::vector<std::string>& region_names,
                                 std::vector<sim::InputProblem>& problems);

// The region an agent of region `own` searches when it looks beyond its own region: region r with
// weight links.weight(own, r) (its own region included, with weight 1). Without links it is one
// uniform draw, exactly as the model without links draws it.
int draw_linked_region(const RegionLinkSpec& links, int own, sim::PhiloxStream& rng);

// The region nearest to `own` (highest weight, then lowest index) among those `has` marks, or -1
// when none is linked to it (weight 0).
int nearest_linked_region(const RegionLinkSpec& links, int own, const std::vector<bool>& has);

// Knowledge across regions: per region r, the research productivity 1 + knowledge_spillover x
// sum_{q != r} w(r, q) s_q / sum_q s_q of the regions' stocks s of live results (one Eigen mat-vec
// a quarter); all 1 when knowledge_spillover is 0 or there is no stock.
std::vector<double> spillover_productivity(const RegionLinkSpec& links, const std::vector<double>& stock);

}  // namespace models::ecosystem
