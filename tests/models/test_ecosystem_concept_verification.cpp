// Concept-verification centres (concept_verification.hpp) and their fund: under common random
// numbers (check_paired_effect in the support header) a funded centre raises the results reaching
// TRL 4; a fund with no money is the same as none; twice the money buys more verifications until
// the centres' capacity binds; when the money is spent the centres verify only what fees pay for
// (here nothing: the fee is below the cost); and no centre changes nothing.
#include <doctest/doctest.h>

#include "test_ecosystem_support.hpp"

using namespace ecosystem_test;

namespace {

constexpr int kReplicates = 8;

// The tiny economy with one centre per region (capacity `capacity`), a fee (3,000) below the
// cost (8,000), no owner budget, and one policy (none when empty).
std::string economy(const std::string& policy, std::int64_t capacity = 20, int centres = 1) {
  const std::string n = std::to_string(centres);
  return "model: ecosystem\nseed: 11\nsteps: 24\n"
         "ecosystem:\n  universities: 10\n  institutes: 8\n  lead_firms: 8\n  smes: 400\n"
         "  concept_verification_capacity: " +
         std::to_string(capacity) +
         "\n  regions:\n"
         "    north: {weight: 1, pilot_platforms: 1, pilot_slots: 20, concept_verification_centres: " +
         n +
         "}\n"
         "    south: {weight: 1, pilot_platforms: 1, pilot_slots: 20, concept_verification_centres: " +
         n + "}\n" + (policy.empty() ? "" : "  policies:\n    - " + policy + "\n");
}

// The fund pays the cost less the fee (5,000 yuan) per verification.
std::string fund(double budget) {
  return "{type: concept_verification_fund, name: cv fund, budget_yuan: " + std::to_string(budget) +
         ", subsidy_per_verification_yuan: 5000}";
}
// Enough for about 24 verifications a quarter over 12 quarters: it runs out mid-run.
constexpr double kReference = 1.5e6;

}  // namespace

TEST_CASE("concept verification: centres without money verify nothing") {
  // Centres without money verify nothing: fee 3,000 < cost 8,000 and no owner budget.
  const RunSums r = run(economy(""));
  CHECK(r.sum.at("concept_verification_requests") > 0);
  CHECK(r.sum.at("concept_verifications") == 0);
}

TEST_CASE("paired: a concept-verification fund with no money is no fund") {
  const Metric development = sum_of("results_by_stage_development");
  for (int rep = 0; rep < kReplicates; ++rep) {
    const auto replicate = static_cast<std::uint64_t>(rep);
    const RunSums none = run(economy(""), 11, replicate);
    const RunSums empty = run(economy(fund(0)), 11, replicate);
    CHECK(empty.sum.at("concept_verifications") == 0);
    CHECK(development(empty) == development(none));
    CHECK(empty.sum.at("results_by_stage_commercialization") ==
          none.sum.at("results_by_stage_commercialization"));
  }
}

TEST_CASE("paired: a funded concept-verification centre raises results reaching development") {
  check_paired_effect("concept verification fund vs none (results in development)", economy(""),
                      economy(fund(kReference)), sum_of("results_by_stage_development"), Direction::increase,
                      kReplicates);
  check_paired_effect("concept verification fund vs none (results dropped early)", economy(""),
                      economy(fund(kReference)), sum_of("concept_verification_drops"), Direction::increase,
                      kReplicates);
}

TEST_CASE("paired: twice the concept-verification fund buys more verifications") {
  check_paired_effect("concept verification fund x2 vs x1 (verifications)", economy(fund(kReference)),
                      economy(fund(2 * kReference)), sum_of("concept_verifications"), Direction::increase,
                      kReplicates);
}

TEST_CASE("concept verification: the effect stops when the fund's money does") {
  const sim::Config config = load(economy(fund(kReference)));
  auto model = create(config);
  bool spent = false;
  int quarters_after = 0;
  for (std::int64_t step = 1; step <= 24; ++step) {
    model->step(step);
    model->check_invariants(step, "end of step");
    const double verifications = model->metric("concept_verifications");
    if (spent) {
      CHECK(verifications == 0);
      ++quarters_after;
    }
    // Less than one subsidy left: no verification can be paid from here on.
    spent = spent || model->metric("instrument.cv_fund.unspent") < 5000;
  }
  CHECK(quarters_after > 0);  // the reference budget runs out within the run
}

TEST_CASE("concept verification: the centres' capacity binds") {
  // Ample money: each quarter at most capacity x centres verifications, fewer than the requests.
  const sim::Config config = load(economy(fund(1e9), 5));
  auto model = create(config);
  double requests = 0, verifications = 0;
  int at_capacity = 0;
  for (std::int64_t step = 1; step <= 12; ++step) {
    model->step(step);
    const double served = model->metric("concept_verifications");
    CHECK(served <= 2 * 5);
    at_capacity += served == 2 * 5 ? 1 : 0;
    verifications += served;
    requests += model->metric("concept_verification_requests");
  }
  CHECK(at_capacity > 0);
  CHECK(requests > verifications);
  // More capacity with the same money: more verifications.
  check_paired_effect("concept verification capacity 20 vs 5 (verifications)", economy(fund(1e9), 5),
                      economy(fund(1e9), 20), sum_of("concept_verifications"), Direction::increase,
                      kReplicates);
}
