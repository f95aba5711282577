// Regions linked (issue 16): the reading of ecosystem.region_links (did-you-mean at the entry),
// the default that draws exactly as without links, and the paired effect of cutting the links
// between three regions (common random numbers).
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "test_ecosystem_support.hpp"

using namespace ecosystem_test;

namespace {

// Three regions in a row (east - centre - west): east holds the VC funds and a richer science budget,
// west no bank of its own; `links` is appended under ecosystem.region_links.
std::string three_regions(const std::string& links, int steps = 32,
                          const std::string& researcher_share = "0.3") {
  return "model: ecosystem\nseed: 11\nsteps: " + std::to_string(steps) +
         "\necosystem:\n  universities: 12\n  institutes: 9\n  lead_firms: 9\n  smes: 450\n"
         "  same_region_preference: 0.5\n  vc_same_region_share: 0.5\n"
         "  regions:\n"
         "    east: {weight: 1, pilot_platforms: 1, pilot_slots: 20, lab_budget_multiplier: 2, vc_funds: 4}\n"
         "    centre: {weight: 1, pilot_platforms: 1, pilot_slots: 20, vc_funds: 0}\n"
         "    west: {weight: 1, pilot_platforms: 1, pilot_slots: 20, vc_funds: 0, banks: 0}\n"
         "  region_links:\n    researcher_cross_region_share: " +
         researcher_share +
         "\n"
         "    proximity:\n"
         "      - {region_a: east, region_b: centre, proximity: 0.8}\n"
         "      - {region_a: centre, region_b: west, proximity: 0.8}\n"
         "      - {region_a: east, region_b: west, proximity: 0.3}\n" +
         links;
}

// Seed 003's capital: a core holding most labs and a ring of districts holding most firms; labs
// mostly deal in their own region. `policies` is appended under ecosystem.
std::string core_and_districts(const std::string& policies) {
  return "model: ecosystem\nseed: 11\nsteps: 24\necosystem:\n  universities: 12\n  institutes: 12\n"
         "  lead_firms: 8\n  smes: 400\n  same_region_preference: 0.9\n  regions:\n"
         "    core: {lab_weight: 3, firm_weight: 1, pilot_platforms: 1, pilot_slots: 20, transfer_offices: "
         "2}\n"
         "    districts: {lab_weight: 1, firm_weight: 3, pilot_platforms: 1, pilot_slots: 20}\n" +
         policies;
}

// The core's transfer offices screening its labs' results for the districts' firms (seed 003).
std::string screening(const std::string& budget_yuan) {
  return "  policies:\n    - {type: matching_service, name: screening, region: core, screen_for_region: "
         "districts, match_multiplier: 2, payment_per_service_yuan: 2.0e4, budget_yuan: " +
         budget_yuan + "}\n";
}

}  // namespace

TEST_CASE("lab_weight and firm_weight split labs and firms over the regions by kind") {
  // Seed 003: the capital's labs sit in its core and its firms in the districts. Labs follow
  // lab_weight and firms firm_weight, each normalised over the regions; weight where not given.
  const std::string yaml =
      "model: ecosystem\nseed: 11\nsteps: 4\necosystem:\n  universities: 12\n  institutes: 8\n"
      "  lead_firms: 8\n  smes: 400\n  regions:\n"
      "    core: {weight: 1, lab_weight: 3, firm_weight: 1}\n"
      "    districts: {weight: 1, lab_weight: 1, firm_weight: 3}\n";
  const auto model = create(load(yaml));
  const auto count_in = [](const sim::Population& agents, std::uint8_t kind, std::int32_t region) {
    const auto& kinds = agents.field<std::uint8_t>("kind");
    const auto& regions = agents.field<std::int32_t>("region");
    std::size_t n = 0;
    for (std::size_t i = 0; i < kinds.size(); ++i) n += kinds[i] == kind && regions[i] == region ? 1 : 0;
    return n;
  };
  using models::ecosystem::kInstitute;
  using models::ecosystem::kLeadFirm;
  using models::ecosystem::kSme;
  using models::ecosystem::kUniversity;
  CHECK(count_in(model->labs(), kUniversity, 0) == 9);
  CHECK(count_in(model->labs(), kUniversity, 1) == 3);
  CHECK(count_in(model->labs(), kInstitute, 0) == 6);
  CHECK(count_in(model->labs(), kInstitute, 1) == 2);
  CHECK(count_in(model->firms(), kLeadFirm, 0) == 2);
  CHECK(count_in(model->firms(), kLeadFirm, 1) == 6);
  CHECK(count_in(model->firms(), kSme, 0) == 100);
  CHECK(count_in(model->firms(), kSme, 1) == 300);
}

