// Demand-pull research (issue 16 item 3): firms' posted needs pull labs into their field and their
// results into the posting firms (paired, common random numbers); with no posting money nothing
// changes; demand-pull fields follow posted demand more than supply-led ones.
#include <doctest/doctest.h>

#include <functional>
#include <sstream>
#include <utility>

#include "sim/run/thread_limit.hpp"
#include "test_ecosystem_support.hpp"

using namespace ecosystem_test;

namespace {

constexpr int kNewMaterials = 2;  // default fields: clean_energy (0), ai (1), new_materials (2)

// Firms of `field` post needs with `share` of their spare cash; labs reconsider their field at
// `rate` per quarter.
std::string demand_pull_block(const std::string& field, double share, double rate,
                              const std::string& extra = "") {
  return "  demand_pull:\n    topic_revision_rate: " + std::to_string(rate) + "\n" + extra +
         "    posting:\n      - {field: " + field + ", share: " + std::to_string(share) + "}\n";
}

// A quantity read from the model's state at the end of a run.
using EndState = std::function<double(const models::ecosystem::EcosystemModel&)>;

double run_to_end(const std::string& yaml, std::uint64_t seed, std::uint64_t replicate,
                  const EndState& read) {
  const sim::Config config = load(yaml);
  auto model = create(config, seed, replicate);
  for (std::int64_t step = 1; step <= config.integer("steps"); ++step) model->step(step);
  return read(*model);
}

// Labs working in `field` at the end.
EndState labs_in(int field) {
  return [field](const models::ecosystem::EcosystemModel& model) {
    double count = 0;
    for (const auto f : model.labs().field<std::int32_t>("field")) count += f == field ? 1 : 0;
    return count;
  };
}

// Live results of `field` that came from labs (origin university or institute) at the end.
EndState lab_results_in(int field) {
  return [field](const models::ecosystem::EcosystemModel& model) {
    const auto& results = model.results();
    const auto& result_field = results.field<std::int16_t>("field");
    const auto& origin = results.field<std::uint8_t>("origin");
    double count = 0;
    for (std::size_t i = 0; i < results.size(); ++i)
      count += result_field[i] == field && origin[i] <= models::ecosystem::kInstitute ? 1 : 0;
    return count;
  };
}

// CHECKs that `read` at the end of `variant` minus `base` has a 95% interval above zero over 8
// replicates, for each test seed.
void check_end_state_increases(const std::string& label, const std::string& base, const std::string& variant,
                               const EndState& read) {
  for (std::uint64_t seed : test_seeds()) {
    std::vector<double> differences;
    for (std::uint64_t r = 0; r < 8; ++r)
      differences.push_back(run_to_end(variant, seed, r, read) - run_to_end(base, seed, r, read));
    const PairedInterval i = interval_of(seed, std::move(differences));
    const std::string line = describe(label, i, Direction::increase);
    if (multiseed_mode()) MESSAGE(line);
    CHECK_MESSAGE(holds(i, Direction::increase), line);
  }
}

}  // namespace

TEST_CASE("demand pull is off by default and read by field name") {
  const auto off = models::ecosystem::read_parameters(load(tiny_scenario("")));
  CHECK_FALSE(off.demand_pull.is_active());
  CHECK(off.demand_pull.topic_revision_rate == 0.0);
  const auto on =
      models::ecosystem::read_parameters(load(tiny_scenario(demand_pull_block("new_materials", 0.2, 0.25))));
  CHECK(on.demand_pull.posts_needs());
  CHECK(on.demand_pull.posting_share == std::vector<double>{0.0, 0.0, 0.2});
  CHECK(on.demand_pull.topic_revision_rate == 0.25);
  CHECK_THROWS_AS((void)models::ecosystem::read_parameters(
                      load(tiny_scenario(demand_pull_block("new_materal", 0.2, 0.25)))),
                  sim::InputError);
}

TEST_CASE("paired: needs posted in new_materials pull labs and lab results into it and are answered") {
  const std::string base = tiny_scenario("", 24);
  const std::string posted = tiny_scenario(demand_pull_block("new_materials", 0.2, 0.25), 24);
  const RunSums sums = run(posted);
  MESSAGE("24 quarters: topic_shifts " << sums.sum.at("topic_shifts") << ", demand_pulled_deals "
                                       << sums.sum.at("demand_pulled_deals") << ", posted_demand_yuan (last) "
                                       << sums.last.at("posted_demand_yuan"));
  CHECK(sums.sum.at("topic_shifts") > 0);
  CHECK(sums.sum.at("posted_demand_yuan") > 0);
  check_end_state_increases("posted needs move labs into new_materials", base, posted,
                            labs_in(kNewMaterials));
  check_end_state_increases("posted needs raise new_materials lab results", base, posted,
                            lab_results_in(kNewMaterials));
  check_paired_effect("posted needs are answered by deals", base, posted, sum_of("demand_pulled_deals"),
                      Direction::increase);
}

