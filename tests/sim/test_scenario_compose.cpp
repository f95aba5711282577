// Composition by name: a `base:` file's list keyed by name (ObjectSpec::keyed_by) merges with the
// inheriting file's list element by element; `remove: true` and `{replace: [...]}`; --set of one
// element by its name in brackets; the resolved view names where each element came from.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <yaml-cpp/yaml.h>

#include "sim/scenario/scenario.hpp"
#include "tests/support/scratch_directory.hpp"

namespace {

namespace fs = std::filesystem;

sim::Schema keyed_schema() {
  sim::Schema schema;
  sim::ObjectSpec& toy = schema.add_model_section("toy", "A model with a keyed list");
  sim::ObjectSpec& policy = toy.list_of_objects("policies", "Policies in force");
  policy.keyed_by("name");
  policy.text("name", "Name of the policy").default_value(std::string(""));
  policy.real("budget_yuan", "yuan", "Budget per quarter").default_value(0.0).at_least(0);
  policy.real("share", "1", "Share").default_value(0.5).between(0, 1);
  sim::ObjectSpec& region = toy.map_of_objects("regions", "Regions by name");
  region.integer("population", "people", "Residents").default_value(1000).at_least(0);
  region.real("growth", "1", "Growth").default_value(0.0);
  return schema;
}

// A fresh directory, removed with its files at scope exit.
struct TempDir : test_support::ScratchDirectory {
  TempDir() : ScratchDirectory("innosim-test-compose") {}
};

const char* const kBase =
    "model: toy\n"
    "toy:\n"
    "  regions:\n"
    "    north: {population: 10, growth: 0.5}\n"
    "    south: {population: 20}\n"
    "  policies:\n"
    "    - {name: grants, budget_yuan: 100, share: 0.25}\n"
    "    - {name: risk pool, budget_yuan: 200}\n"
    "    - {name: vouchers v1.2, budget_yuan: 300}\n";

// The policies' names and budgets, in order.
std::vector<std::pair<std::string, double>> policies_of(const sim::Config& config) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& p : config.node("toy.policies"))
    out.emplace_back(p["name"].Scalar(), p["budget_yuan"].as<double>());
  return out;
}

std::vector<sim::InputProblem> problems_of(const fs::path& file,
                                           const std::vector<std::string>& overrides = {}) {
  try {
    (void)sim::load_scenario(file, keyed_schema(), overrides);
  } catch (const sim::InputError& error) {
    return error.problems();
  }
  return {};
}

using Policies = std::vector<std::pair<std::string, double>>;

}  // namespace

