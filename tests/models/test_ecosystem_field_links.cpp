// Fields linked (issue 16): the Leontief solve against a hand-computed example, the reading of
// ecosystem.field_links, licensing across near fields only, and the demand an input-output link
// pulls into the supplying field (paired, common random numbers).
#include <doctest/doctest.h>

#include <map>
#include <utility>

#include "models/ecosystem/field_links.hpp"
#include "sim/run/thread_limit.hpp"
#include "test_ecosystem_support.hpp"

using namespace ecosystem_test;
using models::ecosystem::FieldLinkSpec;
using models::ecosystem::LeontiefChain;

namespace {

// A cycle of three fields: field 0 supplies 0.5 per yuan of field 1's output, field 1 supplies 0.4
// per yuan of field 2's, field 2 supplies 0.2 per yuan of field 0's.
FieldLinkSpec three_field_cycle() {
  FieldLinkSpec links;
  links.fields = 3;
  links.input_output = {0.0, 0.5, 0.0,  //
                        0.0, 0.0, 0.4,  //
                        0.2, 0.0, 0.0};
  return links;
}

}  // namespace

TEST_CASE("Leontief propagation matches a hand-computed 3 x 3 inverse") {
  // I - A = [[1, -0.5, 0], [0, 1, -0.4], [-0.2, 0, 1]]; det = 1 - 0.5 * 0.4 * 0.2 = 0.96.
  // Cofactors give adj(I - A) = [[1, 0.5, 0.2], [0.08, 1, 0.4], [0.2, 0.1, 1]], so
  // (I - A)^-1 = adj / 0.96 (check: row 1 of I - A times column 1 of adj = 1 - 0.04 = 0.96).
  // f = (96, 0, 0): output (I - A)^-1 f = 100 x (1, 0.08, 0.2) = (100, 8, 20); intermediate
  //   demand = output - f = (4, 8, 20): field 0's 100 needs 20 of field 2, whose 20 needs 8 of
  //   field 1, whose 8 needs 4 of field 0.
  // f = (0, 0, 96): output = 100 x (0.2, 0.4, 1) = (20, 40, 100); intermediate = (20, 40, 4).
  const LeontiefChain chain(three_field_cycle());
  REQUIRE_FALSE(chain.empty());
  const auto from_field_0 = chain.intermediate_demand({96.0, 0.0, 0.0});
  CHECK(from_field_0[0] == doctest::Approx(4.0).epsilon(1e-12));
  CHECK(from_field_0[1] == doctest::Approx(8.0).epsilon(1e-12));
  CHECK(from_field_0[2] == doctest::Approx(20.0).epsilon(1e-12));
  const auto from_field_2 = chain.intermediate_demand({0.0, 0.0, 96.0});
  const std::vector<double> expected = {20.0, 40.0, 4.0};
  for (std::size_t k = 0; k < 3; ++k) CHECK(std::abs(from_field_2[k] - expected[k]) < 1e-9);
  // Linear: both final demands together pull the sum.
  const auto both = chain.intermediate_demand({96.0, 0.0, 96.0});
  for (std::size_t k = 0; k < 3; ++k) CHECK(std::abs(both[k] - from_field_0[k] - from_field_2[k]) < 1e-9);
}

TEST_CASE("without input-output links the chain is empty and pulls nothing") {
  const LeontiefChain chain(FieldLinkSpec{3, {}, {}, 1.0});
  CHECK(chain.empty());
  CHECK(chain.intermediate_demand({5.0, 6.0, 7.0}) == std::vector<double>{0.0, 0.0, 0.0});
  // The shipped default: no field_links block, no matrices.
  const auto p = models::ecosystem::read_parameters(load(tiny_scenario("")));
  CHECK_FALSE(p.field_links.has_input_output());
  CHECK_FALSE(p.field_links.has_proximity());
}

