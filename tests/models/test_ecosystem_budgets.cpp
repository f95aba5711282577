// Policy budgets: a policy account never goes negative, a budget that runs out stops the
// spending, repaid money comes back, and bond proceeds fund development. Each instrument type runs
// with a budget small enough to run out, the ledger checked after every step.
#include <doctest/doctest.h>

#include <set>

#include "test_ecosystem_support.hpp"

using namespace ecosystem_test;
using models::ecosystem::Fen;
using models::ecosystem::to_fen;

namespace {

// Every instrument type with a budget that runs out within a few quarters of the tiny economy.
const std::vector<std::pair<std::string, std::string>>& small_budget_policies() {
  static const std::vector<std::pair<std::string, std::string>> policies = {
      {"rd_grant", "{type: rd_grant, budget_yuan: 3e5, grant_yuan: 1e5}"},
      {"challenge_project", "{type: challenge_project, budget_yuan: 3e5, prize_yuan: 2e5}"},
      // One project for the 24 quarters (a budget short of one project funds none).
      {"consortium", "{type: consortium, budget_yuan: 2.4e6, lead_firm_grant_yuan: 1e5, members: 4}"},
      {"first_unit_insurance",
       "{type: first_unit_insurance, budget_yuan: 1e5, premium_subsidy_share: 0.9, claim_complexity: 0.1}"},
      {"procurement", "{type: procurement, budget_yuan: 3e5, purchases_yuan: 1e6}"},
      {"loan_interest_subsidy",
       "{type: loan_interest_subsidy, budget_yuan: 1e4, interest_subsidy_share: 0.9, agent_kind: sme}"},
      {"repayable_grant", "{type: repayable_grant, budget_yuan: 3e5, grant_yuan: 2e5, agent_kind: sme}"},
      {"grant_to_equity", "{type: grant_to_equity, budget_yuan: 3e5, grant_yuan: 2e5, agent_kind: sme}"},
      {"guidance_fund", "{type: guidance_fund, budget_yuan: 1e5, leverage: 4}"},
      {"risk_pool", "{type: risk_pool, budget_yuan: 1e4, loss_share: 0.9}"},
      {"super_deduction", "{type: super_deduction, budget_yuan: 1e4, extra_deduction_share: 1.0}"},
      {"ip_reform", "{type: ip_reform, budget_yuan: 1e4, transfer_multiplier: 3}"},
      {"pilot_capacity", "{type: pilot_capacity, budget_yuan: 1e4, added_slots: 40, slot_cost_yuan: 1000}"},
      {"pilot_voucher", "{type: pilot_voucher, budget_yuan: 1e4, subsidy_share: 0.8}"},
      {"pilot_operator_incentive",
       "{type: pilot_operator_incentive, budget_yuan: 1e4, payment_per_pilot_yuan: 5000, "
       "outreach_multiplier: 3}"},
      {"matching_service", "{type: matching_service, budget_yuan: 1e4, payment_per_service_yuan: 3000}"},
      {"industry_professor",
       "{type: industry_professor, budget_yuan: 5e4, stipend_yuan: 20000, mobility_multiplier: 20}"},
      {"ex_post_reward", "{type: ex_post_reward, budget_yuan: 1e5, reward_yuan: 50000}"},
      {"thematic_bond", "{type: thematic_bond, budget_yuan: 1e4, principal_yuan: 2e6, coupon_share: 0.9}"},
      {"incubator_support", "{type: incubator_support, budget_yuan: 1e5, payment_per_place_yuan: 30000}"},
      {"concept_verification_fund",
       "{type: concept_verification_fund, budget_yuan: 1e4, subsidy_per_verification_yuan: 5000}"},
  };
  return policies;
}

// A few busy markets, so that every instrument finds someone to pay: many pilot and loan requests,
// expert services and incubators in both regions.
std::string busy_scenario(const std::string& policy) {
  return "model: ecosystem\nseed: 11\nsteps: 24\necosystem:\n  universities: 10\n  institutes: 8\n"
         "  lead_firms: 8\n  smes: 400\n  pilot_request_rate: 1.0\n  pilot_fee_yuan: 20000\n"
         "  loan_request_rate: 0.5\n"
         "  regions:\n    north: {weight: 1, pilot_platforms: 1, pilot_slots: 20, expert_services: 2, "
         "incubators: 2}\n"
         "    south: {weight: 1, pilot_platforms: 1, pilot_slots: 20, expert_services: 2, incubators: 2}\n"
         "  policies:\n    - " +
         policy + "\n";
}

// The balance of every "policy ..." account.
}  // namespace

