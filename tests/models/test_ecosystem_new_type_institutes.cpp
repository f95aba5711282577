// New-type R&D institutions (new_type_institutes.hpp): institutes of mixed owners whose staff are
// paid by results. Paired tests (common random numbers): the same labs with the rules of ordinary
// institutes (transfer effort, maximum TRL, no contract research) against their own rules.
#include <doctest/doctest.h>

#include "test_ecosystem_support.hpp"

using namespace ecosystem_test;

namespace {

constexpr int kReplicates = 8;

// The tiny economy with two new-type institutes in each region and `extra` under `ecosystem:`.
std::string economy(const std::string& extra) {
  return "model: ecosystem\nseed: 11\nsteps: 24\n"
         "ecosystem:\n  universities: 10\n  institutes: 8\n  lead_firms: 8\n  smes: 400\n" +
         extra +
         "  regions:\n"
         "    north: {weight: 1, pilot_platforms: 1, pilot_slots: 20, new_type_institutes: 2}\n"
         "    south: {weight: 1, pilot_platforms: 1, pilot_slots: 20, new_type_institutes: 2}\n";
}

// The same labs under ordinary institutes' rules (transfer_effort_institute, lab_max_trl, no
// contract research).
const std::string kOrdinaryRules =
    "  transfer_effort_new_type: 4.93\n  new_type_institute_max_trl: 6\n  new_type_contract_yuan: 0\n";

}  // namespace

TEST_CASE("new-type institutes: created per region as flagged institutes, paid contract research") {
  const sim::Config config = load(economy(""));
  auto model = create(config);
  const auto& flags = model->labs().field<std::uint8_t>("new_type");
  const auto& kinds = model->labs().field<std::uint8_t>("kind");
  int new_type = 0;
  for (std::size_t l = 0; l < flags.size(); ++l) {
    if (flags[l] == 0) continue;
    ++new_type;
    CHECK(kinds[l] == models::ecosystem::kInstitute);
  }
  CHECK(new_type == 4);
  double income = 0;
  for (std::int64_t step = 1; step <= 8; ++step) {
    model->step(step);
    income += model->metric("new_type_institute_contract_income");
  }
  CHECK(income > 0);
  const RunSums ordinary = run(economy(kOrdinaryRules));
  CHECK(ordinary.sum.at("new_type_institute_contract_income") == 0);
}

TEST_CASE("new-type institutes: their results advance above lab_max_trl and other labs' do not") {
  const sim::Config config = load(economy(""));
  auto model = create(config);
  for (std::int64_t step = 1; step <= 24; ++step) model->step(step);
  const sim::Population& results = model->results();
  const sim::Population& labs = model->labs();
  const auto& trl = results.field<std::uint8_t>("trl");
  const auto& owner = results.field<std::int64_t>("owner");
  const auto& is_firm = results.field<std::uint8_t>("owner_is_firm");
  const auto& flags = labs.field<std::uint8_t>("new_type");
  int above = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (is_firm[i] || trl[i] <= 6) continue;
    const auto lab = labs.index_of(static_cast<sim::AgentId>(owner[i]));
    REQUIRE(lab.has_value());
    CHECK(flags[*lab] == 1);  // only new-type institutes hold results above TRL 6
    CHECK(trl[i] <= 7);
    ++above;
  }
  CHECK(above > 0);
}

TEST_CASE("paired: new-type institutes' own rules raise their deals") {
  check_paired_effect("new-type institutes own rules vs ordinary institutes' (their deals)",
                      economy(kOrdinaryRules), economy(""), sum_of("new_type_institute_deals"),
                      Direction::increase, kReplicates);
}