TEST_CASE("region_links naming an unknown region is an input error with a did-you-mean") {
  const std::string yaml = tiny_scenario(
      "  region_links:\n    proximity:\n      - {region_a: north, region_b: suoth, proximity: 0.5}\n");
  try {
    (void)models::ecosystem::read_parameters(load(yaml));
    FAIL("an unknown region was accepted");
  } catch (const std::exception& e) {
    const std::string message = e.what();
    CHECK(message.find("test.yaml:") != std::string::npos);
    CHECK(message.find("'suoth'") != std::string::npos);
    CHECK(message.find("did you mean 'south'") != std::string::npos);
  }
}

TEST_CASE("region_links pairing a region with itself is an input error") {
  const std::string yaml = tiny_scenario(
      "  region_links:\n    proximity:\n      - {region_a: north, region_b: north, proximity: 0.5}\n");
  CHECK_THROWS_WITH(models::ecosystem::read_parameters(load(yaml)),
                    doctest::Contains("a proximity to itself"));
}

TEST_CASE("without region links deals and VC still cross regions uniformly and the metrics count them") {
  // The default (no links): a lab or fund that looks beyond its region draws a uniform region, as
  // before region links existed (the national hash test holds the draws themselves).
  const RunSums without = run(tiny_scenario(""));
  CHECK(without.sum.at("cross_region_deals") > 0);
  CHECK(without.sum.at("cross_region_deals") < without.sum.at("licences"));
  CHECK(without.sum.at("cross_region_vc_yuan") > 0);
}

TEST_CASE(
    "paired: cutting the links between regions stops cross-region deals and bank loans to a region without "
    "banks") {
  const std::string linked = three_regions("");
  const std::string isolated = three_regions("    cross_region_scale: 0\n");
  check_paired_effect("isolated regions: fewer cross-region deals", linked, isolated,
                      sum_of("cross_region_deals"), Direction::decrease);
  // Only east has VC funds: isolated, they screen east's SMEs alone (their money is spent there:
  // VC invested in all does not fall, but none of it leaves east).
  // West has no bank: linked, its firms borrow from the nearest region's (centre's) banks.
  check_paired_effect("isolated regions: fewer bank loans", linked, isolated,
                      sum_of("bank_loans_outstanding"), Direction::decrease);
  // No consortium here: isolated, no deal crosses a region.
  const RunSums cut = run(isolated);
  CHECK(cut.sum.at("cross_region_deals") == 0);
  CHECK(cut.sum.at("cross_region_vc_yuan") == 0);
  CHECK(run(linked).sum.at("cross_region_vc_yuan") > 0);
}

TEST_CASE("paired: with knowledge spillovers isolating the regions lowers the labs' results") {
  // Labs' results per yuan rise by knowledge_spillover x the proximity-weighted share of the live
  // results held in other regions; isolated, that share counts for nothing.
  const std::string linked = three_regions("    knowledge_spillover: 1\n");
  const std::string isolated = three_regions("    knowledge_spillover: 1\n    cross_region_scale: 0\n");
  check_paired_effect("isolated regions: fewer results in research", linked, isolated,
                      sum_of("results_by_stage_research"), Direction::decrease);
  // Without spillovers the research stage does not depend on the links (the same draws).
  CHECK(run(three_regions("")).sum.at("results_by_stage_research") ==
        run(three_regions("    knowledge_spillover: 0\n")).sum.at("results_by_stage_research"));
}

TEST_CASE("a consortium recruits members from two or more regions (seed 001) even with isolated regions") {
  // Seed 001: Yangtze delta projects take units from two or more of the three provinces and one
  // city. A lead firm recruits labs and SMEs of its field from every region; the region links weigh
  // search and finance, not membership.
  for (const char* links : {"", "    cross_region_scale: 0\n"}) {
    const sim::Config config = load(
        three_regions(links) +
        "  policies:\n    - {type: consortium, budget_yuan: 1e8, lead_firm_grant_yuan: 1e6, members: 10}\n");
    auto model = create(config);
    model->step(1);
    std::map<std::int64_t, std::set<std::int32_t>> regions_of;
    const auto& firm_consortium = model->firms().field<std::int64_t>("consortium");
    const auto& firm_region = model->firms().field<std::int32_t>("region");
    for (std::size_t i = 0; i < firm_consortium.size(); ++i)
      if (firm_consortium[i] >= 0) regions_of[firm_consortium[i]].insert(firm_region[i]);
    const auto& lab_consortium = model->labs().field<std::int64_t>("consortium");
    const auto& lab_region = model->labs().field<std::int32_t>("region");
    for (std::size_t i = 0; i < lab_consortium.size(); ++i)
      if (lab_consortium[i] >= 0) regions_of[lab_consortium[i]].insert(lab_region[i]);
    REQUIRE(!regions_of.empty());
    std::size_t spanning = 0;
    for (const auto& [id, regions] : regions_of) spanning += regions.size() >= 2 ? 1 : 0;
    INFO("links: '" << std::string(links) << "', consortia " << regions_of.size()
                    << ", spanning two or more regions " << spanning);
    CHECK(spanning == regions_of.size());
  }
}

