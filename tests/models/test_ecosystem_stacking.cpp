// Stacking of instruments of one type (docs/MODEL.md, "Stacking"): each instrument acts on its own
// targets with its own budget; a payment several of them could make for one beneficiary is made by
// the first in declaration order that targets it and still holds money. And the per-instrument
// rules that go with it: payments follow the instrument's targeting, repayments go back to the
// instrument that granted the money, capacity is what the money buys.
#include <doctest/doctest.h>

#include <cmath>

#include "models/ecosystem/incentives.hpp"
#include "test_ecosystem_support.hpp"

using namespace ecosystem_test;
using models::ecosystem::Fen;
using models::ecosystem::to_fen;
using models::ecosystem::to_yuan;

namespace {

// The tiny economy with transfer offices and expert services in both regions, more pilot demand,
// and `policies` (lines "    - {...}\n") under `ecosystem.policies`.
std::string economy_with(const std::string& policies, const std::string& extra = "") {
  return "model: ecosystem\nseed: 11\nsteps: 24\necosystem:\n  universities: 10\n  institutes: 8\n"
         "  lead_firms: 8\n  smes: 400\n  pilot_request_rate: 1.0\n" +
         extra +
         "  regions:\n    north: {weight: 1, pilot_platforms: 1, pilot_slots: 20, transfer_offices: 2, "
         "expert_services: 2}\n"
         "    south: {weight: 1, pilot_platforms: 1, pilot_slots: 20, transfer_offices: 2, "
         "expert_services: 2}\n"
         "  policies:\n" +
         policies;
}

struct Trace {
  std::vector<std::map<std::string, Fen>> balances;  // per step, every policy account
  std::map<std::string, double> sum;                 // metrics summed over steps
};

// Runs `steps` steps, checking the ledger, and records the policy balances after each step.
Trace trace(const std::string& yaml, std::int64_t steps = 24) {
  const sim::Config config = load(yaml);
  auto model = create(config);
  Trace t;
  for (std::int64_t step = 1; step <= steps; ++step) {
    model->step(step);
    model->check_invariants(step, "end of step");
    t.balances.push_back(policy_balances(*model));
    for (const char* name : {"brokered_deals", "expert_service_firms_served", "pilot_verifications"})
      t.sum[name] += model->metric(name);
  }
  return t;
}

}  // namespace

TEST_CASE(
    "two matching services in one region both spend: the expert service for SMEs pays experts and the other "
    "pays offices") {
  // Nansha's pair: before, the later one became the region's per-deal payer and paid for every
  // lab deal, while the transfer alliance paid nothing.
  const Trace t = trace(economy_with(
      "    - {type: matching_service, name: alliance, budget_yuan: 2e7, payment_per_service_yuan: 2e4}\n"
      "    - {type: matching_service, name: experts, agent_kind: sme, budget_yuan: 1e7, "
      "payment_per_service_yuan: 1e4}\n"));
  const double alliance_spent = to_yuan(to_fen(2e7) - t.balances.back().at("policy alliance"));
  const double experts_spent = to_yuan(to_fen(1e7) - t.balances.back().at("policy experts"));
  MESSAGE("alliance spent " << alliance_spent << " on " << t.sum.at("brokered_deals")
                            << " deals; experts spent " << experts_spent << " on "
                            << t.sum.at("expert_service_firms_served") << " services");
  CHECK(t.sum.at("brokered_deals") > 0);
  CHECK(t.sum.at("expert_service_firms_served") > 0);
  // The alliance pays 2e4 per brokered deal (its budget lasts), the expert service at most 1e4 per
  // SME served, and nothing for lab deals.
  CHECK(alliance_spent == doctest::Approx(2e4 * t.sum.at("brokered_deals")));
  CHECK(experts_spent > 0);
  CHECK(experts_spent <= 1e4 * t.sum.at("expert_service_firms_served") + 0.01);
}

