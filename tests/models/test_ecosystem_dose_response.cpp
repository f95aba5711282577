// Dose-response of the instruments that act through buyers and funded projects (procurement,
// first-unit insurance, consortia): under common random numbers (check_paired_effect in the support
// header), a budget of 0 is not distinguishable from no instrument, the reference budget has its
// effect, and twice the money buys more, or a saturation a metric shows. Reference budgets are the
// shipped scenarios' per SME and quarter, scaled to the small economies here (scenarios/jiangxi.yaml,
// scenarios/policies/*.yaml).
#include <doctest/doctest.h>

#include "test_ecosystem_support.hpp"

using namespace ecosystem_test;

namespace {

constexpr int kReplicates = 10;

// The tiny economy `scale` times over with one policy (none when empty).
std::string economy_with(const std::string& policy, int scale = 1) {
  return scaled_scenario(policy.empty() ? "" : "  policies:\n    - " + policy + "\n", scale);
}

// CHECKs, for each test seed, that the 95% interval of variant - base covers zero (or that every
// difference is exactly zero, where the instrument changes no draw).
void check_no_effect(const std::string& label, const std::string& base_yaml, const std::string& variant_yaml,
                     const Metric& metric) {
  for (std::uint64_t seed : test_seeds()) {
    const PairedInterval i = paired_interval(base_yaml, variant_yaml, metric, seed, kReplicates);
    const bool covers_zero = i.lo <= 0 && i.hi >= 0;
    const std::string line = "paired-effect: " + label + " | seed " + std::to_string(seed) + " | mean " +
                             std::to_string(i.mean) + " | 95% [" + std::to_string(i.lo) + ", " +
                             std::to_string(i.hi) + "] | " + (covers_zero ? "holds" : "fails") +
                             " | expected no effect";
    if (multiseed_mode()) MESSAGE(line);
    CHECK_MESSAGE(covers_zero, line);
  }
}

double replicate_mean(const std::string& yaml, const Metric& metric) {
  double sum = 0;
  for (int r = 0; r < kReplicates; ++r) sum += metric(run(yaml, 11, static_cast<std::uint64_t>(r)));
  return sum / kReplicates;
}

// Procurement: the tiny economy's 400 SMEs at jiangxi's purchases per SME (5e6 yuan a quarter for
// 900 SMEs) for the whole run.
std::string procurement(double purchases_yuan) {
  return "{type: procurement, budget_yuan: " + std::to_string(purchases_yuan * 24) +
         ", purchases_yuan: " + std::to_string(purchases_yuan) + "}";
}
constexpr double kPurchasesYuan = 2e6;

// First-unit insurance with simple claims (scenarios/policies/insurance_simple_claims.yaml: 2e8 yuan
// for 2,500 SMEs over 80 quarters, about 1e7 yuan for the tiny economy's 400 SMEs and 24 quarters).
std::string insurance(double budget_yuan, double subsidy_share = 0.8, double claim_complexity = 0.1) {
  return "{type: first_unit_insurance, budget_yuan: " + std::to_string(budget_yuan) +
         ", premium_subsidy_share: " + std::to_string(subsidy_share) +
         ", claim_complexity: " + std::to_string(claim_complexity) + "}";
}
constexpr double kInsuranceBudgetYuan = 1e7;

// Consortia on the tiny economy twice over (16 lead firms): the budget pays projects of 1e5 yuan a
// quarter for the 24 quarters, 2.4e6 yuan each; the reference budget four of them (scenarios/
// policies/consortia.yaml funds 12 projects for 40 lead firms).
std::string consortium(double budget_yuan, const std::string& extra = "") {
  return "{type: consortium, budget_yuan: " + std::to_string(budget_yuan) +
         ", lead_firm_grant_yuan: 1e5, members: 8" + extra + "}";
}
constexpr double kConsortiumBudgetYuan = 4 * 2.4e6;

}  // namespace

TEST_CASE("paired: procurement with no budget buys nothing and changes nothing") {
  check_no_effect("procurement budget 0 vs none: results in industrialization", economy_with(""),
                  economy_with("{type: procurement, budget_yuan: 0, purchases_yuan: 2e6}"),
                  sum_of("results_by_stage_industrialization"));
  CHECK(run(economy_with("{type: procurement, budget_yuan: 0, purchases_yuan: 2e6}"))
            .sum.at("procurement_spend") == 0);
}