TEST_CASE("the budget tests cover every instrument type") {
  std::set<std::string> covered;
  for (const auto& [type, policy] : small_budget_policies()) covered.insert(type);
  for (const auto& type : models::ecosystem::policy_type_names())
    CHECK_MESSAGE(covered.count(type) == 1, type);
}

TEST_CASE("no policy account goes negative when a small budget runs out") {
  for (const auto& [type, policy] : small_budget_policies()) {
    CAPTURE(type);
    const sim::Config config = load(busy_scenario(policy));
    auto model = create(config);
    Fen lowest = to_fen(1e12);
    for (std::int64_t step = 1; step <= 24; ++step) {
      model->step(step);
      model->check_invariants(step, "end of step");
      for (const auto& [owner, balance] : policy_balances(*model)) {
        CHECK_MESSAGE(balance >= 0, "step " << step << ": '" << owner << "' holds " << balance << " fen");
        lowest = std::min(lowest, balance);
      }
    }
    // The budget ran out: less than one grant, prize or payment is left. (IP reform changes
    // ownership rules; it pays nothing out of its account. Super-deduction pays the tax it forgoes.)
    if (type != "ip_reform")
      CHECK_MESSAGE(lowest < to_fen(2e5), type << ": lowest policy balance " << lowest << " fen");
  }
}

TEST_CASE("a budget that runs out stops the spending: an ex-post reward of 1e5 pays at most 1e5") {
  const sim::Config config =
      load(busy_scenario("{type: ex_post_reward, name: reward, budget_yuan: 1e5, reward_yuan: 50000}"));
  auto model = create(config);
  double paid = 0, spending = 0;
  for (std::int64_t step = 1; step <= 24; ++step) {
    model->step(step);
    model->check_invariants(step, "end of step");
    paid += model->metric("ex_post_rewards_paid");
    spending += model->metric("government_spending");
  }
  CHECK(paid > 0);     // the budget is used ...
  CHECK(paid <= 1e5);  // ... and not exceeded
  CHECK(policy_balances(*model).at("policy reward") == to_fen(1e5) - to_fen(paid));
  // Rewarding a result is worth 50,000 yuan: more than two would have been paid without a cap.
  const RunSums uncapped = run(busy_scenario("{type: ex_post_reward, budget_yuan: 1e8, reward_yuan: 50000}"));
  CHECK(uncapped.sum.at("ex_post_rewards_paid") > 1e5);
}

TEST_CASE("an instrument's account only pays out once its budget is in") {
  // The budget is paid in at the first step; afterwards only repayable grants and bonds (whose
  // coupons it shares) could see money come back, and only repayable grants do.
  for (const auto& [type, policy] : small_budget_policies()) {
    if (type == "repayable_grant") continue;
    CAPTURE(type);
    const sim::Config config = load(busy_scenario(policy));
    auto model = create(config);
    model->step(1);
    Fen previous = policy_balances(*model).begin()->second;
    for (std::int64_t step = 2; step <= 24; ++step) {
      model->step(step);
      const Fen balance = policy_balances(*model).begin()->second;
      CHECK_MESSAGE(balance <= previous, "step " << step);
      previous = balance;
    }
  }
}

TEST_CASE("repaid money comes back: repayable grants flow back into the policy account") {
  // Grants are paid in the first two quarters only; afterwards the account can only grow, by the
  // SMEs' repayments.
  const sim::Config config =
      load(tiny_scenario("  policies:\n    - {type: repayable_grant, name: loans, budget_yuan: 4e6, "
                         "grant_yuan: 2e5, agent_kind: sme, "
                         "end_step: 2}\n"));
  auto model = create(config);
  auto outstanding = [&] {
    double sum = 0;
    for (double g : model->firms().field<double>("repayable_grant")) sum += g;
    return sum;
  };
  Fen after_grants = 0;
  double outstanding_after_grants = 0;
  std::vector<Fen> balance;
  for (std::int64_t step = 1; step <= 24; ++step) {
    model->step(step);
    model->check_invariants(step, "end of step");
    balance.push_back(policy_balances(*model).at("policy loans"));
    if (step == 2) {
      after_grants = balance.back();
      outstanding_after_grants = outstanding();
    }
  }
  CHECK(after_grants < to_fen(4e6));  // grants were paid
  CHECK(outstanding_after_grants > 0);
  for (std::size_t s = 2; s < balance.size(); ++s) CHECK(balance[s] >= balance[s - 1]);
  // Money came back, and what came back is what the SMEs no longer owe (less what exiting SMEs
  // took with them).
  const double repaid = models::ecosystem::to_yuan(balance.back() - after_grants);
  CHECK(repaid > 0.2 * models::ecosystem::to_yuan(to_fen(4e6) - after_grants));
  CHECK(repaid <= outstanding_after_grants - outstanding() + 0.01);
}

