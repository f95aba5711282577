#include "models/ecosystem/region_links.hpp"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <utility>

#include "models/ecosystem/draws.hpp"
#include "models/ecosystem/scenario_names.hpp"

namespace models::ecosystem {

void declare_region_links(sim::ObjectSpec& section) {
  auto& links = section.object(
      "region_links",
      "Regions linked (docs/MODEL.md section 3.3): the proximity between regions that weighs where labs "
      "search for licensees, VC funds screen, researchers move and firms of a region without a bank "
      "borrow, when they look beyond their own region. Empty: every region as near as any other (the "
      "other region drawn uniformly)");
  auto& near = links.list_of_objects(
      "proximity",
      "Proximity between two regions (symmetric; a region is at proximity 1 to itself, a pair not listed "
      "at 1, as without links): an agent that looks beyond its own region lands in region b with weight "
      "proximity(own, b) x cross_region_scale (its own region with weight 1), so proximity 0 means "
      "never. Documented assumption where a scenario gives them");
  near.text("region_a", "One region of the pair").required();
  near.text("region_b", "The other region of the pair").required();
  near.real("proximity", "1", "0: no exchange; 1: as near as the region itself").required().between(0, 1);
  links
      .real("cross_region_scale", "1",
            "Multiplies every link between two different regions: 1 keeps the proximities as given, 0 "
            "isolates the regions (no licence, VC screening, researcher move or loan across regions, "
            "outside consortia). Scenario lever")
      .default_value(1.0)
      .between(0, 1);
  links
      .real("researcher_cross_region_share", "1",
            "Probability that a researcher moving to industry goes to a firm of a region drawn by the "
            "links (own region included) rather than of its own region. Documented assumption; 0: "
            "researchers move within their region")
      .default_value(0.0)
      .between(0, 1);
  links
      .real("knowledge_spillover", "1",
            "Knowledge spillovers between regions: a lab's results per yuan of research are multiplied by "
            "1 + knowledge_spillover x sum over other regions q of proximity(own, q) x cross_region_scale x "
            "(q's share of the live results). Documented assumption, not calibrated; 0: none")
      .default_value(0.0)
      .between(0, 10);
}

namespace {

// ecosystem.region_links.proximity into links.proximity (left empty when the list is).
void read_proximity(const sim::Config& config, const std::string& list, const std::vector<std::string>& names,
                    RegionLinkSpec& links, std::vector<sim::InputProblem>& problems) {
  const YAML::Node entries = config.node(list);
  if (entries.size() == 0) return;
  const std::size_t n = links.regions;
  std::vector<double> proximity(n * n, kDefaultRegionProximity);
  for (std::size_t r = 0; r < n; ++r) proximity[r * n + r] = 1.0;
  for (const NamedPair& pair : read_named_pairs(config, list, "region_a", "region_b", "proximity", names,
                                                "region", PairOrder::unordered, problems)) {
    const auto a = static_cast<std::size_t>(pair.first), b = static_cast<std::size_t>(pair.second);
    proximity[a * n + b] = proximity[b * n + a] = pair.value;
  }
  links.proximity = std::move(proximity);
}

}  // namespace

RegionLinkSpec read_region_links(const sim::Config& config, const std::vector<std::string>& region_names,
                                 std::vector<sim::InputProblem>& problems) {
  RegionLinkSpec links;
  links.regions = region_names.size();
  links.cross_region_scale = config.real("ecosystem.region_links.cross_region_scale");
  links.researcher_cross_region_share = config.real("ecosystem.region_links.researcher_cross_region_share");
  links.knowledge_spillover = config.real("ecosystem.region_links.knowledge_spillover");
  const std::string list = "ecosystem.region_links.proximity";
  if (config.node(list).size() == 0) return links;
  if (links.regions > kMaxLinkedRegions) {
    problems.push_back({config.location("ecosystem.region_links"),
                        fmt::format("'ecosystem.region_links' links {} regions; at most {} can be linked: "
                                    "merge regions into larger ones",
                                    links.regions, kMaxLinkedRegions)});
    return links;
  }
  read_proximity(config, list, region_names, links, problems);
  return links;
}

int draw_linked_region(const RegionLinkSpec& links, int own, sim::PhiloxStream& rng) {
  if (links.is_uniform()) return static_cast<int>(rng.uniform_below(links.regions));
  const auto from = static_cast<std::size_t>(own);
  double total = 0;
  for (std::size_t r = 0; r < links.regions; ++r) total += links.weight(from, r);
  return static_cast<int>(draw_by_weight(
      links.regions, [&](std::size_t r) { return links.weight(from, r); }, total, rng, from));
}

int nearest_linked_region(const RegionLinkSpec& links, int own, const std::vector<bool>& has) {
  const auto from = static_cast<std::size_t>(own);
  int nearest = -1;
  double best = 0;
  for (std::size_t r = 0; r < links.regions; ++r) {
    if (!has[r]) continue;
    const double weight = links.weight(from, r);
    if (weight > best) {
      best = weight;
      nearest = static_cast<int>(r);
    }
  }
  return nearest;
}

std::vector<double> spillover_productivity(const RegionLinkSpec& links, const std::vector<double>& stock) {
  std::vector<double> productivity(links.regions, 1.0);
  double total = 0;
  for (const double s : stock) total += s;
  if (links.knowledge_spillover <= 0 || total <= 0) return productivity;
  const auto n = static_cast<Eigen::Index>(links.regions);
  Eigen::MatrixXd w(n, n);
  for (Eigen::Index a = 0; a < n; ++a)
    for (Eigen::Index b = 0; b < n; ++b)
      w(a, b) = a == b ? 0.0 : links.weight(static_cast<std::size_t>(a), static_cast<std::size_t>(b));
  const Eigen::Map<const Eigen::VectorXd> s(stock.data(), n);
  const Eigen::VectorXd reachable = w * s;
  for (Eigen::Index r = 0; r < n; ++r)
    productivity[static_cast<std::size_t>(r)] = 1.0 + links.knowledge_spillover * reachable(r) / total;
  return productivity;
}

}  // namespace models::ecosystem