TEST_CASE("money flows by region pair add up to the cross-region totals every quarter") {
  // region_flow.<from>.<to>: money from the payer's region to the receiver's. VC tickets are whole
  // yuan, so the off-diagonal pairs equal cross_region_vc_yuan exactly, quarter by quarter.
  const std::vector<std::string> regions = {"east", "centre", "west"};
  const sim::Config config = load(three_regions(""));
  auto model = create(config);
  const auto infos = model->metrics();
  std::map<std::string, std::size_t> index;
  for (std::size_t m = 0; m < infos.size(); ++m) index[infos[m].name] = m;
  REQUIRE(index.count("region_flow.east.west.licence_yuan") == 1);
  std::vector<double> values(infos.size());
  double licence_within = 0, licence_across = 0, vc_across = 0, vc_from_fundless = 0;
  for (std::int64_t step = 1; step <= config.integer("steps"); ++step) {
    model->step(step);
    model->measure(values);
    double vc_pairs_across = 0;
    for (const auto& from : regions) {
      for (const auto& to : regions) {
        const std::string pair = "region_flow." + from + "." + to;
        const double licence = values[index.at(pair + ".licence_yuan")];
        const double vc = values[index.at(pair + ".vc_yuan")];
        (from == to ? licence_within : licence_across) += licence;
        if (from != to) vc_pairs_across += vc;
        if (from != "east") vc_from_fundless += vc;  // only east has VC funds
      }
    }
    INFO("step " << step);
    CHECK(vc_pairs_across == values[index.at("cross_region_vc_yuan")]);
    vc_across += vc_pairs_across;
  }
  CHECK(vc_across > 0);
  CHECK(vc_from_fundless == 0);
  CHECK(licence_within > 0);
  CHECK(licence_across > 0);
  // Isolated regions (no consortium here): no fee crosses a region.
  const RunSums cut = run(three_regions("    cross_region_scale: 0\n"));
  for (const auto& from : regions) {
    for (const auto& to : regions)
      if (from != to) CHECK(cut.sum.at("region_flow." + from + "." + to + ".licence_yuan") == 0);
  }
}

TEST_CASE("a scenario with one region has no region-pair series") {
  const std::string one_region =
      "model: ecosystem\nseed: 11\nsteps: 2\necosystem:\n  universities: 4\n  institutes: 4\n"
      "  lead_firms: 4\n  smes: 100\n  regions:\n    only: {weight: 1, pilot_platforms: 1, pilot_slots: 5}\n";
  auto model = create(load(one_region));
  for (const auto& info : model->metrics()) CHECK(info.name.rfind("region_flow.", 0) == std::string::npos);
}

TEST_CASE(
    "paired: researchers move to firms of other regions only with researcher_cross_region_share above 0") {
  // A moving researcher goes to a firm of another region (drawn by the links) with probability
  // researcher_cross_region_share; at 0 every move stays in the lab's region. Labs send more
  // researchers than by default (0.5 a quarter) so that a run of 32 quarters has a few hundred moves.
  const auto scenario = [](const std::string& share) {
    return three_regions("", 32, share) + "  researcher_mobility_rate: 0.5\n";
  };
  check_paired_effect("researchers may cross regions: moves to firms of other regions", scenario("0"),
                      scenario("0.3"), sum_of("cross_region_researcher_moves"), Direction::increase);
  for (std::uint64_t replicate = 0; replicate < 8; ++replicate) {
    const RunSums home = run(scenario("0"), 11, replicate);
    CHECK(home.sum.at("researchers_moved") > 0);
    CHECK(home.sum.at("cross_region_researcher_moves") == 0);
  }
}

