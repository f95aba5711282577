// Each policy instrument on a small economy: its effect over replicates, with and without it under
// common random numbers (check_paired_effect), the ledger checked to the fen after every step (run()
// in the support header), and the instrument's direct mechanics on one run.
#include <doctest/doctest.h>

#include <cmath>

#include "test_ecosystem_support.hpp"

using namespace ecosystem_test;

namespace {

// Policy effects are checked over replicates (check_paired_effect in the support header): base and
// variant with common random numbers, the 95% interval of the per-replicate difference must
// exclude zero. Test cases named "paired: ..." run many replicates; scripts/test.sh's sanitizer
// runs leave them out (ctest -E 'paired: ').
constexpr int kReplicates = 8;

// The tiny economy `scale` times over with `extra` under `ecosystem:` and one policy.
std::string economy(int scale, const std::string& extra = "") { return scaled_scenario(extra, scale); }
std::string with_policy(const std::string& policy, int scale = 1, const std::string& extra = "") {
  return scaled_scenario(extra + "  policies:\n    - " + policy + "\n", scale);
}

RunSums baseline() { return run(tiny_scenario("")); }
RunSums with(const std::string& policy) { return run(tiny_scenario("  policies:\n    - " + policy + "\n")); }

// The mean over replicates 0..R-1 of a metric of one scenario.
double replicate_mean(const std::string& yaml, const Metric& metric, int replicates = kReplicates) {
  double sum = 0;
  for (int r = 0; r < replicates; ++r) sum += metric(run(yaml, 11, static_cast<std::uint64_t>(r)));
  return sum / replicates;
}

}  // namespace

TEST_CASE("paired: R&D grants raise R&D spending") {
  check_paired_effect("rd_grant raises rd_spending_total", economy(1),
                      with_policy("{type: rd_grant, budget_yuan: 5e7, grant_yuan: 1e5, evaluation: paper}"),
                      sum_of("rd_spending_total"), Direction::increase, kReplicates);
}

TEST_CASE("paired: milestone evaluation of R&D grants raises transfers over paper evaluation") {
  // The evaluation comes with the grant's money: a budget that pays the 36 labs' grants for the 24
  // quarters (8.64e7 yuan), so milestone evaluation acts throughout.
  check_paired_effect(
      "rd_grant milestone over paper raises licences",
      with_policy("{type: rd_grant, budget_yuan: 1e8, grant_yuan: 1e5, evaluation: paper}", 2),
      with_policy("{type: rd_grant, budget_yuan: 1e8, grant_yuan: 1e5, evaluation: milestone, "
                  "milestone_multiplier: 2}",
                  2),
      sum_of("licences"), Direction::increase, kReplicates);
}

TEST_CASE("paired: challenge projects pay prizes") {
  // Prizes are paid only for results that succeed: the spending is the instrument's behaviour.
  check_paired_effect("challenge_project raises government_spending", economy(1),
                      with_policy("{type: challenge_project, budget_yuan: 1e7, prize_yuan: 2e5}"),
                      sum_of("government_spending"), Direction::increase, kReplicates);
  check_paired_effect(
      "cross-region challenge_project raises government_spending", economy(1),
      with_policy("{type: challenge_project, budget_yuan: 1e7, prize_yuan: 2e5, is_cross_region: true}"),
      sum_of("government_spending"), Direction::increase, kReplicates);
}

TEST_CASE(
    "paired: challenge contracts paid at milestones spend less than prizes and leave the rest unspent") {
  // 揭榜挂帅 with milestones: 30% of each contract at award, the rest in equal parts as the winning
  // result reaches TRL 6 and 7; results that die before forfeit their rest, which stays in the account.
  const std::string challenge =
      "{type: challenge_project, name: challenges, budget_yuan: 1e7, prize_yuan: 2e5";
  const std::string prizes = with_policy(challenge + "}");
  const std::string milestones = with_policy(challenge + ", award_share: 0.3, target_trl: 7}");
  check_paired_effect("milestone contracts vs prizes: the instrument's spending", prizes, milestones,
                      sum_of("instrument.challenges.spent"), Direction::decrease, kReplicates);
  check_paired_effect("milestone contracts vs prizes: money left in the instrument's account", prizes,
                      milestones, last_of("instrument.challenges.unspent"), Direction::increase, kReplicates);
  // Nothing at award: every yuan spent was paid for a milestone reached.
  const RunSums only_milestones = run(with_policy(challenge + ", award_share: 0, target_trl: 7}"));
  CHECK(only_milestones.sum.at("instrument.challenges.spent") > 0);
  CHECK(only_milestones.sum.at("instrument.challenges.spent") <
        run(prizes).sum.at("instrument.challenges.spent"));
  // No money, no contract and no payment.
  CHECK(run(with_policy("{type: challenge_project, name: challenges, budget_yuan: 0, prize_yuan: 2e5, "
                        "award_share: 0.3}"))
            .sum.at("instrument.challenges.spent") == 0);
}