TEST_CASE(
    "stacked matching services pay in declaration order: the second pays only once the first has run out") {
  const Trace t = trace(economy_with(
      "    - {type: matching_service, name: first, budget_yuan: 6e4, payment_per_service_yuan: 2e4}\n"
      "    - {type: matching_service, name: second, budget_yuan: 1e7, payment_per_service_yuan: 2e4}\n"));
  bool first_ran_out = false;
  for (std::size_t s = 0; s < t.balances.size(); ++s) {
    const Fen first = t.balances[s].at("policy first"), second = t.balances[s].at("policy second");
    // While the first still holds money, the second has paid nothing.
    if (first > 0) CHECK_MESSAGE(second == to_fen(1e7), "step " << s + 1);
    first_ran_out = first_ran_out || first == 0;
  }
  CHECK(first_ran_out);  // the one that runs out stops ...
  // ... and the other keeps going: it paid every deal after that, at its own rate.
  const double second_spent = to_yuan(to_fen(1e7) - t.balances.back().at("policy second"));
  CHECK(second_spent > 0);
  CHECK(second_spent + 6e4 == doctest::Approx(2e4 * t.sum.at("brokered_deals")));
}

TEST_CASE("a matching service pays only for deals of the labs and fields it targets") {
  // Aimed at SMEs, with no expert services to pay: before, it paid transfer offices for every lab
  // deal of its region.
  const Trace sme = trace(tiny_scenario(
      "  policies:\n    - {type: matching_service, name: smes, agent_kind: sme, budget_yuan: 1e7, "
      "payment_per_service_yuan: 2e4}\n"));
  CHECK(sme.sum.at("brokered_deals") > 0);
  CHECK(sme.balances.back().at("policy smes") == to_fen(1e7));
  // One field of three: it pays for fewer deals than the region's offices close.
  const Trace all = trace(economy_with(
      "    - {type: matching_service, name: all, budget_yuan: 1e8, payment_per_service_yuan: 1e3}\n"));
  const Trace one =
      trace(economy_with("    - {type: matching_service, name: ai, field: ai, budget_yuan: 1e8, "
                         "payment_per_service_yuan: 1e3}\n"));
  CHECK(to_yuan(to_fen(1e8) - all.balances.back().at("policy all")) ==
        doctest::Approx(1e3 * all.sum.at("brokered_deals")));
  const double one_spent = to_yuan(to_fen(1e8) - one.balances.back().at("policy ai"));
  CHECK(one_spent > 0);
  CHECK(one_spent < 1e3 * one.sum.at("brokered_deals"));
}

TEST_CASE("a matching service acts only while it holds money") {
  // Budget 0: no multiplier, no capacity, no payment: the run is the run without it.
  const std::string base = economy_with("    []\n");
  const std::string empty = economy_with(
      "    - {type: matching_service, budget_yuan: 0, match_multiplier: 5, added_deal_capacity: 10, "
      "payment_per_service_yuan: 2e4}\n");
  const RunSums a = run(base), b = run(empty);
  CHECK(a.sum.at("licences") == b.sum.at("licences"));
  CHECK(a.sum.at("brokered_deals") == b.sum.at("brokered_deals"));
  CHECK(a.sum.at("rd_spending_total") == b.sum.at("rd_spending_total"));
}

TEST_CASE("stacked pilot vouchers: the first with money pays and the second takes over when it runs out") {
  const Trace t =
      trace(economy_with("    - {type: pilot_voucher, name: first, budget_yuan: 3e4, subsidy_share: 0.5}\n"
                         "    - {type: pilot_voucher, name: second, budget_yuan: 1e7, subsidy_share: 0.5}\n",
                         "  pilot_fee_yuan: 20000\n"));
  bool first_ran_out = false;
  for (std::size_t s = 0; s < t.balances.size(); ++s) {
    const Fen first = t.balances[s].at("policy first"), second = t.balances[s].at("policy second");
    if (first > 0) CHECK_MESSAGE(second == to_fen(1e7), "step " << s + 1);
    first_ran_out = first_ran_out || first == 0;
  }
  CHECK(first_ran_out);
  CHECK(t.balances.back().at("policy second") < to_fen(1e7));
}