TEST_CASE("paired: procurement's purchases make reference customers and more money buys more") {
  check_paired_effect("procurement raises results in industrialization", economy_with(""),
                      economy_with(procurement(kPurchasesYuan)), sum_of("results_by_stage_industrialization"),
                      Direction::increase, kReplicates);
  // Twice the money: twice the purchases, and more first units succeed (the reference effect per
  // firm saturates in the units bought, procurement_bonus x u / (1 + u), but has not saturated here).
  check_paired_effect("twice the procurement money raises results in industrialization",
                      economy_with(procurement(kPurchasesYuan)),
                      economy_with(procurement(2 * kPurchasesYuan)),
                      sum_of("results_by_stage_industrialization"), Direction::increase, 2 * kReplicates);
  CHECK(replicate_mean(economy_with(procurement(2 * kPurchasesYuan)), sum_of("procurement_spend")) >
        1.8 * replicate_mean(economy_with(procurement(kPurchasesYuan)), sum_of("procurement_spend")));
}

TEST_CASE("paired: first-unit insurance with no budget insures nothing and changes nothing") {
  const std::string empty = economy_with(insurance(0));
  check_no_effect("insurance budget 0 vs none: results in industrialization", economy_with(""), empty,
                  sum_of("results_by_stage_industrialization"));
  const RunSums r = run(empty);
  CHECK(r.sum.at("first_unit_insurance_takeup") == 0);
  CHECK(r.sum.at("government_spending") == run(economy_with("")).sum.at("government_spending"));
}

TEST_CASE("paired: first-unit insurance raises industrialization and twice the budget more") {
  check_paired_effect("insurance raises results in industrialization", economy_with(""),
                      economy_with(insurance(kInsuranceBudgetYuan)),
                      sum_of("results_by_stage_industrialization"), Direction::increase, kReplicates);
  // The reference budget runs out before the end (first units stop being insured); twice the
  // budget insures for longer.
  check_paired_effect("twice the insurance budget raises results in industrialization",
                      economy_with(insurance(kInsuranceBudgetYuan)),
                      economy_with(insurance(2 * kInsuranceBudgetYuan)),
                      sum_of("results_by_stage_industrialization"), Direction::increase, kReplicates);
  check_paired_effect("twice the insurance budget insures for longer",
                      economy_with(insurance(kInsuranceBudgetYuan)),
                      economy_with(insurance(2 * kInsuranceBudgetYuan)),
                      sum_of("first_unit_insurance_takeup"), Direction::increase, kReplicates);
}

TEST_CASE(
    "paired: buyers take first-unit insurance when the subsidy makes it worth its price and claims are "
    "simple") {
  // A budget that does not run out, so take-up is the buyers' choice in every quarter.
  constexpr double kAmple = 1e12;
  check_paired_effect("a premium subsidy of 0.8 over none raises take-up",
                      economy_with(insurance(kAmple, 0.0)), economy_with(insurance(kAmple, 0.8)),
                      sum_of("first_unit_insurance_takeup"), Direction::increase, kReplicates);
  // Seed 000: cover does not reach users' costs, users take little part.
  check_paired_effect("complex claims lower take-up", economy_with(insurance(kAmple, 0.8, 0.1)),
                      economy_with(insurance(kAmple, 0.8, 0.8)), sum_of("first_unit_insurance_takeup"),
                      Direction::decrease, kReplicates);
}

TEST_CASE("paired: a consortium with no budget funds no project and changes nothing") {
  check_no_effect("consortium budget 0 vs none: licences", economy_with("", 2),
                  economy_with(consortium(0), 2), sum_of("licences"));
  CHECK(run(economy_with(consortium(0), 2)).sum.at("consortia_count") == 0);
}

TEST_CASE("paired: consortia raise licences with the projects funded up to the lead firms available") {
  check_paired_effect("consortia raise licences", economy_with("", 2),
                      economy_with(consortium(kConsortiumBudgetYuan), 2), sum_of("licences"),
                      Direction::increase, kReplicates);
  check_paired_effect("twice the consortium budget raises licences",
                      economy_with(consortium(kConsortiumBudgetYuan), 2),
                      economy_with(consortium(2 * kConsortiumBudgetYuan), 2), sum_of("licences"),
                      Direction::increase, kReplicates);
  // Funded projects: none for less than one project's cost, then 4, 8 and all 16 lead firms; more money funds
  // no more (the saturation consortia_count shows) and changes nothing.
  const auto projects = [](double budget) {
    return run(economy_with(consortium(budget), 2)).last.at("consortia_count");
  };
  CHECK(projects(0.9 * 2.4e6) == 0);  // short of one project's 24 quarters
  CHECK(projects(kConsortiumBudgetYuan) == 4);
  CHECK(projects(2 * kConsortiumBudgetYuan) == 8);
  CHECK(projects(4 * kConsortiumBudgetYuan) == 16);
  CHECK(projects(8 * kConsortiumBudgetYuan) == 16);
  check_no_effect("a consortium budget beyond the lead firms available: licences",
                  economy_with(consortium(4 * kConsortiumBudgetYuan), 2),
                  economy_with(consortium(8 * kConsortiumBudgetYuan), 2), sum_of("licences"));
}