TEST_CASE("a cross-region challenge project needs two regions") {
  // A single-region scenario cannot field a cross-region team: no prize is paid.
  const std::string one_region =
      "model: ecosystem\nseed: 11\nsteps: 12\necosystem:\n  universities: 6\n  institutes: 4\n  lead_firms: "
      "4\n"
      "  smes: 100\n";
  const RunSums alone = run(one_region);
  const RunSums alone_cross = run(one_region +
                                  "  policies:\n    - {type: challenge_project, budget_yuan: 1e7, "
                                  "prize_yuan: 2e5, is_cross_region: true}\n");
  CHECK(alone_cross.sum.at("government_spending") == doctest::Approx(alone.sum.at("government_spending")));
}

TEST_CASE("consortia form around lead firms") {
  const RunSums base = baseline();
  const RunSums consortia =
      with("{type: consortium, budget_yuan: 2e7, lead_firm_grant_yuan: 1e5, members: 8}");
  CHECK(base.last.at("consortia_count") == 0);
  CHECK(consortia.last.at("consortia_count") > 0);
}

TEST_CASE("paired: consortia raise transfers of members' results") {
  check_paired_effect(
      "consortium raises licences", economy(2),
      with_policy("{type: consortium, budget_yuan: 2e7, lead_firm_grant_yuan: 1e5, members: 8}", 2),
      sum_of("licences"), Direction::increase, kReplicates);
}

TEST_CASE("first-of-a-kind insurance is taken up only where it is offered") {
  // (Take-up as buyers' choice, by subsidy and claim complexity: test_ecosystem_dose_response.cpp.)
  CHECK(
      with(
          "{type: first_unit_insurance, budget_yuan: 1e7, premium_subsidy_share: 0.5, claim_complexity: 0.1}")
          .sum.at("first_unit_insurance_takeup") > 0);
  CHECK(baseline().sum.at("first_unit_insurance_takeup") == 0);
}

TEST_CASE("paired: procurement raises firm revenue") {
  check_paired_effect("procurement raises firm_revenue_total", economy(1),
                      with_policy("{type: procurement, budget_yuan: 5e7, purchases_yuan: 1e6}"),
                      sum_of("firm_revenue_total"), Direction::increase, kReplicates);
}

TEST_CASE("paired: loan interest subsidies raise bank lending to SMEs") {
  check_paired_effect(
      "loan_interest_subsidy raises bank_loans_outstanding", economy(1),
      with_policy(
          "{type: loan_interest_subsidy, budget_yuan: 1e7, interest_subsidy_share: 0.8, agent_kind: sme}"),
      sum_of("bank_loans_outstanding"), Direction::increase, kReplicates);
}

// The grant is earmarked for the R&D of the quarter it is paid: R&D rises by about what it pays
// (4e7 yuan; +4.04e7 to +4.30e7 on seeds 11-20, INNOSIM_TEST_SEEDS=10). As general-purpose cash it
// held on 9 of 10 seeds. Whether the money comes back: test_ecosystem_budgets.cpp.
TEST_CASE("paired: repayable grants raise R&D spending") {
  check_paired_effect(
      "repayable_grant raises rd_spending_total", economy(2),
      with_policy("{type: repayable_grant, budget_yuan: 4e7, grant_yuan: 2e5, agent_kind: sme}", 2),
      sum_of("rd_spending_total"), Direction::increase, 16);
}

TEST_CASE("grant-to-equity converts grants to public equity when projects succeed") {
  const RunSums base = baseline();
  const RunSums equity = with("{type: grant_to_equity, budget_yuan: 2e7, grant_yuan: 2e5, agent_kind: sme}");
  CHECK(base.last.at("government_equity") == 0);
  CHECK(equity.last.at("government_equity") > 0);
}

TEST_CASE("paired: a guidance fund raises venture investment in SMEs") {
  // (guidance_fund_leverage equals the leverage input by construction; not tested.)
  check_paired_effect("guidance_fund raises vc_invested", economy(1),
                      with_policy("{type: guidance_fund, budget_yuan: 1e8, leverage: 4}"),
                      sum_of("vc_invested"), Direction::increase, kReplicates);
}