TEST_CASE("field links are read by field name and the proximity is symmetric") {
  const auto p = models::ecosystem::read_parameters(load(tiny_scenario(
      "  field_links:\n"
      "    input_output:\n      - {supplier: new_materials, buyer: clean_energy, coefficient: 0.12}\n"
      "    technology_proximity:\n      - {field_a: ai, field_b: new_materials, proximity: 0.6}\n")));
  const auto& links = p.field_links;
  CHECK(links.coefficient(2, 0) == 0.12);
  CHECK(links.coefficient(0, 2) == 0.0);
  CHECK(links.proximity_of(1, 2) == 0.6);
  CHECK(links.proximity_of(2, 1) == 0.6);
  CHECK(links.proximity_of(0, 1) == 0.0);
  CHECK(links.proximity_of(0, 0) == 1.0);
}

TEST_CASE("a field link naming an undefined field is an input error with a suggestion") {
  CHECK_THROWS_WITH_AS(
      (void)models::ecosystem::read_parameters(
          load(tiny_scenario("  field_links:\n    input_output:\n      - {supplier: new_materal, buyer: ai, "
                             "coefficient: 0.1}\n"))),
      "test.yaml:14:20: 'ecosystem.field_links.input_output[0].supplier' names field 'new_materal', which "
      "the scenario does not define (defined: clean_energy, ai, new_materials); did you mean "
      "'new_materials'?",
      sim::InputError);
}

TEST_CASE("a proximity pair given twice in either order is an input error but a supplier-buyer pair is not") {
  // Proximity is symmetric: (ai, new_materials) and (new_materials, ai) are one pair. Input-output is
  // directed: new_materials supplying ai and ai supplying new_materials are two coefficients.
  CHECK_THROWS_WITH_AS((void)models::ecosystem::read_parameters(load(
                           tiny_scenario("  field_links:\n    technology_proximity:\n"
                                         "      - {field_a: ai, field_b: new_materials, proximity: 0.6}\n"
                                         "      - {field_a: new_materials, field_b: ai, proximity: 0.2}\n"))),
                       "test.yaml:15:19: 'ecosystem.field_links.technology_proximity[1]' repeats the pair "
                       "new_materials and ai: "
                       "give each pair once",
                       sim::InputError);
  const auto p = models::ecosystem::read_parameters(
      load(tiny_scenario("  field_links:\n    input_output:\n"
                         "      - {supplier: new_materials, buyer: ai, coefficient: 0.2}\n"
                         "      - {supplier: ai, buyer: new_materials, coefficient: 0.1}\n")));
  CHECK(p.field_links.coefficient(2, 1) == 0.2);
  CHECK(p.field_links.coefficient(1, 2) == 0.1);
  CHECK_THROWS_WITH_AS((void)models::ecosystem::read_parameters(
                           load(tiny_scenario("  field_links:\n    technology_proximity:\n"
                                              "      - {field_a: ai, field_b: ai, proximity: 0.6}\n"))),
                       "test.yaml:14:19: 'ecosystem.field_links.technology_proximity[0]' gives field 'ai' a "
                       "proximity to itself, which is always 1: remove the entry",
                       sim::InputError);
}

TEST_CASE("input-output coefficients without a Leontief inverse are an input error") {
  // ai's inputs: 0.6 + 0.5 = 1.1 yuan per yuan of its output.
  CHECK_THROWS_WITH_AS(
      (void)models::ecosystem::read_parameters(
          load(tiny_scenario("  field_links:\n    input_output:\n"
                             "      - {supplier: new_materials, buyer: ai, coefficient: 0.6}\n"
                             "      - {supplier: clean_energy, buyer: ai, coefficient: 0.5}\n"))),
      "test.yaml:14:7: 'ecosystem.field_links.input_output': the coefficients of buyer 'ai' sum to 1.1 "
      "(after "
      "input_output_scale 1); each buyer's inputs must cost less than its output (sum < 1), or the Leontief "
      "inverse (I - A)^-1 does not exist: lower them",
      sim::InputError);
}