namespace {

// Two linked regions: a mainland one with most firms and a small one with rich labs whose
// researchers follow `rule` (a regions.<name> entry, seed 004's Hong Kong beside Nansha).
std::string mainland_and_border_region(const std::string& rule) {
  return "model: ecosystem\nseed: 11\nsteps: 32\n"
         "ecosystem:\n  universities: 12\n  institutes: 9\n  lead_firms: 9\n  smes: 450\n"
         "  researcher_mobility_rate: 0.2\n"
         "  regions:\n"
         "    mainland: {weight: 1, pilot_platforms: 1, pilot_slots: 20}\n"
         "    border: {weight: 0.5, pilot_platforms: 1, pilot_slots: 20, lab_budget_multiplier: 2" +
         rule +
         "}\n"
         "  region_links:\n    proximity:\n      - {region_a: mainland, region_b: border, proximity: 0.5}\n";
}

}  // namespace

TEST_CASE("paired: a region's own researcher rule sends its researchers to firms across the border") {
  // Seed 004: Hong Kong's researchers join and found firms in Nansha. The links' share is 0 (every
  // region's researchers move within it); the border region's own rule overrides it for its labs.
  const std::string links_rule = mainland_and_border_region("");
  const std::string own_rule = mainland_and_border_region(", researcher_cross_region_share: 0.6");
  check_paired_effect("border region's own rule: more researchers moving across regions", links_rule,
                      own_rule, sum_of("cross_region_researcher_moves"), Direction::increase);
  CHECK(run(links_rule).sum.at("cross_region_researcher_moves") == 0);
  // -1 (the default) defers to the links: a rule equal to the links' share draws exactly the same.
  const RunSums deferring = run(mainland_and_border_region(", researcher_cross_region_share: -1"));
  const RunSums explicit_zero = run(mainland_and_border_region(", researcher_cross_region_share: 0"));
  CHECK(deferring.sum.at("researchers_moved") == explicit_zero.sum.at("researchers_moved"));
  CHECK(deferring.sum.at("results_applied_share") == explicit_zero.sum.at("results_applied_share"));
}

TEST_CASE("paired: a region's own mobility multiplier moves more of its researchers to industry") {
  // The border region's labs at five times the national researcher_mobility_rate; 1 (the default)
  // draws exactly as without the key.
  const std::string national_rate = mainland_and_border_region("");
  const std::string own_rate = mainland_and_border_region(", researcher_mobility_multiplier: 5");
  check_paired_effect("border region's own mobility multiplier: more researchers moved", national_rate,
                      own_rate, sum_of("researchers_moved"), Direction::increase);
  const RunSums unity = run(mainland_and_border_region(", researcher_mobility_multiplier: 1"));
  const RunSums without = run(national_rate);
  CHECK(unity.sum.at("researchers_moved") == without.sum.at("researchers_moved"));
  CHECK(unity.sum.at("results_applied_share") == without.sum.at("results_applied_share"));
}

TEST_CASE(
    "paired: the core screening its results for the districts raises deals from core labs to district "
    "firms") {
  // Seed 003: results screened by the districts' fields, market prospects and feasibility, then offered
  // to the districts' firms; the service pays the offices per screened deal.
  const std::string without = core_and_districts("");
  const std::string with = core_and_districts(screening("1.0e8"));
  check_paired_effect("screening for the districts: more cross-region deals", without, with,
                      sum_of("cross_region_deals"), Direction::increase);
  const RunSums screened = run(with);
  CHECK(screened.sum.at("screened_deals") > 0);
  CHECK(screened.sum.at("screened_deals") <= screened.sum.at("cross_region_deals"));
  // Paid per screened deal: what the service spent is 2e4 yuan a deal (its budget is not exhausted).
  CHECK(screened.sum.at("instrument.screening.spent") ==
        doctest::Approx(2.0e4 * screened.sum.at("screened_deals")));
}

TEST_CASE("a screening service without money screens nothing and changes nothing") {
  const RunSums without = run(core_and_districts(""));
  const RunSums unfunded = run(core_and_districts(screening("0")));
  CHECK(unfunded.sum.at("screened_deals") == 0);
  for (const auto& [name, value] : without.sum) {
    INFO(name);
    CHECK(unfunded.sum.at(name) == value);
  }
}

TEST_CASE("a screening service stops screening when its money is spent") {
  // 5 deals' worth of money: the service pays what it holds and then screens no more.
  const RunSums small = run(core_and_districts(screening("1.0e5")));
  CHECK(small.sum.at("screened_deals") >= 5);
  CHECK(small.sum.at("screened_deals") <
        run(core_and_districts(screening("1.0e8"))).sum.at("screened_deals"));
  CHECK(small.last.at("screened_deals") == 0);
}