TEST_CASE("paired: a risk-compensation pool raises bank lending to SMEs") {
  check_paired_effect("risk_pool raises bank_loans_outstanding", economy(1),
                      with_policy("{type: risk_pool, budget_yuan: 2e7, loss_share: 0.6}"),
                      sum_of("bank_loans_outstanding"), Direction::increase, kReplicates);
}

TEST_CASE("paired: R&D super-deduction raises firms' R&D spending") {
  check_paired_effect("super_deduction raises rd_spending_total", economy(1),
                      with_policy("{type: super_deduction, budget_yuan: 1e9, extra_deduction_share: 1.0}"),
                      sum_of("rd_spending_total"), Direction::increase, kReplicates);
}

TEST_CASE("paired: IP ownership reform raises licensing of lab results") {
  check_paired_effect("ip_reform raises licences", economy(1),
                      with_policy("{type: ip_reform, transfer_multiplier: 3}"), sum_of("licences"),
                      Direction::increase, kReplicates);
}

// The effect is heavy-tailed: with 16 replicates it held on 8 of 10 seeds (11-20; not 13, 15;
// scripts/test_multiseed.sh) on 2026-12-02 and on 10 of 10 on 2026-12-03 (branch dose-services),
// with 8 replicates on 1 of 5.
TEST_CASE("paired: pilot capacity subsidies verify more results where platforms are crowded") {
  // Many users want pilots, more than two platforms of 20 slots can serve (cheap applied results:
  // many reach TRL 5-6).
  const std::string crowded =
      "  pilot_request_rate: 1.0\n  pilot_fee_yuan: 1000\n  result_cost_applied_yuan: 30000\n";
  CHECK(replicate_mean(economy(1, crowded), last_of("pilot_utilization")) > 0.75);
  check_paired_effect(
      "pilot_capacity raises pilot_verifications", economy(1, crowded),
      with_policy("{type: pilot_capacity, budget_yuan: 1e8, added_slots: 40, slot_cost_yuan: 1000}", 1,
                  crowded),
      sum_of("pilot_verifications"), Direction::increase, 16);
}

TEST_CASE("paired: pilot vouchers bring users to an expensive and under-used platform") {
  const std::string expensive = "  pilot_fee_yuan: 200000\n";
  const std::string vouchers =
      with_policy("{type: pilot_voucher, budget_yuan: 1e8, subsidy_share: 0.8}", 1, expensive);
  check_paired_effect("pilot_voucher raises pilot_verifications", economy(1, expensive), vouchers,
                      sum_of("pilot_verifications"), Direction::increase, kReplicates);
  check_paired_effect("pilot_voucher raises pilot_utilization", economy(1, expensive), vouchers,
                      sum_of("pilot_utilization"), Direction::increase, kReplicates);
}

TEST_CASE("paired: operator incentives raise use of pilot platforms") {
  const std::string expensive = "  pilot_fee_yuan: 200000\n";
  check_paired_effect(
      "pilot_operator_incentive raises pilot_verifications", economy(1, expensive),
      with_policy("{type: pilot_operator_incentive, budget_yuan: 1e7, payment_per_pilot_yuan: 5000, "
                  "outreach_multiplier: 3}",
                  1, expensive),
      sum_of("pilot_verifications"), Direction::increase, kReplicates);
}

TEST_CASE("paired: matching services raise licensing of lab results") {
  check_paired_effect(
      "matching_service raises licences", economy(1),
      with_policy("{type: matching_service, budget_yuan: 1e7, payment_per_service_yuan: 10000, "
                  "match_multiplier: 3, region: north}"),
      sum_of("licences"), Direction::increase, kReplicates);
}

TEST_CASE("paired: a policy acts only between its start and end steps") {
  const std::string late = with_policy(
      "{type: super_deduction, budget_yuan: 1e9, extra_deduction_share: 1.0, start_step: 24, "
      "end_step: 24}");
  const std::string early = with_policy(
      "{type: super_deduction, budget_yuan: 1e9, extra_deduction_share: 1.0, start_step: 1, end_step: 24}");
  check_paired_effect("super_deduction in the last step raises rd_spending_total", economy(1), late,
                      sum_of("rd_spending_total"), Direction::increase, kReplicates);
  check_paired_effect("super_deduction over all steps raises rd_spending_total over the last step only", late,
                      early, sum_of("rd_spending_total"), Direction::increase, kReplicates);
}

