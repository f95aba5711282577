// Funding mixes (models/ecosystem/funding_mix.hpp): a mixed policy is given its share of the mix's
// total as its budget, the others keep theirs, and every way of writing a mix wrong is refused with
// the place of the values involved.
#include <doctest/doctest.h>

#include "models/ecosystem/funding_mix.hpp"
#include "sim/scenario/schema_format.hpp"
#include "test_ecosystem_support.hpp"

using namespace ecosystem_test;

namespace {

// Three instruments of the mix and one outside it.
std::string mix_scenario(const std::string& total, const std::string& shares_a_b_c,
                         const std::string& extra_key = "") {
  std::vector<std::string> shares;
  std::string rest = shares_a_b_c;
  for (std::size_t at = rest.find(','); at != std::string::npos; at = rest.find(',')) {
    shares.push_back(rest.substr(0, at));
    rest = rest.substr(at + 1);
  }
  shares.push_back(rest);
  return tiny_scenario("  mix_total_budget_yuan: " + total +
                       "\n  policies:\n"
                       "    - {type: pilot_voucher, name: vouchers, subsidy_share: 0.5, mix_share: " +
                       shares[0] + extra_key +
                       "}\n"
                       "    - {type: risk_pool, name: pool, loss_share: 0.5, mix_share: " +
                       shares[1] +
                       "}\n"
                       "    - {type: first_unit_insurance, name: insurance, premium_subsidy_share: 0.5, "
                       "mix_share: " +
                       shares[2] +
                       "}\n"
                       "    - {type: rd_grant, name: grants, budget_yuan: 2e6, grant_yuan: 1e5}\n");
}

std::string error_of(const std::string& yaml) {
  try {
    static_cast<void>(models::ecosystem::read_parameters(load(yaml)));
  } catch (const sim::InputError& error) {
    return error.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("a mixed policy's budget is its share of the mix's total and a policy outside keeps its own") {
  const auto p = models::ecosystem::read_parameters(load(mix_scenario("1e8", "0.5,0.25,0.25")));
  REQUIRE(p.policies.size() == 4);
  CHECK(p.policies[0].budget_yuan == 5e7);
  CHECK(p.policies[1].budget_yuan == 2.5e7);
  CHECK(p.policies[2].budget_yuan == 2.5e7);
  CHECK(p.policies[3].budget_yuan == 2e6);
  CHECK(p.policies[3].mix_share == -1.0);
  // A share of 0 is in the mix with nothing, not out of it with its own budget.
  const auto corner = models::ecosystem::read_parameters(load(mix_scenario("1e8", "1,0,0")));
  CHECK(corner.policies[0].budget_yuan == 1e8);
  CHECK(corner.policies[1].budget_yuan == 0.0);
}

TEST_CASE("shares of a simplex lattice in thirds pass the sum check") {
  const double third = 1.0 / 3.0;
  const std::string text = sim::schema_format::format_number(third);
  const auto p =
      models::ecosystem::read_parameters(load(mix_scenario("9e7", text + "," + text + "," + text)));
  CHECK(p.policies[0].budget_yuan == doctest::Approx(3e7).epsilon(1e-12));
}

TEST_CASE("mix shares that do not sum to 1 are refused with the sum and where each share was written") {
  CHECK(error_of(mix_scenario("1e8", "0.5,0.3,0.3")) ==
        "test.yaml:12:26: the funding mix's shares (mix_share) must sum to 1 (within 1e-9), got 1.1: "
        "'vouchers' "
        "0.5 (test.yaml:14:76), 'pool' 0.3 (test.yaml:15:65), 'insurance' 0.3 (test.yaml:16:92)");
}

TEST_CASE("a mix written wrong is refused: both budget and share or share without total or total without share") {
  CHECK(error_of(mix_scenario("1e8", "0.5,0.25,0.25", ", budget_yuan: 1e6")) ==
        "test.yaml:14:94: 'ecosystem.policies[vouchers]' gives both budget_yuan (1e6) and mix_share (0.5): a "
        "policy in the funding mix is given mix_share × ecosystem.mix_total_budget_yuan; set its budget_yuan "
        "to "
        "0, or leave it out of the mix (mix_share -1)");
  CHECK(
      error_of(mix_scenario("0", "0.5,0.25,0.25"))
          .find("test.yaml:15:65: 'ecosystem.policies[pool].mix_share' is 0.25, but there is no funding mix "
                "('ecosystem.mix_total_budget_yuan' is 0): set the mix's total, or leave mix_share out") !=
      std::string::npos);
  CHECK(error_of(mix_scenario("1e8", "-1,-1,-1")) ==
        "test.yaml:12:26: 'ecosystem.mix_total_budget_yuan' is 1e8 yuan, but no policy has a mix_share: give "
        "each policy of the mix its share");
  CHECK(error_of(mix_scenario("1e8", "-0.5,0.75,0.75")) ==
        "test.yaml:14:76: 'ecosystem.policies[vouchers].mix_share' must be a share from 0 to 1, or -1 (the "
        "default) for a policy outside the funding mix, got -0.5");
}

TEST_CASE("a mix runs: at its start step each mixed instrument's account holds its share of the total") {
  const auto model = create(load(mix_scenario("4e6", "0.5,0.25,0.25")));
  model->step(1);  // budgets move at start_step 1, before anything can be paid out of them
  const auto balances = policy_balances(*model);
  CHECK(balances.at("policy vouchers") + balances.at("policy pool") + balances.at("policy insurance") ==
        models::ecosystem::to_fen(4e6));
  CHECK(balances.at("policy grants") <= models::ecosystem::to_fen(2e6));
}