TEST_CASE("thematic bond proceeds raise the development budget of the firm that spends them") {
  // Each quarter a firm with unspent bond proceeds spends them on development, at most the gap
  // between its development needs and budget; what it spends is added to its development budget.
  // Firms are followed by id; the budgets are indexed by the rows the firms had before the step's
  // exits (firm_budgets()).
  // Firms put little of their own R&D into development, so their budgets fall short of their needs.
  const sim::Config config =
      load(tiny_scenario("  development_share_firm: 0.05\n  policies:\n    - {type: thematic_bond, "
                         "budget_yuan: 1e8, principal_yuan: "
                         "2e6, coupon_share: 0.5}\n"));
  auto model = create(config);
  const sim::Population& firms = model->firms();
  int spenders = 0, gap_filled = 0;
  double spent_total = 0;
  for (std::int64_t step = 1; step <= 24; ++step) {
    const std::size_t n = firms.size();
    std::vector<sim::AgentId> id(n);
    std::vector<double> unspent = firms.field<double>("bond_unspent"),
                        bond = firms.field<double>("thematic_bond");
    std::vector<std::int32_t> due = firms.field<std::int32_t>("bond_due");
    for (std::size_t i = 0; i < n; ++i) id[i] = firms.id(i);
    model->step(step);
    model->check_invariants(step, "end of step");
    const auto& budgets = model->firm_budgets();
    REQUIRE(budgets.dev_budget.size() >= n);
    for (std::size_t i = 0; i < n; ++i) {
      const auto row = firms.index_of(id[i]);
      if (!row) continue;  // exited
      const double bond_now = firms.field<double>("thematic_bond")[*row];
      if (bond_now <= 0) continue;  // repaid or defaulted
      const bool issued_now = firms.field<std::int32_t>("bond_due")[*row] != due[i] || bond[i] <= 0;
      const double before = issued_now ? bond_now : unspent[i];
      const double spent = before - firms.field<double>("bond_unspent")[*row];
      if (spent <= 0.005) continue;
      ++spenders;
      spent_total += spent;
      CHECK_MESSAGE(budgets.dev_budget[i] + 0.01 >= spent,
                    "step " << step << ": firm " << id[i] << " spent " << spent
                            << " of its bond, development budget " << budgets.dev_budget[i]);
      // ... and no more than closes the gap.
      CHECK_MESSAGE(budgets.dev_budget[i] <= budgets.need[i] + 0.01,
                    "step " << step << ": firm " << id[i] << " spent " << spent
                            << " of its bond, development budget " << budgets.dev_budget[i]
                            << " over its needs " << budgets.need[i]);
      if (budgets.dev_budget[i] + 0.01 >= budgets.need[i]) ++gap_filled;
    }
  }
  MESSAGE(spenders << " firm-quarters spent " << spent_total << " yuan of bond proceeds; " << gap_filled
                   << " of them filled their development gap");
  CHECK(spenders > 0);
  // A firm spends from its bond only when its budget falls short of its needs; the spending closes
  // that gap unless the proceeds (or the firm's cash) run out first.
  CHECK(gap_filled > 0);
  CHECK(2 * gap_filled >= spenders);
}

TEST_CASE("a thematic bond's policy pays its share of the coupons and no more") {
  // With coupon_share 0 the firms pay the whole coupon: the policy's account keeps its budget. With
  // coupon_share 1 the policy pays the coupons.
  auto left = [](const std::string& share) {
    const sim::Config config =
        load(tiny_scenario("  policies:\n    - {type: thematic_bond, name: bonds, budget_yuan: 1e7, "
                           "principal_yuan: 2e6, coupon_share: " +
                           share + "}\n"));
    auto model = create(config);
    double issued = 0;
    for (std::int64_t step = 1; step <= 24; ++step) {
      model->step(step);
      model->check_invariants(step, "end of step");
      issued += model->metric("thematic_bonds_issued");
    }
    CHECK(issued > 0);
    return policy_balances(*model).at("policy bonds");
  };
  CHECK(left("0") == to_fen(1e7));
  CHECK(left("1") < to_fen(1e7));
}