TEST_CASE("a regional instrument is paid by its region's government, a national one by the national budget") {
  const sim::Config config = load(
      tiny_scenario("  policies:\n    - {type: risk_pool, region: south, budget_yuan: 3e6, loss_share: 0.5}\n"
                    "    - {type: super_deduction, budget_yuan: 1e8, extra_deduction_share: 0.5}\n"));
  auto model = create(config);
  model->step(1);
  model->check_invariants(1, "end of step");
  const sim::Ledger& ledger = model->ledger();
  std::map<std::string, models::ecosystem::Fen> balance;
  for (sim::AccountId a = 0; a < ledger.account_count(); ++a)
    balance[ledger.account(a).owner] = ledger.balance(a);
  CHECK(balance.at("government budget of south (source)") == -models::ecosystem::to_fen(3e6));
  CHECK(balance.at("government budget of north (source)") == 0);
  CHECK(balance.at("policy risk_pool") == models::ecosystem::to_fen(3e6));
  // The super-deduction's tax expenditure of the first quarter came out of its budget.
  CHECK(balance.at("policy super_deduction") < models::ecosystem::to_fen(1e8));
  CHECK(balance.at("policy super_deduction") > 0);
  CHECK(balance.at("national government budget (source)") < -models::ecosystem::to_fen(1e8));
}

TEST_CASE("paired: pilot platforms owned by lead firms reach more users than public ones") {
  const std::string expensive = "  pilot_fee_yuan: 200000\n";
  auto scenario = [&](const std::string& owner) {
    return "model: ecosystem\nseed: 11\nsteps: 24\necosystem:\n  universities: 10\n  institutes: 8\n  "
           "lead_firms: 8\n"
           "  smes: 400\n" +
           expensive + "  regions:\n    north: {pilot_platforms: 2, pilot_slots: 50, pilot_owner: " + owner +
           "}\n";
  };
  check_paired_effect("lead-firm platforms over public ones raise pilot_verifications",
                      scenario("government"), scenario("lead_firm"), sum_of("pilot_verifications"),
                      Direction::increase, kReplicates);
}

TEST_CASE("a consortium's shared R&D money goes only to its lead firm, not to firms with other grants") {
  const sim::Config config =
      load(tiny_scenario("  policies:\n    - {type: consortium, max_consortia: 1, members: 4, budget_yuan: "
                         "1e7, lead_firm_grant_yuan: 1e5}\n"
                         "    - {type: rd_grant, agent_kind: sme, budget_yuan: 1e8, grant_yuan: 1e4}\n"));
  auto model = create(config);
  for (std::int64_t step = 1; step <= 4; ++step) {
    model->step(step);
    model->check_invariants(step, "end of step");
  }
  CHECK(policy_balance(*model, "consortium") == models::ecosystem::to_fen(1e7 - 4 * 1e5));
}

namespace {

// The tiny economy's three fields with new_materials rare (weight 0.02: its lead firms are almost
// never drawn) and `lead_firms` of its own in each region, and `policies` under `ecosystem:`.
std::string rare_field_economy(int own_lead_firms, const std::string& policies = "") {
  return tiny_scenario(
      "  fields:\n    clean_energy: {pattern: supply_led}\n"
      "    ai: {pattern: demand_iteration}\n"
      "    new_materials: {pattern: demand_pull, weight: 0.02, lead_firms: " +
      std::to_string(own_lead_firms) + "}\n" + policies);
}

const std::string kRareFieldConsortium =
    "  policies:\n    - {type: consortium, field: new_materials, max_consortia: 1, members: 6, "
    "budget_yuan: 1e8, lead_firm_grant_yuan: 1e5}\n";

}  // namespace

TEST_CASE("a field's own lead firms are placed in every region besides the drawn ones") {
  auto model = create(load(rare_field_economy(2)));
  const auto& kind = model->firms().field<std::uint8_t>("kind");
  const auto& field = model->firms().field<std::int32_t>("field");
  const auto& region = model->firms().field<std::int32_t>("region");
  int lead_firms = 0;
  int own[2] = {0, 0};  // new_materials (field 2) lead firms in north and south
  for (std::size_t i = 0; i < kind.size(); ++i) {
    if (kind[i] != models::ecosystem::kLeadFirm) continue;
    ++lead_firms;
    if (field[i] == 2) ++own[region[i]];
  }
  CHECK(lead_firms == 8 + 2 * 2);  // the 8 drawn by weight and 2 of new_materials per region
  CHECK(own[0] >= 2);
  CHECK(own[1] >= 2);
  // None of its own: the set-up draws as before, so the run is the same to the last metric.
  const RunSums without = run(rare_field_economy(0));
  const RunSums unset =
      run(tiny_scenario("  fields:\n    clean_energy: {pattern: supply_led}\n"
                        "    ai: {pattern: demand_iteration}\n"
                        "    new_materials: {pattern: demand_pull, weight: 0.02}\n"));
  CHECK(without.sum == unset.sum);
}