TEST_CASE("paired: with no posting money nothing changes") {
  // Labs reconsider their field, but with nothing posted (a share of 0, or a reward cap of 0 yuan)
  // there is nowhere to move to: every metric of every replicate equals the baseline's exactly.
  const std::string base = tiny_scenario("", 16);
  const std::string no_share = tiny_scenario(demand_pull_block("new_materials", 0.0, 0.25), 16);
  const std::string no_money =
      tiny_scenario(demand_pull_block("new_materials", 0.2, 0.25, "    reward_cap_yuan: 0\n"), 16);
  for (std::uint64_t r = 0; r < 8; ++r) {
    const RunSums reference = run(base, 11, r);
    for (const std::string* variant : {&no_share, &no_money}) {
      const RunSums sums = run(*variant, 11, r);
      for (const auto& [name, value] : reference.sum) CHECK_MESSAGE(sums.sum.at(name) == value, name);
    }
  }
}

TEST_CASE("paired: a demand-pull field follows posted demand more than a supply-led one") {
  // The same field, posting the same way, as demand-pull or as supply-led: its labs aim more of
  // their new results at the posted needs (demand_following 0.8 vs 0.2) and more labs move in.
  const auto with_pattern = [](const std::string& pattern) {
    return tiny_scenario(
        "  fields:\n    clean_energy: {pattern: supply_led, demand_growth_per_quarter: 0.015}\n"
        "    ai: {pattern: demand_iteration, demand_growth_per_quarter: 0.02}\n"
        "    new_materials: {pattern: " +
            pattern + ", demand_growth_per_quarter: 0.012}\n" + demand_pull_block("new_materials", 0.2, 0.25),
        24);
  };
  check_paired_effect("demand-pull answers more posted needs than supply-led", with_pattern("supply_led"),
                      with_pattern("demand_pull"), sum_of("demand_pulled_deals"), Direction::increase);
}

TEST_CASE("an economy with posted needs and topic choice is bit-identical on 1 and 4 threads") {
  const sim::Config config = load(scaled_scenario(demand_pull_block("new_materials", 0.2, 0.25), 12, 12));
  const auto hash = [&config](std::size_t threads) {
    sim::ThreadLimit limit(threads);
    auto model = create(config);
    double shifts = 0;
    for (std::int64_t step = 1; step <= config.integer("steps"); ++step) {
      model->step(step);
      shifts += model->metric("topic_shifts");
    }
    return std::pair{model->state_hash(), shifts};
  };
  const auto one = hash(1);
  CHECK(one.second > 0);
  CHECK(hash(4) == one);
}

TEST_CASE("a run with posted needs resumed from a checkpoint equals the uninterrupted run") {
  const sim::Config config = load(tiny_scenario(demand_pull_block("new_materials", 0.2, 0.25), 12));
  auto uninterrupted = create(config);
  for (std::int64_t step = 1; step <= 12; ++step) uninterrupted->step(step);
  auto first_half = create(config);
  for (std::int64_t step = 1; step <= 6; ++step) first_half->step(step);
  std::stringstream saved;
  first_half->save_state(saved);
  auto resumed = create(config);
  resumed->restore_state(saved);
  for (std::int64_t step = 7; step <= 12; ++step) resumed->step(step);
  CHECK(uninterrupted->metric("posted_demand_yuan") > 0);
  CHECK(resumed->state_hash() == uninterrupted->state_hash());
  CHECK(resumed->metric("posted_demand_yuan") == uninterrupted->metric("posted_demand_yuan"));
}

TEST_CASE("paired: more posting money moves more labs into the field") {
  // Ten times the share of spare cash: larger rewards (up to the cap) make the field's posted money
  // per lab larger, so more labs move; the number of needs answered is bounded by the labs' new
  // results in the field, not by the money.
  const std::string little = tiny_scenario(demand_pull_block("new_materials", 0.01, 0.25), 24);
  const std::string more = tiny_scenario(demand_pull_block("new_materials", 0.1, 0.25), 24);
  check_end_state_increases("more posting money moves more labs into new_materials", little, more,
                            labs_in(kNewMaterials));
  check_paired_effect("more posting money holds more in escrow", little, more, sum_of("posted_demand_yuan"),
                      Direction::increase);
}