TEST_CASE("a risk-compensation pool pays banks its share of SMEs' loan losses out of its budget") {
  const sim::Config config =
      load(busy_scenario("{type: risk_pool, name: pool, budget_yuan: 2e7, loss_share: 0.6}"));
  auto model = create(config);
  double paid = 0;
  for (std::int64_t step = 1; step <= 24; ++step) {
    model->step(step);
    model->check_invariants(step, "end of step");
    paid += model->metric("risk_pool_paid");
  }
  CHECK(paid > 0);
  CHECK(policy_balances(*model).at("policy pool") == to_fen(2e7) - to_fen(paid));
}

namespace {

// R&D spending of the SMEs in the quarter just stepped.
double sme_rd_spending(const models::ecosystem::EcosystemModel& model) {
  const auto& kind = model.firms().field<std::uint8_t>("kind");
  const auto& rd = model.firms().field<double>("rd_spending");
  double sum = 0;
  for (std::size_t i = 0; i < kind.size(); ++i)
    if (kind[i] == models::ecosystem::kSme) sum += rd[i];
  return sum;
}

// SMEs' R&D spending per step of a run of the tiny economy with `policies`.
std::vector<double> sme_rd_by_step(const std::string& policies, std::uint64_t replicate = 0) {
  const sim::Config config = load(tiny_scenario(policies));
  auto model = create(config, 11, replicate);
  std::vector<double> by_step;
  for (std::int64_t step = 1; step <= 24; ++step) {
    model->step(step);
    model->check_invariants(step, "end of step");
    by_step.push_back(sme_rd_spending(*model));
  }
  return by_step;
}

}  // namespace

TEST_CASE("an R&D grant with no money leaves firms' R&D as it is without the grant") {
  // Before, firms added the grant to their R&D budget whether or not it was paid, and spent it
  // from their own cash.
  const auto without = sme_rd_by_step("");
  const auto unfunded = sme_rd_by_step(
      "  policies:\n    - {type: rd_grant, agent_kind: sme, budget_yuan: 0, grant_yuan: 1e4}\n");
  CHECK(unfunded == without);
}

TEST_CASE("paired: once an R&D grant to SMEs runs out their R&D returns to what it is without the grant") {
  // 400 SMEs x 1e4 yuan a quarter: 3e6 yuan run out in the first quarter. Before, after the
  // budget ran out the SMEs went on spending 1e4 yuan a quarter each from their own cash.
  const std::string grant =
      "  policies:\n    - {type: rd_grant, name: grant, agent_kind: sme, budget_yuan: 3e6, grant_yuan: "
      "1e4}\n";
  constexpr std::size_t kAfter = 4;  // steps 5.. : the budget has run out
  const double grant_per_quarter = 1e4 * 400;
  double mean_difference = 0;
  for (std::uint64_t r = 0; r < 8; ++r) {
    const auto base = sme_rd_by_step("", r), with_grant = sme_rd_by_step(grant, r);
    double difference = 0;
    for (std::size_t s = kAfter; s < base.size(); ++s) difference += with_grant[s] - base[s];
    mean_difference += difference / static_cast<double>(base.size() - kAfter) / 8.0;
  }
  MESSAGE("SMEs' R&D after the grant ran out, with - without, per quarter: " << mean_difference << " yuan");
  // Within a tenth of the grant: what the grant's results changed in revenue and cash, not the grant.
  CHECK(std::abs(mean_difference) < 0.1 * grant_per_quarter);
}

// A firm's result advances only as far as its development money goes (funded share = budget /
// need, docs/MODEL.md "Stage transitions"). Firms that put nothing into development put more into
// new results, so a model that advanced results regardless of money would industrialise more, not
// less (tests/mutation: holders-always-funded).
TEST_CASE("paired: firms' results advance only as far as their development money goes") {
  check_paired_effect("no development money lowers results in industrialization", tiny_scenario(""),
                      tiny_scenario("  development_share_firm: 0\n"),
                      sum_of("results_by_stage_industrialization"), Direction::decrease, 8);
}