TEST_CASE("paired: a field-targeted consortium forms in a rare field only when the field has a lead firm") {
  // Seed 000's four consortia, one per domain: the consortium forms around a lead firm of its field
  // (members from the field's labs and SMEs); a field too small to have drawn one gets none.
  check_paired_effect("a rare field's own lead firm lets its consortium form",
                      rare_field_economy(0, kRareFieldConsortium),
                      rare_field_economy(1, kRareFieldConsortium), sum_of("consortium_core_members"),
                      Direction::increase, kReplicates);
  CHECK(run(rare_field_economy(0, kRareFieldConsortium)).sum.at("consortia_count") == 0);
  CHECK(run(rare_field_economy(1, kRareFieldConsortium)).last.at("consortia_count") == 1);
}

namespace {

// The tiny economy with expert services in both regions; `extra` is appended under `ecosystem:`.
std::string with_expert_services(const std::string& extra) {
  return "model: ecosystem\nseed: 11\nsteps: 24\necosystem:\n  universities: 10\n  institutes: 8\n"
         "  lead_firms: 8\n  smes: 400\n  expert_request_rate: 0\n"
         "  regions:\n    north: {weight: 1, pilot_platforms: 1, pilot_slots: 20, expert_services: 2}\n"
         "    south: {weight: 1, pilot_platforms: 1, pilot_slots: 20, expert_services: 2}\n" +
         extra;
}

}  // namespace

TEST_CASE("overlapping interest subsidies: the instrument whose share a firm gets is the one that pays it") {
  // Both target every SME; stacking (docs/MODEL.md): the first in declaration order that still
  // holds money sets the share (0.2) and pays it; the later one keeps its budget while the earlier
  // lasts (it does, for the 24 quarters).
  const sim::Config config = load(
      tiny_scenario("  loan_request_rate: 0.5\n  policies:\n"
                    "    - {type: loan_interest_subsidy, name: earlier, agent_kind: sme, budget_yuan: 1e7, "
                    "interest_subsidy_share: 0.2}\n"
                    "    - {type: loan_interest_subsidy, name: later, agent_kind: sme, budget_yuan: 1e7, "
                    "interest_subsidy_share: 0.9}\n"));
  auto model = create(config);
  for (std::int64_t step = 1; step <= 24; ++step) {
    model->step(step);
    model->check_invariants(step, "end of step");
  }
  CHECK(policy_balance(*model, "earlier") < models::ecosystem::to_fen(1e7));
  CHECK(policy_balance(*model, "earlier") > 0);
  CHECK(policy_balance(*model, "later") == models::ecosystem::to_fen(1e7));
}

TEST_CASE("paired: expert services paid by a matching service move more of SMEs' results into production") {
  const RunSums base = run(with_expert_services(""));
  const RunSums experts =
      run(with_expert_services("  policies:\n    - {type: matching_service, agent_kind: sme, budget_yuan: "
                               "1e7, payment_per_service_yuan: 10000}\n"));
  CHECK(base.sum.at("expert_service_firms_served") == 0);
  CHECK(experts.sum.at("expert_service_firms_served") > 0);
  // A budget that lasts the run: once an instrument's money is spent the SMEs no longer ask for
  // experts on its account and the effect fades (1e7 runs out at step 15 of 24).
  check_paired_effect(
      "expert services raise results_applied_share", with_expert_services(""),
      with_expert_services("  policies:\n    - {type: matching_service, agent_kind: sme, budget_yuan: "
                           "1e8, payment_per_service_yuan: 10000}\n"),
      last_of("results_applied_share"), Direction::increase, kReplicates);
  // Without expert-service agents the instrument has no one to pay: nobody is served.
  CHECK(with("{type: matching_service, agent_kind: sme, budget_yuan: 1e7, payment_per_service_yuan: 10000}")
            .sum.at("expert_service_firms_served") == 0);
}

TEST_CASE("expert services serve at most their capacity of SMEs per quarter") {
  const std::string policy =
      "  policies:\n    - {type: matching_service, agent_kind: sme, budget_yuan: 1e8, "
      "payment_per_service_yuan: 10000}\n";
  const RunSums one_each = run(with_expert_services("  expert_service_capacity: 1\n" + policy));
  // Two regions with two services of one firm each: at most four firms a quarter.
  CHECK(one_each.sum.at("expert_service_firms_served") <= 4 * 24);
  CHECK(one_each.sum.at("expert_service_firms_served") > 3 * 24);
  CHECK(run(with_expert_services(policy)).sum.at("expert_service_firms_served") >
        one_each.sum.at("expert_service_firms_served"));
}

