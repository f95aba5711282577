// Per-instrument accounts (models/ecosystem/instrument_accounts.hpp): every payment into or out of a
// policy account is counted, so each instrument's committed, spent and returned money add up to the
// balance of its account, on any thread count; the run summary says which instruments ran out.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <map>

#include "models/ecosystem/instrument_accounts.hpp"
#include "sim/run/thread_limit.hpp"
#include "test_ecosystem_support.hpp"

using namespace ecosystem_test;
using models::ecosystem::Fen;
using models::ecosystem::to_fen;

namespace {

// Busy markets (many pilot and loan requests, expert services in both regions) so that instruments
// find someone to pay.
std::string busy_scenario(const std::string& policies, int smes = 400, int steps = 24) {
  return "model: ecosystem\nseed: 11\nsteps: " + std::to_string(steps) +
         "\necosystem:\n  universities: 10\n  institutes: 8\n  lead_firms: 8\n  smes: " +
         std::to_string(smes) +
         "\n  pilot_request_rate: 1.0\n  pilot_fee_yuan: 20000\n  loan_request_rate: 0.5\n"
         "  regions:\n    north: {weight: 1, pilot_platforms: 1, pilot_slots: 20, expert_services: 2}\n"
         "    south: {weight: 1, pilot_platforms: 1, pilot_slots: 20, expert_services: 2}\n"
         "  policies:\n" +
         policies;
}

// One instrument of every type, each with `budget` and its type's defaults otherwise (repayable
// grants go to SMEs, who repay them: money comes back).
std::string every_type(const std::string& budget) {
  std::string policies;
  for (const auto& type : models::ecosystem::policy_type_names()) {
    const std::string extra = type == "repayable_grant" ? ", agent_kind: sme, grant_yuan: 1e5" : "";
    policies += "    - {type: " + type + ", budget_yuan: " + budget + extra + "}\n";
  }
  return policies;
}

// One instrument's five metrics at one step.
struct Accounts {
  double committed = 0, spent = 0, returned = 0, unspent = 0, beneficiaries = 0;
};

// Every instrument's metrics at the model's current step, by slug.
std::map<std::string, Accounts> instrument_accounts(const models::ecosystem::EcosystemModel& model) {
  const auto infos = model.metrics();
  std::vector<double> values(infos.size());
  model.measure(values);
  std::map<std::string, Accounts> accounts;
  for (std::size_t m = 0; m < infos.size(); ++m) {
    const std::string& name = infos[m].name;
    if (name.rfind("instrument.", 0) != 0) continue;
    const auto dot = name.rfind('.');
    Accounts& a = accounts[name.substr(11, dot - 11)];
    const std::string part = name.substr(dot + 1);
    if (part == "committed") a.committed = values[m];
    if (part == "spent") a.spent = values[m];
    if (part == "returned") a.returned = values[m];
    if (part == "unspent") a.unspent = values[m];
    if (part == "beneficiaries") a.beneficiaries = values[m];
  }
  return accounts;
}

}  // namespace

TEST_CASE("every instrument's accounts add up: spent + unspent - returned = committed at every step") {
  // All instrument types at once, with budgets that run out and budgets that do not: a payment path
  // that bypassed the counting would leave the balance and the flows apart.
  for (const std::string budget : {"3e5", "1e8"}) {
    CAPTURE(budget);
    const sim::Config config = load(busy_scenario(every_type(budget)));
    auto model = create(config);
    const auto types = models::ecosystem::policy_type_names();
    std::map<std::string, Fen> committed, spent, returned;
    Fen spent_by_all = 0, returned_by_all = 0;
    for (std::int64_t step = 1; step <= 24; ++step) {
      model->step(step);
      model->check_invariants(step, "end of step");
      const auto accounts = instrument_accounts(*model);
      REQUIRE(accounts.size() == types.size());
      for (const auto& type : types) {
        const Accounts& a = accounts.at(type);  // unnamed instruments are named after their type
        committed[type] += to_fen(a.committed);
        spent[type] += to_fen(a.spent);
        returned[type] += to_fen(a.returned);
        CHECK_MESSAGE(spent[type] + to_fen(a.unspent) - returned[type] == committed[type],
                      "step " << step << ", " << type);
        CHECK_MESSAGE(to_fen(a.unspent) == policy_balance(*model, type), "step " << step << ", " << type);
        CHECK_MESSAGE(committed[type] == to_fen(std::stod(budget)), "step " << step << ", " << type);
        CHECK((a.beneficiaries > 0) == (a.spent > 0));
        spent_by_all += to_fen(a.spent);
        returned_by_all += to_fen(a.returned);
      }
    }
    CHECK(spent_by_all > 0);
    if (budget == "1e8") CHECK(returned_by_all > 0);  // repayable grants are repaid (from a parallel loop)
  }
}

TEST_CASE("an instrument with budget 0 commits spends and returns nothing") {
  const sim::Config config = load(busy_scenario(every_type("0")));
  auto model = create(config);
  for (std::int64_t step = 1; step <= 12; ++step) {
    model->step(step);
    for (const auto& [slug, a] : instrument_accounts(*model)) {
      CAPTURE(slug);
      CHECK(a.committed == 0);
      CHECK(a.spent == 0);
      CHECK(a.returned == 0);
      CHECK(a.unspent == 0);
      CHECK(a.beneficiaries == 0);
    }
  }
}