TEST_CASE("stacked pilot capacity instruments each add the slots their money buys") {
  // 40 slots a quarter per platform at 1,000 yuan: 65,000 yuan buys 40 slots at the first platform
  // and 25 at the second in the instrument's first quarter (step 4, when pilots are asked for), then
  // none. Before, any money paid added all 40.
  const auto capacity_at_step_4 = [](const std::string& policies) {
    const sim::Config config = load(economy_with(policies, "  pilot_fee_yuan: 1000\n"));
    auto model = create(config);
    for (std::int64_t step = 1; step <= 4; ++step) {
      model->step(step);
      model->check_invariants(step, "end of step");
    }
    REQUIRE(model->metric("pilot_utilization") > 0);
    return std::llround(model->metric("pilot_verifications") / model->metric("pilot_utilization"));
  };
  CHECK(capacity_at_step_4("    []\n") == 40);
  CHECK(capacity_at_step_4("    - {type: pilot_capacity, budget_yuan: 6.5e4, added_slots: 40, "
                           "slot_cost_yuan: 1000, start_step: 4}\n") == 40 + 40 + 25);
  // Two instruments in one region add up, each within its own budget.
  CHECK(capacity_at_step_4("    - {type: pilot_capacity, name: a, budget_yuan: 6.5e4, added_slots: 40, "
                           "slot_cost_yuan: 1000, start_step: 4}\n"
                           "    - {type: pilot_capacity, name: b, budget_yuan: 1.5e4, added_slots: 10, "
                           "slot_cost_yuan: 1000, start_step: 4}\n") == 40 + 40 + 25 + 10 + 5);
}

TEST_CASE("each repayable grant's repayments go back to its own instrument") {
  // Two instruments for every SME: an SME holding the first one's grant is covered by it, the
  // second pays others; each gets back what its SMEs repay. Before, every repayment went to the
  // first instrument.
  const sim::Config config =
      load(tiny_scenario("  policies:\n"
                         "    - {type: repayable_grant, name: first, budget_yuan: 4e6, grant_yuan: 2e5, "
                         "agent_kind: sme, end_step: 2}\n"
                         "    - {type: repayable_grant, name: second, budget_yuan: 4e6, grant_yuan: 2e5, "
                         "agent_kind: sme, end_step: "
                         "2}\n"));
  auto model = create(config);
  std::map<std::string, Fen> after_grants;
  for (std::int64_t step = 1; step <= 24; ++step) {
    model->step(step);
    model->check_invariants(step, "end of step");
    if (step == 1) after_grants = policy_balances(*model);
  }
  const auto end = policy_balances(*model);
  for (const char* name : {"policy first", "policy second"}) {
    CAPTURE(name);
    CHECK(after_grants.at(name) < to_fen(4e6));   // it granted
    CHECK(end.at(name) > after_grants.at(name));  // and was repaid
  }
  // No SME holds both: the grant outstanding per SME is at most one grant.
  for (double g : model->firms().field<double>("repayable_grant")) CHECK(g <= 2e5 + 0.01);
}

TEST_CASE("a thematic bond's coupon subsidy ends with the instrument") {
  const sim::Config config = load(tiny_scenario(
      "  policies:\n    - {type: thematic_bond, name: bonds, budget_yuan: 1e8, principal_yuan: 2e6, "
      "coupon_share: 1, end_step: 10}\n"));
  auto model = create(config);
  Fen at_end_step = 0;
  double outstanding_after = 0;
  for (std::int64_t step = 1; step <= 16; ++step) {
    model->step(step);
    model->check_invariants(step, "end of step");
    if (step == 10) at_end_step = policy_balance(*model, "bonds");
    if (step == 11)
      for (double b : model->firms().field<double>("thematic_bond")) outstanding_after += b;
  }
  CHECK(at_end_step < to_fen(1e8));                       // it paid coupons while active ...
  CHECK(outstanding_after > 0);                           // ... bonds run on after it ended ...
  CHECK(policy_balance(*model, "bonds") == at_end_step);  // ... and it pays no more coupons
}

TEST_CASE("consortium ids keep their instrument beyond a thousand consortia") {
  using models::ecosystem::consortium_id;
  using models::ecosystem::consortium_policy;
  // policy x 1000 + n made consortium 1500 of instrument 3 the same id as consortium 500 of 4.
  CHECK(consortium_id(3, 1500) != consortium_id(4, 500));
  CHECK(consortium_policy(consortium_id(3, 1500)) == 3);
  CHECK(consortium_policy(consortium_id(4, 500)) == 4);
  CHECK(consortium_policy(consortium_id(0, 0)) == 0);
  CHECK(consortium_id(0, 0) >= 0);
  // In a run, each member's consortium names the instrument that formed it.
  const sim::Config config =
      load(tiny_scenario("  policies:\n    - {type: consortium, field: ai, max_consortia: 1, members: 4, "
                         "budget_yuan: 1e10, lead_firm_grant_yuan: 1e5}\n"
                         "    - {type: consortium, field: clean_energy, max_consortia: 1, members: 4, "
                         "budget_yuan: 1e10, lead_firm_grant_yuan: 1e5}\n"));
  auto model = create(config);
  model->step(1);
  const auto& ids = model->firms().field<std::int64_t>("consortium");
  const auto& fields = model->firms().field<std::int32_t>("field");
  int members = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] < 0) continue;
    ++members;
    // Fields in order: clean_energy, ai, new_materials; members share their lead firm's field.
    CHECK(consortium_policy(ids[i]) == (fields[i] == 1 ? 0 : 1));
  }
  CHECK(members > 0);
}