TEST_CASE("the scales multiply the input-output coefficients and the proximities for a sensitivity sweep") {
  const std::string links =
      "  field_links:\n"
      "    input_output:\n      - {supplier: new_materials, buyer: clean_energy, coefficient: 0.3}\n"
      "    technology_proximity:\n      - {field_a: ai, field_b: new_materials, proximity: 0.4}\n";
  const auto read = [&](const std::string& scales) {
    return models::ecosystem::read_parameters(load(tiny_scenario(links + scales))).field_links;
  };
  const FieldLinkSpec as_given = read("");
  CHECK(as_given.coefficient(2, 0) == 0.3);
  CHECK(as_given.proximity_of(1, 2) == 0.4);
  const FieldLinkSpec scaled = read("    input_output_scale: 2\n    proximity_scale: 2\n");
  CHECK(scaled.coefficient(2, 0) == doctest::Approx(0.6));
  CHECK(scaled.proximity_of(2, 1) == doctest::Approx(0.8));
  CHECK(read("    proximity_scale: 5\n").proximity_of(1, 2) == 1.0);  // capped at 1
  // Scale 0: no matrix at all, as without links (no solve, no draw).
  const FieldLinkSpec cut = read("    input_output_scale: 0\n    proximity_scale: 0\n");
  CHECK_FALSE(cut.has_input_output());
  CHECK_FALSE(cut.has_proximity());
  // The scaled coefficients must keep the Leontief inverse: 0.3 x 4 = 1.2 for clean_energy.
  CHECK_THROWS_WITH_AS((void)read("    input_output_scale: 4\n"),
                       doctest::Contains("sum to 1.2 (after input_output_scale 4)"), sim::InputError);
}

namespace {

// Results licensed or assigned to firms, by (result's field, firm's field), counted over the firms'
// holdings at the end of every step.
std::map<std::pair<int, int>, long> held_across_fields(const std::string& yaml) {
  const sim::Config config = load(yaml);
  auto model = create(config);
  std::map<std::pair<int, int>, long> counts;
  for (std::int64_t step = 1; step <= config.integer("steps"); ++step) {
    model->step(step);
    const auto& results = model->results();
    const auto& result_field = results.field<std::int16_t>("field");
    const auto& owner = results.field<std::int64_t>("owner");
    const auto& owner_is_firm = results.field<std::uint8_t>("owner_is_firm");
    const auto& firm_field = model->firms().field<std::int32_t>("field");
    for (std::size_t i = 0; i < results.size(); ++i) {
      if (!owner_is_firm[i]) continue;
      const auto firm = model->firms().index_of(static_cast<sim::AgentId>(owner[i]));
      if (!firm) continue;
      const int from = result_field[i], to = firm_field[*firm];
      if (from != to) counts[{std::min(from, to), std::max(from, to)}] += 1;
    }
  }
  return counts;
}

}  // namespace

TEST_CASE("results are licensed across near fields and never across unrelated ones") {
  // Default fields: clean_energy (0), ai (1), new_materials (2); ai and new_materials are near,
  // clean_energy is unrelated to both.
  const std::string linked = tiny_scenario(
      "  field_links:\n    technology_proximity:\n      - {field_a: ai, field_b: new_materials, proximity: "
      "0.8}\n",
      40);
  const auto counts = held_across_fields(linked);
  CHECK(counts.count({1, 2}) == 1);
  CHECK(counts.count({0, 1}) == 0);
  CHECK(counts.count({0, 2}) == 0);
  const RunSums with_links = run(linked);
  const RunSums without = run(tiny_scenario("", 40));
  MESSAGE("cross-field licences over 40 quarters: " << with_links.sum.at("cross_field_licences"));
  CHECK(with_links.sum.at("cross_field_licences") > 0);
  CHECK(without.sum.at("cross_field_licences") == 0);
  CHECK(held_across_fields(tiny_scenario("", 40)).empty());
}