TEST_CASE("consortium members pay their matching part from their own cash or leave") {
  // The members in each consortium of lead firms and of SMEs after the first quarter (formation and
  // the first payments both happen in apply_policies at start_step).
  const auto members_after_one_quarter = [](double matching_share) {
    const sim::Config config = load(tiny_scenario(
        "  policies:\n    - {type: consortium, budget_yuan: 1e8, lead_firm_grant_yuan: 1e6, members: 8, "
        "matching_share: " +
        std::to_string(matching_share) + "}\n"));
    auto model = create(config);
    model->step(1);
    model->check_invariants(1, "end of step");
    const auto& kind = model->firms().field<std::uint8_t>("kind");
    const auto& consortium = model->firms().field<std::int64_t>("consortium");
    std::pair<int, int> leads_and_smes{0, 0};
    for (std::size_t i = 0; i < kind.size(); ++i) {
      if (consortium[i] < 0) continue;
      (kind[i] == models::ecosystem::kLeadFirm ? leads_and_smes.first : leads_and_smes.second) += 1;
    }
    return leads_and_smes;
  };
  const auto affordable = members_after_one_quarter(0.5);
  CHECK(affordable.first == 4);  // 1e8 pays four projects of 1e6 yuan for 24 quarters
  CHECK(affordable.second > 0);
  // Parts of 100 times the grant (1e8 yuan a quarter shared by a few SMEs) are beyond any SME's
  // cash: they all leave, the projects go on with the grant.
  const auto unaffordable = members_after_one_quarter(100);
  CHECK(unaffordable.first == 4);
  CHECK(unaffordable.second == 0);
}

// The two layers of a consortium (紧密合作层 / 一般协作层): the same members and budget, with all of
// them in the core or only the first recruited.
TEST_CASE("paired: a consortium whose members are all core raises licences more than one with a small core") {
  // The core's full matching multiplier with the lead firm and its first customer buy more deals than
  // the general layer's weaker tie (general_layer_weight 0.3 of it).
  check_paired_effect("all members core over a core of one: licences",
                      economy_with(consortium(kConsortiumBudgetYuan, ", core_members: 1"), 2),
                      economy_with(consortium(kConsortiumBudgetYuan), 2), sum_of("licences"),
                      Direction::increase, kReplicates);
  // A general layer with no tie at all is weaker still than one with general_layer_weight 0.3.
  check_paired_effect(
      "a general layer with a tie over one without: licences",
      economy_with(consortium(kConsortiumBudgetYuan, ", core_members: 1, general_layer_weight: 0"), 2),
      economy_with(consortium(kConsortiumBudgetYuan, ", core_members: 1"), 2), sum_of("licences"),
      Direction::increase, kReplicates);
}

TEST_CASE("a consortium with core_members at least its members is the all-core consortium") {
  const RunSums all_core = run(economy_with(consortium(kConsortiumBudgetYuan), 2));
  const RunSums core_of_eight = run(economy_with(consortium(kConsortiumBudgetYuan, ", core_members: 8"), 2));
  CHECK(core_of_eight.sum == all_core.sum);
  CHECK(all_core.sum.at("consortium_core_members") > 0);
  CHECK(all_core.sum.at("consortium_general_members") == 0);
  const RunSums small_core = run(economy_with(consortium(kConsortiumBudgetYuan, ", core_members: 1"), 2));
  CHECK(small_core.last.at("consortium_general_members") > 0);
  // At most one core member per project (4 projects); members who leave are in neither layer.
  CHECK(small_core.last.at("consortium_core_members") <= 4);
}

TEST_CASE("general-layer members of a consortium pay nothing") {
  // Matching parts of 100 times the grant are beyond any SME's cash: core SMEs leave after the first
  // quarter, general-layer SMEs, who are asked for nothing, stay (their cash is not drawn).
  const sim::Config config = load(tiny_scenario(
      "  policies:\n    - {type: consortium, budget_yuan: 1e8, lead_firm_grant_yuan: 1e6, members: 8, "
      "matching_share: 100, core_members: 2}\n"));
  auto model = create(config);
  model->step(1);
  model->check_invariants(1, "end of step");
  const auto& kind = model->firms().field<std::uint8_t>("kind");
  const auto& consortium = model->firms().field<std::int64_t>("consortium");
  const auto& general = model->firms().field<std::uint8_t>("consortium_general");
  int core_smes = 0, general_smes = 0;
  for (std::size_t i = 0; i < kind.size(); ++i) {
    if (consortium[i] < 0 || kind[i] != models::ecosystem::kSme) continue;
    (general[i] != 0 ? general_smes : core_smes) += 1;
  }
  CHECK(core_smes == 0);
  CHECK(general_smes > 0);
}