TEST_CASE("paired: incubators add SME births up to their capacity") {
  auto scenario = [](int incubators, const std::string& extra) {
    return "model: ecosystem\nseed: 11\nsteps: 24\necosystem:\n  universities: 10\n  institutes: 8\n  "
           "lead_firms: 8\n  smes: 400\n" +
           extra + "  regions:\n    north: {incubators: " + std::to_string(incubators) + "}\n";
  };
  const RunSums none = run(scenario(0, ""));
  const RunSums twenty = run(scenario(20, ""));
  check_paired_effect("incubators raise sme_births", scenario(0, ""), scenario(20, ""), sum_of("sme_births"),
                      Direction::increase, kReplicates);
  CHECK(twenty.sum.at("incubator_births") > 0);
  // Busy incubators (2 candidates a quarter each) saturate at one firm a quarter.
  const RunSums saturated = run(scenario(20, "  incubator_births_per_quarter: 2\n  incubator_capacity: 1\n"));
  CHECK(saturated.sum.at("incubator_births") <= 20 * 24);
  CHECK(saturated.sum.at("incubator_births") > 0.7 * 20 * 24);
  CHECK(run(scenario(0, "  incubator_births_per_quarter: 2\n")).sum.at("incubator_births") == 0);
}

TEST_CASE("transfer offices close lab deals up to their capacity, and a saturated office lets matches wait") {
  // One region with one office and eager labs (match_rate 0.1): many matches a quarter.
  auto scenario = [](const std::string& extra) {
    return "model: ecosystem\nseed: 11\nsteps: 24\necosystem:\n  universities: 10\n  institutes: 8\n"
           "  lead_firms: 8\n  smes: 400\n  match_rate: 0.1\n" +
           extra + "  regions:\n    north: {transfer_offices: 1}\n";
  };
  const RunSums open = run(scenario(""));
  const RunSums saturated = run(scenario("  transfer_office_capacity: 1\n"));
  CHECK(open.sum.at("brokered_deals") == open.sum.at("licences"));
  CHECK(open.sum.at("licences") > 24);
  CHECK(saturated.sum.at("licences") <= 24);
  CHECK(saturated.last.at("transfer_office_utilization") == 1.0);
  CHECK(saturated.sum.at("transfer_office_utilization") > open.sum.at("transfer_office_utilization"));
  // A matching service adds deal capacity (and pays the office per deal).
  const RunSums screening =
      run(scenario("  transfer_office_capacity: 1\n"
                   "  policies:\n    - {type: matching_service, budget_yuan: 1e7, payment_per_service_yuan: "
                   "1000, added_deal_capacity: 5}\n"));
  CHECK(screening.sum.at("licences") > saturated.sum.at("licences"));
}

TEST_CASE("paired: labs in a region without transfer offices match less") {
  const std::string no_offices =
      "model: ecosystem\nseed: 11\nsteps: 24\necosystem:\n  universities: 10\n  institutes: 8\n"
      "  lead_firms: 8\n  smes: 400\n  regions:\n    north: {transfer_offices: 0}\n";
  const std::string offices =
      "model: ecosystem\nseed: 11\nsteps: 24\necosystem:\n  universities: 10\n  institutes: 8\n"
      "  lead_firms: 8\n  smes: 400\n  regions:\n    north: {transfer_offices: 2}\n";
  const RunSums direct = run(no_offices);
  CHECK(direct.sum.at("brokered_deals") == 0);
  check_paired_effect("transfer offices raise licences", no_offices, offices, sum_of("licences"),
                      Direction::increase, kReplicates);
}