TEST_CASE("instrument accounts are the same on 1 and 4 threads when chunks pay into them") {
  // 10,000 SMEs are three chunks of the parallel loops (sim/core/parallel.hpp); the SMEs repay
  // their repayable grants from those loops (produce_and_sell), each chunk adding to `returned`.
  const std::string yaml = busy_scenario(
      "    - {type: repayable_grant, name: loans, budget_yuan: 1e9, grant_yuan: 1e5, agent_kind: sme, "
      "end_step: 2}\n",
      10000, 8);
  auto series = [&](std::size_t threads) {
    sim::ThreadLimit limit(threads);
    auto model = create(load(yaml));
    std::vector<double> values;
    for (std::int64_t step = 1; step <= 8; ++step) {
      model->step(step);
      const Accounts a = instrument_accounts(*model).at("loans");
      values.insert(values.end(), {a.committed, a.spent, a.returned, a.unspent, a.beneficiaries});
    }
    return values;
  };
  const auto one = series(1);
  CHECK(one == series(4));
  double returned = 0;
  for (std::size_t k = 2; k < one.size(); k += 5) returned += one[k];
  CHECK(returned > 0);
}

TEST_CASE("beneficiaries count the distinct accounts an instrument paid in the quarter") {
  models::ecosystem::FixedAccounts accounts;
  accounts.government_budget = 0;
  accounts.first_regional_budget = 1;
  accounts.regions = 1;
  accounts.first_policy_account = 5;
  accounts.policies = 2;
  models::ecosystem::InstrumentAccounts counts;
  counts.begin_step(2);
  counts.count(accounts, 0, 5, 1000);  // committed, national budget
  counts.count(accounts, 1, 6, 500);   // committed, regional budget
  for (const std::int64_t firm : {20, 21, 20, 22, 21, 20}) counts.count(accounts, 5, firm, 10);
  counts.count(accounts, 5, 6, 40);           // one instrument pays another: spent, and returned there
  counts.count_in_chunk(accounts, 30, 6, 7);  // a repayment from a parallel loop
  counts.end_step();
  CHECK(counts.committed(0) == 1000);
  CHECK(counts.spent(0) == 100);
  CHECK(counts.beneficiaries(0) == 4);  // firms 20, 21, 22 and instrument 6
  CHECK(counts.returned(0) == 0);
  CHECK(counts.committed(1) == 500);
  CHECK(counts.returned(1) == 47);
  CHECK(counts.spent(1) == 0);
  CHECK(counts.beneficiaries(1) == 0);
  counts.begin_step(2);
  counts.end_step();
  CHECK(counts.spent(0) == 0);
  CHECK(counts.beneficiaries(0) == 0);
}

TEST_CASE("instrument metric names are slugs of the policy names and repeated slugs get a suffix") {
  const sim::Config config =
      load(busy_scenario("    - {type: risk_pool, name: \"Nansha risk pool\", budget_yuan: 1e6}\n"
                         "    - {type: risk_pool, name: \"nansha -- risk/pool\", budget_yuan: 1e6}\n"
                         "    - {type: pilot_voucher, name: \"试点券\", budget_yuan: 1e6}\n"
                         "    - {type: rd_grant, budget_yuan: 1e6}\n"));
  const auto policies = models::ecosystem::read_parameters(config).policies;
  CHECK(models::ecosystem::instrument_slugs(policies) ==
        std::vector<std::string>{"nansha_risk_pool", "nansha_risk_pool_2", "pilot_voucher", "rd_grant"});
  const auto metrics = models::ecosystem::instrument_metrics(policies);
  REQUIRE(metrics.size() == 4 * models::ecosystem::kMetricsPerInstrument);
  CHECK(metrics[0].name == "instrument.nansha_risk_pool.committed");
  CHECK(metrics[0].unit == "yuan/quarter");
  CHECK(metrics[3].name == "instrument.nansha_risk_pool.unspent");
  CHECK(metrics[3].unit == "yuan");
  CHECK(metrics[4].unit == "count/quarter");
  CHECK(metrics[5].description.rfind("Instrument 'nansha -- risk/pool' (risk_pool): ", 0) == 0);
}

TEST_CASE("the run summary says which instrument ran out and when and which left money unspent") {
  // A small R&D grant budget runs out; a large one does not. The summary reads the replicate-mean
  // series the runner gives it; with one replicate they are the run's own.
  const sim::Config config =
      load(busy_scenario("    - {type: rd_grant, name: small grants, budget_yuan: 3e5, grant_yuan: 1e5}\n"
                         "    - {type: rd_grant, name: large grants, budget_yuan: 1e9, grant_yuan: 1e5}\n",
                         400, 12));
  auto model = create(config);
  const auto infos = model->metrics();
  std::vector<std::vector<double>> series(infos.size());
  std::vector<double> values(infos.size());
  std::int64_t ran_out = 0;
  for (std::int64_t step = 0; step <= 12; ++step) {
    if (step > 0) model->step(step);
    model->measure(values);
    for (std::size_t m = 0; m < infos.size(); ++m) series[m].push_back(values[m]);
    if (step > 0 && ran_out == 0 && policy_balance(*model, "small grants") <= to_fen(3e5 * 0.01))
      ran_out = step;
  }
  REQUIRE(ran_out > 0);
  const double large_left = models::ecosystem::to_yuan(policy_balance(*model, "large grants"));
  const std::string summary = models::ecosystem::definition().describe_findings(infos, series);
  CAPTURE(summary);
  CHECK(
      summary.find("\n  'small grants' (rd_grant): budget 3e+05, spent 3e+05, returned 0, unspent 0; ran out "
                   "at step " +
                   std::to_string(ran_out) + "\n") != std::string::npos);
  CHECK(summary.find(fmt::format("'large grants' (rd_grant): budget 1e+09, spent {:.3g}, returned 0, unspent "
                                 "{:.3g}; left {:.1f}% unspent",
                                 1e9 - large_left, large_left, 100 * large_left / 1e9)) != std::string::npos);
}