TEST_SUITE("scenario compose") {
  TEST_CASE("a base variant that adds one policy keeps the base's others") {
    TempDir dir;
    dir.write("base.yaml", kBase);
    const auto child =
        dir.write("child.yaml", "base: base.yaml\ntoy:\n  policies:\n    - {name: new, budget_yuan: 5}\n");
    const auto config = sim::load_scenario(child, keyed_schema());
    CHECK(policies_of(config) ==
          Policies{{"grants", 100}, {"risk pool", 200}, {"vouchers v1.2", 300}, {"new", 5}});
  }

  TEST_CASE("overriding one field of a named policy keeps its other fields") {
    TempDir dir;
    dir.write("base.yaml", kBase);
    const auto child =
        dir.write("child.yaml", "base: base.yaml\ntoy:\n  policies:\n    - {name: grants, budget_yuan: 7}\n");
    const auto config = sim::load_scenario(child, keyed_schema());
    CHECK(policies_of(config) == Policies{{"grants", 7}, {"risk pool", 200}, {"vouchers v1.2", 300}});
    CHECK(config.real("toy.policies.0.share") == 0.25);
  }

  TEST_CASE("remove true takes out the base's element and an unknown name is an error at its line") {
    TempDir dir;
    dir.write("base.yaml", kBase);
    const auto child = dir.write(
        "child.yaml", "base: base.yaml\ntoy:\n  policies:\n    - {name: risk pool, remove: true}\n");
    CHECK(policies_of(sim::load_scenario(child, keyed_schema())) ==
          Policies{{"grants", 100}, {"vouchers v1.2", 300}});
    const auto wrong = dir.write(
        "wrong.yaml", "base: base.yaml\ntoy:\n  policies:\n    - {name: risk-pool, remove: true}\n");
    const auto problems = problems_of(wrong);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].where.line == 4);
    CHECK(problems[0].where.column == 14);
    CHECK(problems[0].message ==
          "cannot remove 'risk-pool': the base file's list 'policies' has no element of that name (it has "
          "'grants', 'risk pool', 'vouchers v1.2'); did you mean 'risk pool'?");
  }

  TEST_CASE("replacing the whole list needs the replace form") {
    TempDir dir;
    dir.write("base.yaml", kBase);
    const auto child =
        dir.write("child.yaml",
                  "base: base.yaml\ntoy:\n  policies:\n    replace:\n      - {name: only, budget_yuan: 1}\n");
    CHECK(policies_of(sim::load_scenario(child, keyed_schema())) == Policies{{"only", 1}});
    // Without a base the replace form is the list itself.
    const auto alone = dir.write("alone.yaml", "model: toy\ntoy:\n  policies: {replace: [{name: a}]}\n");
    CHECK(policies_of(sim::load_scenario(alone, keyed_schema())) == Policies{{"a", 0}});
    const auto wrong = dir.write("wrong.yaml", "base: base.yaml\ntoy:\n  policies: {replce: []}\n");
    const auto problems = problems_of(wrong);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].where.line == 3);
    CHECK(problems[0].message ==
          "'policies' must be a list, or {replace: [...]} to replace the base's list whole; got a mapping");
  }

  TEST_CASE("duplicate and missing names are errors where the list merges") {
    TempDir dir;
    dir.write("base.yaml", kBase);
    const auto duplicate =
        dir.write("duplicate.yaml",
                  "base: base.yaml\ntoy:\n  policies:\n    - {name: x}\n    - {name: x, budget_yuan: 2}\n");
    auto problems = problems_of(duplicate);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].where.line == 5);
    CHECK(problems[0].message == "duplicate name 'x' in the list 'policies' (first given at line 4)");
    const auto unnamed =
        dir.write("unnamed.yaml", "base: base.yaml\ntoy:\n  policies:\n    - {budget_yuan: 2}\n");
    problems = problems_of(unnamed);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].where.line == 4);
    CHECK(problems[0].message.starts_with("an element of 'policies' without a 'name' cannot be merged"));
    // A remove in a file without base has nothing to remove.
    const auto alone =
        dir.write("alone.yaml", "model: toy\ntoy:\n  policies:\n    - {name: x, remove: true}\n");
    problems = problems_of(alone);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].where.line == 4);
  }

  TEST_CASE("map entries of the base are kept and overridden key by key") {
    TempDir dir;
    dir.write("base.yaml", kBase);
    const auto child = dir.write(
        "child.yaml", "base: base.yaml\ntoy:\n  regions:\n    north: {population: 11}\n    east: {}\n");
    const auto config = sim::load_scenario(child, keyed_schema());
    CHECK(config.integer("toy.regions.north.population") == 11);
    CHECK(config.real("toy.regions.north.growth") == 0.5);
    CHECK(config.integer("toy.regions.south.population") == 20);
    CHECK(config.integer("toy.regions.east.population") == 1000);
  }

  TEST_CASE("the resolved view names the file and line of each element") {
    TempDir dir;
    const auto base = dir.write("base.yaml", kBase);
    const auto child = dir.write(
        "child.yaml",
        "base: base.yaml\ntoy:\n  policies:\n    - {name: grants, budget_yuan: 7}\n    - {name: new}\n");
    const std::string text = sim::load_scenario(child, keyed_schema()).to_resolved_yaml();
    CHECK(text.find("# from " + base.string() + ":7\n") != std::string::npos);
    CHECK(text.find("# from " + base.string() + ":8\n") != std::string::npos);
    CHECK(text.find("# from " + child.string() + ":5\n") != std::string::npos);
    // It reads back as the same scenario.
    CHECK(YAML::Load(text)["toy"]["policies"].size() == 4);
  }

  TEST_CASE("set by name in brackets changes exactly that policy") {
    TempDir dir;
    const auto base = dir.write("base.yaml", kBase);
    const auto config = sim::load_scenario(
        base, keyed_schema(),
        {"toy.policies[vouchers v1.2].budget_yuan=9", "toy.policies[risk pool].share=0.75"});
    CHECK(policies_of(config) == Policies{{"grants", 100}, {"risk pool", 200}, {"vouchers v1.2", 9}});
    CHECK(config.real("toy.policies.0.share") == 0.25);
    CHECK(config.real("toy.policies.1.share") == 0.75);
    CHECK(config.location("toy.policies.2.budget_yuan").origin ==
          "--set toy.policies[vouchers v1.2].budget_yuan=9");
  }

  TEST_CASE("set of an unknown name lists the names with did-you-mean") {
    TempDir dir;
    const auto base = dir.write("base.yaml", kBase);
    auto problems = problems_of(base, {"toy.policies[risk-pool].budget_yuan=1"});
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].message ==
          "the list 'toy.policies' has no element of name 'risk-pool' (it has 'grants', 'risk pool', "
          "'vouchers v1.2'); did you mean 'risk pool'?");
    problems = problems_of(base, {"toy.policies.1.budget_yuan=1"});
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].message.starts_with("select one element of the list 'toy.policies' by its name"));
    problems = problems_of(base, {"toy.policies[grants].budgt=1"});
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].message.find("budget_yuan") != std::string::npos);
    problems = problems_of(base, {"toy.policies[grants.budget_yuan=1"});
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].message.starts_with("expected key.path=value"));
  }

  TEST_CASE("an empty list adds nothing to the base's and replace with an empty list clears it") {
    TempDir dir;
    dir.write("base.yaml", kBase);
    const auto empty = dir.write("empty.yaml", "base: base.yaml\ntoy:\n  policies: []\n");
    CHECK(policies_of(sim::load_scenario(empty, keyed_schema())).size() == 3);
    const auto cleared = dir.write("cleared.yaml", "base: base.yaml\ntoy:\n  policies: {replace: []}\n");
    CHECK(policies_of(sim::load_scenario(cleared, keyed_schema())).empty());
  }
}