TEST_CASE(
    "paired: industry professors move researchers to firms paid per researcher and raise lab transfers") {
  const RunSums base = baseline();
  const RunSums professors =
      with("{type: industry_professor, budget_yuan: 1e7, stipend_yuan: 20000, mobility_multiplier: 20}");
  CHECK(professors.sum.at("researchers_moved") > 5 * base.sum.at("researchers_moved"));
  check_paired_effect(
      "industry_professor raises licences", economy(1),
      with_policy(
          "{type: industry_professor, budget_yuan: 1e7, stipend_yuan: 20000, mobility_multiplier: 20}"),
      sum_of("licences"), Direction::increase, kReplicates);
  // The instrument pays 20,000 yuan per researcher moved, to the fen.
  const sim::Config config =
      load(tiny_scenario("  policies:\n    - {type: industry_professor, name: professors, budget_yuan: 1e7, "
                         "stipend_yuan: 20000, mobility_multiplier: 20}\n"));
  auto model = create(config);
  double moved = 0;
  for (std::int64_t step = 1; step <= 24; ++step) {
    model->step(step);
    model->check_invariants(step, "end of step");
    moved += model->metric("researchers_moved");
  }
  CHECK(moved == professors.sum.at("researchers_moved"));
  CHECK(policy_balance(*model, "professors") ==
        models::ecosystem::to_fen(1e7) -
            static_cast<models::ecosystem::Fen>(moved) * models::ecosystem::to_fen(20000));
  CHECK(run(tiny_scenario("  researcher_mobility_rate: 0\n")).sum.at("researchers_moved") == 0);
}

TEST_CASE("paired: ex-post rewards pay firms only for results that reach the stage and firms develop ahead") {
  const RunSums base = baseline(),
                rewards = with("{type: ex_post_reward, budget_yuan: 1e8, reward_yuan: 50000}");
  CHECK(base.sum.at("ex_post_rewards_paid") == 0);
  CHECK(rewards.sum.at("ex_post_rewards_paid") > 0);
  // Paid per result: a whole number of rewards.
  const double rewarded = rewards.sum.at("ex_post_rewards_paid") / 50000.0;
  CHECK(rewarded == doctest::Approx(std::round(rewarded)));
  // Anticipation: firms spend more on developing results one stage short of industrialization.
  const std::string reward_policy =
      with_policy("{type: ex_post_reward, budget_yuan: 1e8, reward_yuan: 50000}");
  check_paired_effect("ex_post_reward raises rd_spending_total", economy(1), reward_policy,
                      sum_of("rd_spending_total"), Direction::increase, kReplicates);
  // The instrument's account holds its budget less what it paid, to the fen.
  const sim::Config config = load(tiny_scenario(
      "  policies:\n    - {type: ex_post_reward, name: reward, budget_yuan: 1e8, reward_yuan: 50000}\n"));
  auto model = create(config);
  double paid = 0;
  for (std::int64_t step = 1; step <= 24; ++step) {
    model->step(step);
    model->check_invariants(step, "end of step");
    paid += model->metric("ex_post_rewards_paid");
  }
  CHECK(policy_balance(*model, "reward") == models::ecosystem::to_fen(1e8) - models::ecosystem::to_fen(paid));
}

// Most rewarded results would have reached industrialization anyway (docs/MODEL.md section 6: a
// windfall where development is already funded), so the share moves little: with the calibrated
// defaults of ecosystem 2.1 the paired mean is +0.002 with an interval that includes 0 (16
// replicates, seed 11); INNOSIM_TEST_SEEDS=10 held on 3 of 10 seeds (branch dose-services). Kept as
// a report, not a gate (issue 22): the decision the reward's money changes, development spent ahead,
// is the gate (the test above and test_ecosystem_dose_response_services.cpp, 10 of 10 seeds).
TEST_CASE("paired: ex-post rewards raise the share of applied results that form industries" *
          doctest::may_fail()) {
  check_paired_effect("ex_post_reward raises applied_industrialized_share", economy(1),
                      with_policy("{type: ex_post_reward, budget_yuan: 1e8, reward_yuan: 200000}"),
                      last_of("applied_industrialized_share"), Direction::increase, 2 * kReplicates);
}

TEST_CASE("thematic bonds finance firms with results at TRL 7-8 and are repaid or default") {
  const RunSums base = baseline();
  const RunSums bonds =
      with("{type: thematic_bond, budget_yuan: 1e7, principal_yuan: 2e6, coupon_share: 0.5, end_step: 12}");
  CHECK(base.sum.at("thematic_bonds_issued") == 0);
  CHECK(bonds.sum.at("thematic_bonds_issued") > 0);
  CHECK(bonds.sum.at("thematic_bonds_outstanding") > 0);
  // Bonds issued up to step 12 with a 12-quarter term are repaid or defaulted by step 24.
  CHECK(bonds.last.at("thematic_bonds_outstanding") == 0);
}

// What the bond buys: firms with results at TRL 7-8 spend the proceeds on the development their own
// budget leaves unfunded (16 replicates held on 10 of 10 seeds, INNOSIM_TEST_SEEDS=10; 8 on 9).
TEST_CASE("paired: thematic bonds raise firms' development spending") {
  check_paired_effect(
      "thematic_bond raises rd_spending_total", economy(1),
      with_policy(
          "{type: thematic_bond, budget_yuan: 1e7, principal_yuan: 2e6, coupon_share: 0.5, end_step: 12}"),
      sum_of("rd_spending_total"), Direction::increase, 2 * kReplicates);
}

