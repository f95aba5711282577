// Dose-response of the instruments that buy services, pilots and rewards (ip_reform,
// pilot_capacity, pilot_voucher, pilot_operator_incentive, matching_service for labs and for SMEs,
// industry_professor, ex_post_reward, thematic_bond, incubator_support): under common random numbers
// (check_paired_effect in the support header), a budget of 0 is not distinguishable from no
// instrument and spends nothing (instrument.<slug>.spent), the reference budget has its effect, and
// twice the money buys more, or a saturation a metric shows (the instrument's unspent money at the
// end). Reference budgets are the shipped scenarios' per agent and quarter, scaled to the small
// economies here: the national baseline has 2,500 SMEs and 100 labs for 80 quarters, the tiny
// economy 400 SMEs and 18 labs for 24, so a budget per SME scales by 400/2500 x 24/80 = 0.048 and
// one per lab by 18/100 x 24/80 = 0.054.
#include <doctest/doctest.h>

#include "test_ecosystem_support.hpp"

using namespace ecosystem_test;

namespace {

constexpr int kReplicates = 10;

// The tiny economy `scale` times over with `extra` under `ecosystem:` and one policy (none when
// empty).
std::string economy(const std::string& policy, const std::string& extra = "", int scale = 1) {
  return scaled_scenario(extra + (policy.empty() ? "" : "  policies:\n    - " + policy + "\n"), scale);
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

std::string number(double x) { return std::to_string(x); }

// Saturation: the reference budget of instrument `type` is not spent by the end of the run (every
// quarter's demand for what it buys was met: instrument.<type>.unspent shows it), and twice the
// money changes nothing.
void check_saturated(const std::string& label, const std::string& type, const std::string& reference,
                     const std::string& twice, const Metric& metric) {
  CHECK(run(reference).last.at("instrument." + type + ".unspent") > 0);
  check_no_effect(label, reference, twice, metric);
}

// ---- ip_reform: a rule, not money --------------------------------------------------------------
// Ownership reform spends no budget; its dose is transfer_multiplier (scenarios/policies/
// ip_reform.yaml: 2). Twice the dose doubles the extra effort: 3.
std::string ip_reform(double multiplier) {
  return "{type: ip_reform, budget_yuan: 1e7, transfer_multiplier: " + number(multiplier) + "}";
}

// ---- pilot_capacity ----------------------------------------------------------------------------
// Many users want pilots, more than two platforms of 20 slots can serve (cheap applied results: many
// reach TRL 5-6), so added slots are used.
const std::string kCrowded =
    "  pilot_request_rate: 1.0\n  pilot_fee_yuan: 1000\n  result_cost_applied_yuan: 30000\n";
// scenarios/policies/pilot_capacity_doubled.yaml doubles every platform's slots at 5,000 yuan a slot
// and quarter: here 20 slots on each of the 2 platforms, 2e5 yuan a quarter, 4.8e6 for the run. Its
// budget (1e9) pays its slots 7.8 times over the 80 quarters: 3.75e7 here.
std::string pilot_capacity(double budget) {
  return "{type: pilot_capacity, budget_yuan: " + number(budget) + ", added_slots: 20, slot_cost_yuan: 5000}";
}
constexpr double kSlotsForTheRun = 2 * 20 * 5000.0 * 24;
constexpr double kPilotCapacityBudget = 3.75e7;

// ---- pilot_voucher and pilot_operator_incentive ---------------------------------------------
// An expensive platform that deters users (seed 002: built but unused).
const std::string kExpensive = "  pilot_fee_yuan: 200000\n";
// scenarios/policies/pilot_vouchers.yaml: 3e8 yuan at subsidy 0.7 for the national economy, x 0.048.
std::string pilot_voucher(double budget) {
  return "{type: pilot_voucher, budget_yuan: " + number(budget) + ", subsidy_share: 0.7}";
}
constexpr double kVoucherBudget = 1.44e7;
// No shipped scenario has an operator incentive: tests/models/test_ecosystem_policies.cpp's terms
// (outreach 3, 5,000 yuan per pilot), with a budget of 40 pilots' payments.
std::string pilot_operator(double budget) {
  return "{type: pilot_operator_incentive, budget_yuan: " + number(budget) +
         ", payment_per_pilot_yuan: 5000, outreach_multiplier: 3}";
}
constexpr double kOperatorBudget = 2e5;

// ---- matching_service -------------------------------------------------------------------------
// scenarios/nansha.yaml's transfer alliance: 2e7 yuan for 14 labs over 80 quarters (17,857 yuan a
// lab and quarter), 2e4 per deal, multiplier 2: 7.7e6 for the tiny economy's 18 labs and 24 quarters.
std::string matching(double budget) {
  return "{type: matching_service, budget_yuan: " + number(budget) +
         ", payment_per_service_yuan: 20000, match_multiplier: 2}";
}
constexpr double kMatchingBudget = 7.7e6;
// Expert services for SMEs (nansha.yaml: 1e7 yuan for 1,300 SMEs over 80 quarters, 1e4 per SME
// served): 9.2e5 for 400 SMEs and 24 quarters, in an economy with two expert services a region and
// no SME asking at its own cost.
std::string with_expert_services(const std::string& policy) {
  return "model: ecosystem\nseed: 11\nsteps: 24\necosystem:\n  universities: 10\n  institutes: 8\n"
         "  lead_firms: 8\n  smes: 400\n  expert_request_rate: 0\n"
         "  regions:\n    north: {weight: 1, pilot_platforms: 1, pilot_slots: 20, expert_services: 2}\n"
         "    south: {weight: 1, pilot_platforms: 1, pilot_slots: 20, expert_services: 2}\n" +
         (policy.empty() ? "" : "  policies:\n    - " + policy + "\n");
}
std::string expert_services(double budget) {
  return "{type: matching_service, agent_kind: sme, budget_yuan: " + number(budget) +
         ", payment_per_service_yuan: 10000}";
}
constexpr double kExpertBudget = 9.2e5;

// ---- industry_professor -----------------------------------------------------------------------
// scenarios/policies/industry_professors.yaml: 5e7 yuan, multiplier 5, 5e4 a researcher moved, for
// 100 labs over 80 quarters: 2.7e6 for 18 labs and 24 quarters.
std::string professors(double budget) {
  return "{type: industry_professor, budget_yuan: " + number(budget) +
         ", mobility_multiplier: 5, stipend_yuan: 50000}";
}
constexpr double kProfessorBudget = 2.7e6;

// ---- ex_post_reward ---------------------------------------------------------------------------
// scenarios/policies/ex_post_rewards.yaml: 2e9 yuan, 2e5 per result reaching industrialization: 9.6e7
// x 0.048.
std::string rewards(double budget) {
  return "{type: ex_post_reward, budget_yuan: " + number(budget) + ", reward_yuan: 200000}";
}
constexpr double kRewardBudget = 9.6e7;

// ---- thematic_bond ----------------------------------------------------------------------------
// scenarios/policies/thematic_bonds.yaml: 1e8 yuan paying half the coupon of bonds of 5e6 yuan:
// 4.8e6 x 0.048.
std::string bonds(double budget) {
  return "{type: thematic_bond, budget_yuan: " + number(budget) + ", principal_yuan: 5e6, coupon_share: 0.5}";
}
constexpr double kBondBudget = 4.8e6;

// ---- incubator_support ------------------------------------------------------------------------
// No shipped scenario has one. 20 incubators of one place each, 3 founders asking a quarter each
// (Poisson: about 19 places sought a quarter, 460 in the run); a place costs 1e5 yuan a quarter, the
// fee is 5e4, so fees alone pay for no place and the instrument pays the other 5e4 of each: 2.3e7
// for every place sought in the run. The reference budget, 1e7, pays for about 10 quarters' places.
std::string with_incubators(const std::string& extra, const std::string& policy) {
  return "model: ecosystem\nseed: 11\nsteps: 24\necosystem:\n  universities: 10\n  institutes: 8\n"
         "  lead_firms: 8\n  smes: 400\n  incubator_births_per_quarter: 3\n" +
         extra +
         "  regions:\n    north: {weight: 1, pilot_platforms: 1, pilot_slots: 20, incubators: 10}\n"
         "    south: {weight: 1, pilot_platforms: 1, pilot_slots: 20, incubators: 10}\n" +
         (policy.empty() ? "" : "  policies:\n    - " + policy + "\n");
}
const std::string kCostlyPlaces =
    "  incubator_capacity: 1\n  incubator_place_cost_yuan: 100000\n  incubator_fee_yuan: 50000\n";
std::string incubator_support(double budget, double payment = 50000) {
  return "{type: incubator_support, budget_yuan: " + number(budget) +
         ", payment_per_place_yuan: " + number(payment) + "}";
}
constexpr double kIncubatorBudget = 1e7;

}  // namespace

// ---- ip_reform --------------------------------------------------------------------------------

TEST_CASE("paired: IP reform at transfer multiplier 1 changes nothing and spends nothing") {
  check_no_effect("ip_reform multiplier 1 vs none: licences", economy(""), economy(ip_reform(1)),
                  sum_of("licences"));
  CHECK(run(economy(ip_reform(2))).sum.at("instrument.ip_reform.spent") == 0);
}

TEST_CASE("paired: IP reform raises licences and twice the extra transfer effort more") {
  check_paired_effect("ip_reform multiplier 2 raises licences", economy(""), economy(ip_reform(2)),
                      sum_of("licences"), Direction::increase, kReplicates);
  check_paired_effect("ip_reform multiplier 3 over 2 raises licences", economy(ip_reform(2)),
                      economy(ip_reform(3)), sum_of("licences"), Direction::increase, kReplicates);
}

// ---- pilot_capacity ---------------------------------------------------------------------------

TEST_CASE("paired: pilot capacity with no budget adds no slot and changes nothing") {
  check_no_effect("pilot_capacity budget 0 vs none: pilot verifications", economy("", kCrowded),
                  economy(pilot_capacity(0), kCrowded), sum_of("pilot_verifications"));
  CHECK(run(economy(pilot_capacity(0), kCrowded)).sum.at("instrument.pilot_capacity.spent") == 0);
}

TEST_CASE("pilot capacity has no free slots: a slot cost of 0 is an input error") {
  // Free slots would add capacity without money; the schema's minimum slot cost is 1 yuan.
  CHECK_THROWS_AS(
      load(economy("{type: pilot_capacity, budget_yuan: 0, added_slots: 40, slot_cost_yuan: 0}", kCrowded)),
      sim::InputError);
  CHECK_NOTHROW(load(economy("{type: pilot_capacity, budget_yuan: 0, added_slots: 40}", kCrowded)));
}

TEST_CASE("paired: pilot capacity verifies more results and more money buys slots up to those sought") {
  CHECK(replicate_mean(economy("", kCrowded), last_of("pilot_utilization")) > 0.75);
  check_paired_effect("pilot_capacity raises pilot verifications", economy("", kCrowded),
                      economy(pilot_capacity(kPilotCapacityBudget), kCrowded), sum_of("pilot_verifications"),
                      Direction::increase, kReplicates);
  // Below the limit: slots for half the run, then for all of it.
  check_paired_effect("pilot_capacity for the whole run over half of it raises pilot verifications",
                      economy(pilot_capacity(kSlotsForTheRun / 2), kCrowded),
                      economy(pilot_capacity(kSlotsForTheRun), kCrowded), sum_of("pilot_verifications"),
                      Direction::increase, kReplicates);
  // The reference budget already buys the 20 slots sought every quarter: twice the money buys no
  // more (spent is the same) and is left unspent.
  const RunSums reference = run(economy(pilot_capacity(kPilotCapacityBudget), kCrowded));
  const RunSums twice = run(economy(pilot_capacity(2 * kPilotCapacityBudget), kCrowded));
  CHECK(reference.sum.at("instrument.pilot_capacity.spent") == doctest::Approx(kSlotsForTheRun));
  CHECK(twice.sum.at("instrument.pilot_capacity.spent") == doctest::Approx(kSlotsForTheRun));
  CHECK(twice.last.at("instrument.pilot_capacity.unspent") ==
        doctest::Approx(2 * kPilotCapacityBudget - kSlotsForTheRun));
  check_no_effect("pilot_capacity twice the saturated budget: pilot verifications",
                  economy(pilot_capacity(kPilotCapacityBudget), kCrowded),
                  economy(pilot_capacity(2 * kPilotCapacityBudget), kCrowded), sum_of("pilot_verifications"));
}

// ---- pilot_voucher ----------------------------------------------------------------------------

TEST_CASE("paired: pilot vouchers with no budget pay no fee and change nothing") {
  check_no_effect("pilot_voucher budget 0 vs none: pilot verifications", economy("", kExpensive),
                  economy(pilot_voucher(0), kExpensive), sum_of("pilot_verifications"));
  CHECK(run(economy(pilot_voucher(0), kExpensive)).sum.at("instrument.pilot_voucher.spent") == 0);
}

TEST_CASE("paired: pilot vouchers bring users to an expensive platform and twice the budget more") {
  check_paired_effect("pilot_voucher raises pilot verifications", economy("", kExpensive),
                      economy(pilot_voucher(kVoucherBudget), kExpensive), sum_of("pilot_verifications"),
                      Direction::increase, kReplicates);
  check_paired_effect("twice the voucher budget raises pilot verifications",
                      economy(pilot_voucher(kVoucherBudget), kExpensive),
                      economy(pilot_voucher(2 * kVoucherBudget), kExpensive), sum_of("pilot_verifications"),
                      Direction::increase, kReplicates);
}

// ---- pilot_operator_incentive -----------------------------------------------------------------

TEST_CASE("paired: an operator incentive with no budget changes nothing") {
  check_no_effect("pilot_operator_incentive budget 0 vs none: pilot verifications", economy("", kExpensive),
                  economy(pilot_operator(0), kExpensive), sum_of("pilot_verifications"));
  CHECK(run(economy(pilot_operator(0), kExpensive)).sum.at("instrument.pilot_operator_incentive.spent") == 0);
}

TEST_CASE("paired: operator incentives raise pilot use and twice the budget more") {
  check_paired_effect("pilot_operator_incentive raises pilot verifications", economy("", kExpensive),
                      economy(pilot_operator(kOperatorBudget), kExpensive), sum_of("pilot_verifications"),
                      Direction::increase, kReplicates);
  check_paired_effect("twice the operator budget raises pilot verifications",
                      economy(pilot_operator(kOperatorBudget), kExpensive),
                      economy(pilot_operator(2 * kOperatorBudget), kExpensive), sum_of("pilot_verifications"),
                      Direction::increase, kReplicates);
}

// ---- matching_service for labs ----------------------------------------------------------------

TEST_CASE("paired: a matching service with no budget brokers nothing and changes nothing") {
  check_no_effect("matching_service budget 0 vs none: licences", economy(""), economy(matching(0)),
                  sum_of("licences"));
  CHECK(run(economy(matching(0))).sum.at("instrument.matching_service.spent") == 0);
}

TEST_CASE("paired: a matching service raises licences and twice the budget more") {
  check_paired_effect("matching_service raises licences", economy(""), economy(matching(kMatchingBudget)),
                      sum_of("licences"), Direction::increase, kReplicates);
  // Saturated: the deals the labs' matching brings are paid for with money left over.
  check_saturated("twice the matching budget: licences", "matching_service",
                  economy(matching(kMatchingBudget)), economy(matching(2 * kMatchingBudget)),
                  sum_of("licences"));
}

// ---- matching_service for SMEs (expert services) ----------------------------------------------

TEST_CASE("paired: expert services with no budget serve no SME and change nothing") {
  check_no_effect("expert services budget 0 vs none: applied results share", with_expert_services(""),
                  with_expert_services(expert_services(0)), last_of("results_applied_share"));
  const RunSums empty = run(with_expert_services(expert_services(0)));
  CHECK(empty.sum.at("instrument.matching_service.spent") == 0);
  CHECK(empty.sum.at("expert_service_firms_served") == 0);
}

TEST_CASE("paired: expert services paid for SMEs serve them and twice the budget serves more") {
  check_paired_effect("expert services raise SMEs served", with_expert_services(""),
                      with_expert_services(expert_services(kExpertBudget)),
                      sum_of("expert_service_firms_served"), Direction::increase, kReplicates);
  check_paired_effect("twice the expert-services budget serves more SMEs",
                      with_expert_services(expert_services(kExpertBudget)),
                      with_expert_services(expert_services(2 * kExpertBudget)),
                      sum_of("expert_service_firms_served"), Direction::increase, kReplicates);
  // The reference budget is spent: at most 10,000 yuan for each SME served (SMEs asked for
  // experts on its account in a quarter that began with money, and pay the fee themselves once it
  // is spent).
  const RunSums served = run(with_expert_services(expert_services(kExpertBudget)));
  CHECK(served.sum.at("instrument.matching_service.spent") == doctest::Approx(kExpertBudget));
  CHECK(served.sum.at("instrument.matching_service.spent") <=
        10000 * served.sum.at("expert_service_firms_served"));
}

// ---- industry_professor -----------------------------------------------------------------------

TEST_CASE("paired: industry professors with no budget move no extra researcher and change nothing") {
  const RunSums none = run(economy("")), empty = run(economy(professors(0)));
  CHECK(empty.sum.at("researchers_moved") == none.sum.at("researchers_moved"));
  CHECK(empty.sum.at("instrument.industry_professor.spent") == 0);
  check_no_effect("industry_professor budget 0 vs none: licences", economy(""), economy(professors(0)),
                  sum_of("licences"));
}

TEST_CASE("paired: industry professors move researchers while stipends are paid and twice the budget more") {
  check_paired_effect("industry_professor raises researchers moved", economy(""),
                      economy(professors(kProfessorBudget)), sum_of("researchers_moved"), Direction::increase,
                      kReplicates);
  // Saturated: at multiplier 5 the researchers who move are paid for with money left over (the
  // limit is the researchers willing to move, researcher_mobility_rate x 5).
  check_saturated("twice the professors' budget: researchers moved", "industry_professor",
                  economy(professors(kProfessorBudget)), economy(professors(2 * kProfessorBudget)),
                  sum_of("researchers_moved"));
}

// ---- ex_post_reward ---------------------------------------------------------------------------

TEST_CASE("paired: ex-post rewards with no budget are neither anticipated nor paid") {
  check_no_effect("ex_post_reward budget 0 vs none: R&D spending", economy(""), economy(rewards(0)),
                  sum_of("rd_spending_total"));
  const RunSums empty = run(economy(rewards(0)));
  CHECK(empty.sum.at("instrument.ex_post_reward.spent") == 0);
  CHECK(empty.sum.at("ex_post_rewards_paid") == 0);
}

TEST_CASE("paired: ex-post rewards raise development spending and twice the budget more") {
  check_paired_effect("ex_post_reward raises R&D spending", economy(""), economy(rewards(kRewardBudget)),
                      sum_of("rd_spending_total"), Direction::increase, kReplicates);
  // Saturated: every result that reaches industrialization is rewarded with money left over.
  check_saturated("twice the reward budget: R&D spending", "ex_post_reward", economy(rewards(kRewardBudget)),
                  economy(rewards(2 * kRewardBudget)), sum_of("rd_spending_total"));
}

// ---- thematic_bond ----------------------------------------------------------------------------

TEST_CASE("paired: thematic bonds with no budget are not issued and change nothing") {
  check_no_effect("thematic_bond budget 0 vs none: R&D spending", economy(""), economy(bonds(0)),
                  sum_of("rd_spending_total"));
  const RunSums empty = run(economy(bonds(0)));
  CHECK(empty.sum.at("thematic_bonds_issued") == 0);
  CHECK(empty.sum.at("instrument.thematic_bond.spent") == 0);
}

TEST_CASE("paired: thematic bonds are issued while the coupon subsidy is paid and twice the budget more") {
  check_paired_effect("thematic_bond raises bonds issued", economy(""), economy(bonds(kBondBudget)),
                      sum_of("thematic_bonds_issued"), Direction::increase, kReplicates);
  check_paired_effect("twice the bond budget issues more", economy(bonds(kBondBudget)),
                      economy(bonds(2 * kBondBudget)), sum_of("thematic_bonds_issued"), Direction::increase,
                      kReplicates);
}

// ---- incubator_support ------------------------------------------------------------------------

TEST_CASE("paired: incubator support with no budget pays no place and changes nothing") {
  check_no_effect("incubator_support budget 0 vs none: incubator births", with_incubators(kCostlyPlaces, ""),
                  with_incubators(kCostlyPlaces, incubator_support(0)), sum_of("incubator_births"));
  const RunSums empty = run(with_incubators(kCostlyPlaces, incubator_support(0)));
  CHECK(empty.sum.at("instrument.incubator_support.spent") == 0);
  // Fees alone do not pay for a place that costs more: no incubated firm.
  CHECK(empty.sum.at("incubator_births") == 0);
}

TEST_CASE("paired: incubator support buys places and twice the budget more up to the incubators' capacity") {
  check_paired_effect("incubator_support raises incubator births", with_incubators(kCostlyPlaces, ""),
                      with_incubators(kCostlyPlaces, incubator_support(kIncubatorBudget)),
                      sum_of("incubator_births"), Direction::increase, kReplicates);
  check_paired_effect("incubator_support raises SME births", with_incubators(kCostlyPlaces, ""),
                      with_incubators(kCostlyPlaces, incubator_support(kIncubatorBudget)),
                      sum_of("sme_births"), Direction::increase, kReplicates);
  // The reference budget runs out: twice the money pays for more places.
  check_paired_effect("twice the incubator_support budget raises incubator births",
                      with_incubators(kCostlyPlaces, incubator_support(kIncubatorBudget)),
                      with_incubators(kCostlyPlaces, incubator_support(2 * kIncubatorBudget)),
                      sum_of("incubator_births"), Direction::increase, kReplicates);
  // Four times pays every place sought to the end of the run: the places are full (utilization near
  // 1: the capacity binds), money is left, and more changes nothing.
  const RunSums plenty = run(with_incubators(kCostlyPlaces, incubator_support(4 * kIncubatorBudget)));
  CHECK(plenty.last.at("incubator_utilization") > 0.8);
  check_saturated("eight times the incubator_support budget: incubator births", "incubator_support",
                  with_incubators(kCostlyPlaces, incubator_support(4 * kIncubatorBudget)),
                  with_incubators(kCostlyPlaces, incubator_support(8 * kIncubatorBudget)),
                  sum_of("incubator_births"));
  // When the money stops the incubators shrink to what fees pay: none here.
  const RunSums reference = run(with_incubators(kCostlyPlaces, incubator_support(kIncubatorBudget)));
  CHECK(reference.last.at("incubator_births") == 0);
}

TEST_CASE("paired: founders weigh the fee against the incubator's help and a subsidised fee brings more") {
  // A place that costs 1e6 yuan, paid by a fee of 1e6: worth it only to founders of firms valued
  // high enough (incubated_exit_multiplier's survival times the valuation). Support paying half the
  // place lowers the fee by as much, and more founders enter; places are not scarce (capacity 3).
  const std::string dear =
      "  incubator_place_cost_yuan: 1000000\n  incubator_fee_yuan: 1000000\n"
      "  incubator_capacity: 3\n";
  const RunSums unsubsidised = run(with_incubators(dear, ""));
  CHECK(unsubsidised.sum.at("incubator_births") > 0);
  check_paired_effect("a subsidised fee raises incubator births", with_incubators(dear, ""),
                      with_incubators(dear, incubator_support(1e9, 500000)), sum_of("incubator_births"),
                      Direction::increase, kReplicates);
  // No help, no gain: nobody pays for a place.
  CHECK(run(with_incubators(dear + "  incubated_exit_multiplier: 1\n", "")).sum.at("incubator_births") == 0);
}