TEST_CASE("paired: an input-output link from ai to new_materials raises new_materials' revenue") {
  // new_materials supplies 0.3 yuan per yuan of ai's output: what customers buy of ai's new
  // products pulls demand into new_materials (field 2).
  const std::string base = tiny_scenario("", 40);
  const std::string linked = tiny_scenario(
      "  field_links:\n    input_output:\n      - {supplier: new_materials, buyer: ai, coefficient: 0.3}\n",
      40);
  const auto field_revenue = [](const std::string& yaml, std::uint64_t seed, std::uint64_t replicate) {
    const sim::Config config = load(yaml);
    auto model = create(config, seed, replicate);
    double revenue = 0;
    for (std::int64_t step = 1; step <= config.integer("steps"); ++step) {
      model->step(step);
      const auto& field = model->firms().field<std::int32_t>("field");
      const auto& firm_revenue = model->firms().field<double>("revenue");
      for (std::size_t i = 0; i < field.size(); ++i)
        if (field[i] == 2) revenue += firm_revenue[i];
    }
    return revenue;
  };
  for (std::uint64_t seed : test_seeds()) {
    std::vector<double> differences;
    for (std::uint64_t r = 0; r < 8; ++r)
      differences.push_back(field_revenue(linked, seed, r) - field_revenue(base, seed, r));
    const PairedInterval i = interval_of(seed, std::move(differences));
    const std::string line = describe("io link raises new_materials revenue", i, Direction::increase);
    if (multiseed_mode()) MESSAGE(line);
    CHECK_MESSAGE(holds(i, Direction::increase), line);
  }
  // The link shows in the metric, and the unlinked economy pulls nothing.
  const RunSums pulled = run(linked);
  CHECK(pulled.sum.at("intermediate_demand_yuan") > 0);
  CHECK(run(base).sum.at("intermediate_demand_yuan") == 0);
  // By field: all of it is demand for the supplier's products (new_materials), none for the others.
  CHECK(pulled.sum.at("intermediate_demand_yuan.new_materials") ==
        doctest::Approx(pulled.sum.at("intermediate_demand_yuan")));
  CHECK(pulled.sum.at("intermediate_demand_yuan.ai") == 0);
  CHECK(pulled.sum.at("intermediate_demand_yuan.clean_energy") == 0);
}

TEST_CASE("the demand for new products is what pulls intermediate demand along the chain") {
  // One link, new_materials supplying 0.3 yuan per yuan of ai's output (A^2 = 0): each quarter the
  // chain pulls x = 0.3 x ai's new-product demand, at most 0.3 x all fields' new-product demand.
  const std::string linked = tiny_scenario(
      "  field_links:\n    input_output:\n      - {supplier: new_materials, buyer: ai, coefficient: 0.3}\n",
      40);
  const sim::Config config = load(linked);
  auto model = create(config);
  const auto infos = model->metrics();
  std::size_t pulled_at = infos.size(), new_products_at = infos.size();
  for (std::size_t m = 0; m < infos.size(); ++m) {
    if (infos[m].name == "intermediate_demand_yuan") pulled_at = m;
    if (infos[m].name == "new_product_demand_yuan") new_products_at = m;
  }
  REQUIRE(new_products_at < infos.size());
  std::vector<double> values(infos.size());
  double pulled = 0;
  for (std::int64_t step = 1; step <= config.integer("steps"); ++step) {
    model->step(step);
    model->measure(values);
    INFO("step " << step);
    CHECK(values[pulled_at] <= 0.3 * values[new_products_at] * (1 + 1e-12));
    pulled += values[pulled_at];
  }
  CHECK(pulled > 0);
  // Without links, new products still sell and pull nothing.
  const RunSums unlinked = run(tiny_scenario("", 40));
  CHECK(unlinked.sum.at("new_product_demand_yuan") > 0);
  CHECK(unlinked.sum.at("intermediate_demand_yuan") == 0);
}

TEST_CASE("an economy with linked fields is bit-identical on 1 and 4 threads") {
  // Twelve times the tiny economy: its firms and results span more than one chunk.
  const sim::Config config = load(scaled_scenario(
      "  field_links:\n    input_output:\n      - {supplier: new_materials, buyer: ai, coefficient: 0.3}\n"
      "      - {supplier: ai, buyer: clean_energy, coefficient: 0.1}\n"
      "    technology_proximity:\n      - {field_a: ai, field_b: new_materials, proximity: 0.8}\n",
      12, 16));
  const auto hash = [&config](std::size_t threads) {
    sim::ThreadLimit limit(threads);
    auto model = create(config);
    for (std::int64_t step = 1; step <= config.integer("steps"); ++step) model->step(step);
    return std::pair{model->state_hash(), model->metric("intermediate_demand_yuan")};
  };
  const auto one = hash(1);
  CHECK(one.second > 0);
  CHECK(hash(4) == one);
}