namespace {

// Two instruments of `type`, "first" and "second" (each `terms` plus its budget), targeting every SME
// of the economy with loan requests: the balances after every step.
Trace trace_pair(const std::string& type, const std::string& terms, double first_budget,
                 double second_budget) {
  const auto policy = [&](const std::string& name, double budget) {
    return "    - {type: " + type + ", name: " + name +
           ", agent_kind: sme, budget_yuan: " + std::to_string(budget) + ", " + terms + "}\n";
  };
  return trace(economy_with(policy("first", first_budget) + policy("second", second_budget),
                            "  loan_request_rate: 0.5\n"));
}

// CHECKs that "second" paid nothing while "first" held money, that "first" ran out, and that
// "second" paid after it.
void check_second_takes_over(const Trace& t, double second_budget) {
  bool first_ran_out = false;
  for (std::size_t s = 0; s < t.balances.size(); ++s) {
    const Fen first = t.balances[s].at("policy first"), second = t.balances[s].at("policy second");
    if (first > 0) CHECK_MESSAGE(second == to_fen(second_budget), "step " << s + 1);
    first_ran_out = first_ran_out || first == 0;
  }
  CHECK(first_ran_out);
  CHECK(t.balances.back().at("policy second") < to_fen(second_budget));
}

}  // namespace

TEST_CASE("stacked interest subsidies: the first with money pays a firm's interest and the second after it") {
  check_second_takes_over(trace_pair("loan_interest_subsidy", "interest_subsidy_share: 0.8", 2e6, 1e8), 1e8);
}

TEST_CASE("stacked super-deductions: the first with money pays the forgone tax and the second after it") {
  check_second_takes_over(trace_pair("super_deduction", "extra_deduction_share: 1.0", 1e7, 1e10), 1e10);
}

TEST_CASE(
    "stacked risk pools: the first with money backs a firm's loans and a pool without money backs none") {
  const std::string extra = "  loan_request_rate: 0.5\n";
  const auto pools = [&](double first_budget, double first_share, double second_budget, double second_share) {
    std::string policies;
    if (first_budget >= 0)
      policies += "    - {type: risk_pool, name: first, agent_kind: sme, budget_yuan: " +
                  std::to_string(first_budget) + ", loss_share: " + std::to_string(first_share) + "}\n";
    policies += "    - {type: risk_pool, name: second, agent_kind: sme, budget_yuan: " +
                std::to_string(second_budget) + ", loss_share: " + std::to_string(second_share) + "}\n";
    return economy_with(policies, extra);
  };
  const auto loans = [](const std::string& yaml) { return run(yaml).sum.at("bank_loans_outstanding"); };
  // A first pool without money backs no one: the second backs every SME, as if alone.
  CHECK(loans(pools(0, 0.9, 1e7, 0.5)) == loans(pools(-1, 0, 1e7, 0.5)));
  // A first pool with money backs every SME: the second (more generous) is passed by and pays nothing.
  const Trace both = trace(pools(1e7, 0.5, 1e7, 0.9));
  CHECK(both.balances.back().at("policy second") == to_fen(1e7));
  CHECK(loans(pools(1e7, 0.5, 1e7, 0.9)) == loans(pools(-1, 0, 1e7, 0.5)));
  CHECK(loans(pools(1e7, 0.5, 1e7, 0.9)) != loans(pools(-1, 0, 1e7, 0.9)));
}

TEST_CASE(
    "stacked first-unit insurance: the first with money insures a cell's first units and the second after "
    "it") {
  // Under the former rule (the last declared instrument of a cell insures) "second" would pay while
  // "first" still held money.
  const auto insurance = [](const std::string& name, double budget) {
    return "    - {type: first_unit_insurance, name: " + name + ", budget_yuan: " + std::to_string(budget) +
           ", premium_subsidy_share: 0.8, claim_complexity: 0.1}\n";
  };
  check_second_takes_over(trace(economy_with(insurance("first", 2e5) + insurance("second", 1e8))), 1e8);
}