// May fail, kept as a report: the extra development does not show in the last quarter's
// industrialised results (held on 1 of 10 seeds, INNOSIM_TEST_SEEDS=10, branch dose-services; on 2
// and 4 times the economy the interval includes zero too): most firms' own development budget
// already covers their needs, so a bond buys little development that would not have happened.
TEST_CASE("paired: thematic bonds raise industrialization" * doctest::may_fail()) {
  check_paired_effect(
      "thematic_bond raises results_by_stage_industrialization", economy(1),
      with_policy(
          "{type: thematic_bond, budget_yuan: 1e7, principal_yuan: 2e6, coupon_share: 0.5, end_step: 12}"),
      last_of("results_by_stage_industrialization"), Direction::increase, kReplicates);
}

TEST_CASE("pilot platforms serve their own field, so the platform of a field with little demand sits idle") {
  // One region, one platform per field, many users; the third field has almost no agents.
  const std::string scenario =
      "model: ecosystem\nseed: 11\nsteps: 24\necosystem:\n  universities: 10\n  institutes: 8\n"
      "  lead_firms: 8\n  smes: 400\n  pilot_request_rate: 1.0\n  pilot_fee_yuan: 1000\n"
      "  fields:\n    energy: {pattern: supply_led}\n    materials: {pattern: demand_pull}\n"
      "    ai: {pattern: demand_iteration, weight: 0.02}\n"
      "  regions:\n    north: {pilot_platforms: 3, pilot_slots: 10}\n";
  const RunSums fields = run(scenario);
  CHECK(fields.last.at("pilot_platforms_underused") == doctest::Approx(1.0 / 3.0));
  CHECK(fields.last.at("pilot_utilization") < 0.8);
}

TEST_CASE(
    "every instrument type has its own block whose keys shadow no common key and whose renames name its "
    "keys") {
  using models::ecosystem::instrument_blocks;
  const auto& types = models::ecosystem::policy_type_names();
  REQUIRE(instrument_blocks().size() == types.size());
  const sim::ObjectSpec& policy = *schema().model_section("ecosystem")->find("policies")->element;
  REQUIRE(policy.variants().size() == types.size());
  for (std::size_t i = 0; i < types.size(); ++i) {
    const sim::ObjectSpec* keys = policy.find_variant(types[i]);
    REQUIRE(keys != nullptr);
    for (const auto& field : keys->fields()) CHECK_MESSAGE(policy.find(field.name) == nullptr, field.name);
    for (const auto& [old_key, new_key] : instrument_blocks()[i].renamed) {
      CHECK_MESSAGE(keys->find(new_key) != nullptr, types[i], ": ", new_key);
      CHECK_MESSAGE(keys->find(old_key) == nullptr, types[i], ": ", old_key);
    }
  }
}

TEST_CASE("an instrument's keys are read into its own block, with that type's defaults") {
  const auto p = models::ecosystem::read_parameters(
      load(tiny_scenario("  policies:\n    - {type: risk_pool, loss_share: 0.4}\n"
                         "    - {type: consortium, name: c, lead_firm_grant_yuan: 5e4}\n"
                         "    - {type: rd_grant, evaluation: paper}\n")));
  REQUIRE(p.policies.size() == 3);
  CHECK(p.policies[0].risk_pool.loss_share == 0.4);
  CHECK(p.policies[0].name == "risk_pool");
  CHECK(p.policies[0].end_step == 24);
  CHECK(p.policies[1].consortium.lead_firm_grant_yuan == 5e4);
  CHECK(p.policies[1].consortium.members == 6);
  CHECK(p.policies[1].consortium.max_consortia == 0);
  CHECK(p.policies[1].risk_pool.loss_share == 0.0);
  CHECK(p.policies[2].rd_grant.evaluation == "paper");
  CHECK(p.policies[2].rd_grant.milestone_multiplier == 1.0);
}

TEST_CASE("a policy in the old form with shared keys is refused, naming the key of its type") {
  CHECK_THROWS_WITH_AS(load(tiny_scenario("  policies:\n    - {type: pilot_voucher, rate: 0.5}\n")),
                       "test.yaml:13:29: 'rate' in 'ecosystem.policies[0]' was renamed; for a pilot_voucher "
                       "use 'subsidy_share'",
                       sim::InputError);
}
