// Scenario loading: defaults, every user-facing message (exact text, line and column), base:
// inheritance, --set overrides, and the Config that comes out.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "sim/scenario/scenario.hpp"
#include "tests/support/scratch_directory.hpp"

namespace {

namespace fs = std::filesystem;

// A small schema with a field of every kind; "boltzmann" gives the messages of the docs verbatim.
sim::Schema toy_schema() {
  sim::Schema schema;
  sim::ObjectSpec& toy = schema.add_model_section("toy", "A model with one field of every kind");
  toy.integer("agents", "agents", "Number of agents at step 0").default_value(100).at_least(1);
  toy.real("share", "1", "Share of agents that start rich").default_value(0.5).between(0, 1);
  toy.boolean("verbose", "Print progress").default_value(false);
  toy.choice("distribution", {"uniform", "normal", "lognormal"}, "Initial wealth distribution")
      .default_value("uniform");
  toy.list_of_scalars("weights", sim::ParamType::real, "1", "Weights of the agent kinds");
  sim::ObjectSpec& policy = toy.list_of_objects("policies", "Policies in force");
  policy.text("name", "Name of the policy").required();
  policy.real("budget_yuan", "yuan", "Budget per quarter").default_value(0.0).at_least(0);
  sim::ObjectSpec& region = toy.map_of_objects("regions", "Regions by name");
  region.integer("population", "people", "Residents at step 0").default_value(1000).at_least(0);
  sim::ObjectSpec& boltzmann = schema.add_model_section("boltzmann", "Boltzmann wealth model");
  boltzmann.integer("agents", "agents", "Number of agents").default_value(100).at_least(1);
  boltzmann.integer("width", "cells", "Grid width").default_value(10).at_least(1);
  boltzmann.integer("height", "cells", "Grid height").default_value(10).at_least(1);
  return schema;
}

sim::Config load_text(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return sim::load_scenario_text(text, "toy.yaml", toy_schema(), overrides);
}

// Every problem load_scenario_text reports for `text`; none when it loads.
std::vector<sim::InputProblem> problems_of(const std::string& text,
                                           const std::vector<std::string>& overrides = {}) {
  try {
    (void)load_text(text, overrides);
  } catch (const sim::InputError& error) {
    return error.problems();
  }
  return {};
}

std::vector<sim::InputProblem> file_problems(const fs::path& file) {
  try {
    (void)sim::load_scenario(file, toy_schema());
  } catch (const sim::InputError& error) {
    return error.problems();
  }
  return {};
}

void check_problem(const sim::InputProblem& problem, const std::string& origin, int line, int column,
                   const std::string& message) {
  CHECK(problem.message == message);
  CHECK(problem.where.origin == origin);
  CHECK(problem.where.line == line);
  CHECK(problem.where.column == column);
}

// Instruments whose keys depend on their type, as the ecosystem's policies are declared.
sim::Schema variant_schema() {
  sim::Schema schema;
  sim::ObjectSpec& toy = schema.add_model_section("toy", "A model with typed instruments");
  sim::ObjectSpec& policy = toy.list_of_objects("policies", "Policies in force");
  policy.choice("type", {"risk_pool", "voucher", "reform"}, "Instrument").required();
  policy.real("budget_yuan", "yuan", "Budget").default_value(0.0).at_least(0);
  policy.variant("type", "risk_pool", "Pays banks part of their losses")
      .renamed("rate", "loss_share")
      .real("loss_share", "1", "Share of a loss the pool pays")
      .default_value(0.0)
      .between(0, 1);
  sim::ObjectSpec& voucher = policy.variant("type", "voucher", "Pays part of the fee");
  voucher.renamed("rate", "subsidy_share");
  voucher.real("subsidy_share", "1", "Share of the fee paid").default_value(0.25).between(0, 1);
  voucher.integer("slots", "slots", "Vouchers per quarter").default_value(3).at_least(0);
  policy.variant("type", "reform", "No keys of its own");
  return schema;
}

std::vector<sim::InputProblem> variant_problems(const std::string& text) {
  try {
    (void)sim::load_scenario_text(text, "toy.yaml", variant_schema());
  } catch (const sim::InputError& error) {
    return error.problems();
  }
  return {};
}

// The one problem of `text` in toy.yaml: its line, column and exact message.
void check_only_problem(const std::string& text, int line, int column, const std::string& message) {
  const auto problems = problems_of(text);
  REQUIRE(problems.size() == 1);
  check_problem(problems.front(), "toy.yaml", line, column, message);
}

// A fresh directory, removed with its files at scope exit.
struct TempDir : test_support::ScratchDirectory {
  TempDir() : ScratchDirectory("innosim-test-scenario") {}
};

}  // namespace

TEST_SUITE("scenario") {
  TEST_CASE("a scenario naming only its model gets every default filled in") {
    const sim::Config config = load_text("model: toy\n");
    CHECK(config.text("model") == "toy");
    CHECK(config.text("description").empty());
    CHECK(config.integer("seed") == 1);
    CHECK(config.integer("replicates") == 1);
    CHECK(config.integer("steps") == 100);
    CHECK(config.integer("output.snapshot_every") == 10);
    CHECK(config.boolean("output.events"));
    CHECK(config.integer("toy.agents") == 100);
    CHECK(config.real("toy.share") == 0.5);
    CHECK_FALSE(config.boolean("toy.verbose"));
    CHECK(config.text("toy.distribution") == "uniform");
    CHECK(config.node("toy.weights").IsSequence());
    CHECK(config.node("toy.weights").size() == 0);
    CHECK(config.node("toy.policies").size() == 0);
    CHECK(config.node("toy.regions").IsMap());
    CHECK_FALSE(config.has("boltzmann"));
    CHECK(config.source_description() == "toy.yaml");
  }

  TEST_CASE("given values are read with their types and list and map elements get their defaults") {
    const sim::Config config = load_text(R"(model: toy
seed: 42
toy:
  share: 0.25
  weights: [1, 2.5]
  policies:
    - name: subsidy
      budget_yuan: 5e8
    - name: loan
  regions:
    north:
      population: 20
    south: {}
)");
    CHECK(config.integer("seed") == 42);
    CHECK(config.real("toy.share") == 0.25);
    CHECK(config.real("toy.weights.0") == 1.0);
    CHECK(config.real("toy.weights.1") == 2.5);
    CHECK(config.text("toy.policies.0.name") == "subsidy");
    CHECK(config.real("toy.policies.0.budget_yuan") == 5e8);
    CHECK(config.node("toy.policies")[1]["budget_yuan"].as<double>() == 0.0);
    CHECK(config.integer("toy.regions.north.population") == 20);
    CHECK(config.integer("toy.regions.south.population") == 1000);
  }

  TEST_CASE("integer keys accept integral numbers in exponent form") {
    CHECK(load_text("model: toy\nsteps: 1e3\n").integer("steps") == 1000);
  }

  TEST_CASE("an unknown key is reported at the key with the closest sibling") {
    check_only_problem("model: boltzmann\nboltzmann:\n  agnts: 10\n", 3, 3,
                       "unknown key 'agnts' in 'boltzmann'; did you mean 'agents'?");
    check_only_problem("model: toy\nstpes: 10\n", 2, 1,
                       "unknown key 'stpes' in the scenario root; did you mean 'steps'?");
  }

  TEST_CASE("an unknown key with no close sibling lists the expected keys") {
    check_only_problem("model: boltzmann\nboltzmann:\n  zzz: 1\n", 3, 3,
                       "unknown key 'zzz' in 'boltzmann'; expected one of: agents, height, width");
  }

  TEST_CASE("a value of the wrong type is reported at the value with its dotted path") {
    check_only_problem("model: toy\nsteps: ten\n", 2, 8, "'steps' must be an integer, got 'ten'");
    check_only_problem("model: toy\nsteps: 2.5\n", 2, 8, "'steps' must be an integer, got 2.5");
    check_only_problem("model: toy\ntoy:\n  share: abc\n", 3, 10, "'toy.share' must be a number, got 'abc'");
    check_only_problem("model: toy\ntoy:\n  verbose: yes please\n", 3, 12,
                       "'toy.verbose' must be true or false, got 'yes please'");
    check_only_problem("model: toy\noutput: 5\n", 2, 9, "'output' must be a mapping, got 5");
    check_only_problem("model: toy\ntoy:\n  weights: [1, x]\n", 3, 16,
                       "'toy.weights[1]' must be a number, got 'x'");
    check_only_problem("model: toy\ntoy:\n  policies: {}\n", 3, 13,
                       "'toy.policies' must be a list of objects, got a mapping");
  }

  TEST_CASE("an empty value is reported at its key") {
    check_only_problem("model: toy\nsteps:\nseed: 3\n", 2, 1,
                       "'steps' must be an integer, got an empty value");
  }

  TEST_CASE("a value out of range names the bound and the value in shortest form") {
    check_only_problem("model: boltzmann\nboltzmann:\n  agents: -5\n", 3, 11,
                       "'boltzmann.agents' must be ≥ 1, got -5");
    check_only_problem("model: toy\ntoy:\n  share: 1.5\n", 3, 10, "'toy.share' must be ≤ 1, got 1.5");
    check_only_problem("model: toy\nsteps: 2000000\n", 2, 8, "'steps' must be ≤ 1000000, got 2000000");
    check_only_problem("model: toy\ntoy:\n  policies:\n    - name: a\n      budget_yuan: -5e8\n", 5, 20,
                       "'toy.policies[0].budget_yuan' must be ≥ 0, got -5e8");
    check_only_problem("model: toy\ntoy:\n  regions:\n    north:\n      population: -1\n", 5, 19,
                       "'toy.regions.north.population' must be ≥ 0, got -1");
  }

  TEST_CASE("a real that is not finite is rejected") {
    check_only_problem("model: toy\ntoy:\n  share: .nan\n", 3, 10, "'toy.share' must be finite, got .nan");
    check_only_problem("model: toy\ntoy:\n  share: -.inf\n", 3, 10, "'toy.share' must be finite, got -.inf");
  }

  TEST_CASE("a choice not among the choices lists them and suggests a close one") {
    check_only_problem("model: toy\ntoy:\n  distribution: pareto\n", 3, 17,
                       "'toy.distribution' must be one of: uniform, normal, lognormal; got 'pareto'");
    check_only_problem(
        "model: toy\ntoy:\n  distribution: normall\n", 3, 17,
        "'toy.distribution' must be one of: uniform, normal, lognormal; got 'normall'; did you mean "
        "'normal'?");
  }

  TEST_CASE("a missing required key is reported in the object that lacks it") {
    check_only_problem("seed: 3\n", 1, 1, "missing required key 'model' in the scenario root");
    check_only_problem("model: toy\ntoy:\n  policies:\n    - budget_yuan: 1\n", 4, 7,
                       "missing required key 'name' in 'toy.policies[0]'");
  }

  TEST_CASE("a duplicate key is reported at the second one with the line of the first") {
    check_only_problem("model: toy\nseed: 1\nseed: 2\n", 3, 1,
                       "duplicate key 'seed' (first given at line 2)");
  }

  TEST_CASE("every problem of a file is reported at once in file order") {
    const auto problems = problems_of("model: toy\nstpes: 10\nseed: -1\ntoy:\n  share: abc\n  agnts: 5\n");
    REQUIRE(problems.size() == 4);
    check_problem(problems[0], "toy.yaml", 2, 1,
                  "unknown key 'stpes' in the scenario root; did you mean 'steps'?");
    check_problem(problems[1], "toy.yaml", 3, 7, "'seed' must be ≥ 0, got -1");
    check_problem(problems[2], "toy.yaml", 5, 10, "'toy.share' must be a number, got 'abc'");
    check_problem(problems[3], "toy.yaml", 6, 3, "unknown key 'agnts' in 'toy'; did you mean 'agents'?");
  }

  TEST_CASE("the error text starts each problem with file:line:column") {
    try {
      (void)load_text("model: toy\nsteps: ten\nseed: x\n");
      FAIL("expected an InputError");
    } catch (const sim::InputError& error) {
      CHECK(std::string(error.what()) ==
            "toy.yaml:2:8: 'steps' must be an integer, got 'ten'\ntoy.yaml:3:7: 'seed' must be an integer, "
            "got 'x'");
    }
  }

  TEST_CASE("an unknown model suggests the closest registered one or lists them all") {
    check_only_problem("model: boltzman\n", 1, 8, "unknown model 'boltzman'; did you mean 'boltzmann'?");
    check_only_problem("model: sugarscape\n", 1, 8,
                       "unknown model 'sugarscape'; expected one of: boltzmann, toy");
  }

  TEST_CASE("another model's section is rejected naming the model it belongs to") {
    check_only_problem(
        "model: toy\nboltzmann:\n  agents: 5\n", 2, 1,
        "section 'boltzmann' belongs to model 'boltzmann', but this scenario runs model 'toy'");
  }

  TEST_CASE("an empty file or a document that is not a mapping is an error at line 1 column 1") {
    check_only_problem("", 1, 1, "the scenario is empty; it needs at least 'model: <name>'");
    check_only_problem("# nothing yet\n", 1, 1, "the scenario is empty; it needs at least 'model: <name>'");
    check_only_problem("- model: toy\n", 1, 1, "a scenario must be a mapping of keys to values, got a list");
    check_only_problem("toy\n", 1, 1, "a scenario must be a mapping of keys to values, got 'toy'");
  }

  TEST_CASE("a tab in the indentation is a parse error at the tab") {
    check_only_problem("model: toy\n\tseed: 1\n", 2, 1,
                       "tab character in the indentation; indent with spaces");
    check_only_problem("model: toy\ntoy:\n \tagents: 5\n", 3, 2,
                       "tab character in the indentation; indent with spaces");
  }

  TEST_CASE("a key indented under a scalar is a parse error with a hint") {
    check_only_problem(
        "model: toy\nseed: 1\n  steps: 5\n", 3, 8,
        "unexpected ':' here; check the indentation of this line, or quote a value that contains ': '");
  }

  TEST_CASE("base: is read relative to the file naming it, the child wins and lists are replaced whole") {
    const TempDir dir;
    dir.write("common/root.yaml", "model: toy\ndescription: root\noutput:\n  events: false\n");
    dir.write("common/base.yaml",
              "base: root.yaml\nsteps: 50\ntoy:\n  agents: 7\n  share: 0.25\n  weights: [1, 2, 3]\n");
    const fs::path child =
        dir.write("child.yaml", "base: common/base.yaml\nseed: 9\ntoy:\n  share: 0.75\n  weights: [4]\n");
    const sim::Config config = sim::load_scenario(child, toy_schema());
    CHECK(config.text("description") == "root");
    CHECK_FALSE(config.boolean("output.events"));
    CHECK(config.integer("output.snapshot_every") == 10);
    CHECK(config.integer("steps") == 50);
    CHECK(config.integer("seed") == 9);
    CHECK(config.integer("toy.agents") == 7);
    CHECK(config.real("toy.share") == 0.75);
    REQUIRE(config.node("toy.weights").size() == 1);
    CHECK(config.real("toy.weights.0") == 4.0);
    CHECK_FALSE(config.has("base"));
  }

  TEST_CASE("a problem in a base file is reported in the base file") {
    const TempDir dir;
    const fs::path base = dir.write("base.yaml", "model: toy\nstpes: 5\n");
    const fs::path child = dir.write("child.yaml", "base: base.yaml\nseed: x\n");
    const auto problems = file_problems(child);
    REQUIRE(problems.size() == 2);
    check_problem(problems[0], child.string(), 2, 7, "'seed' must be an integer, got 'x'");
    check_problem(problems[1], base.string(), 2, 1,
                  "unknown key 'stpes' in the scenario root; did you mean 'steps'?");
  }

  TEST_CASE("a missing base file is reported at the base: value") {
    const TempDir dir;
    const fs::path child = dir.write("child.yaml", "model: toy\nbase: nowhere.yaml\n");
    const auto problems = file_problems(child);
    REQUIRE(problems.size() == 1);
    check_problem(problems[0], child.string(), 2, 7,
                  "base file '" + (dir.path / "nowhere.yaml").string() + "' does not exist");
  }

  TEST_CASE("a missing scenario file is an error naming it") {
    const TempDir dir;
    const auto problems = file_problems(dir.path / "absent.yaml");
    REQUIRE(problems.size() == 1);
    check_problem(problems[0], (dir.path / "absent.yaml").string(), 0, 0, "scenario file does not exist");
  }

  TEST_CASE("circular base: files are an error listing the chain") {
    const TempDir dir;
    const fs::path a = dir.write("a.yaml", "base: b.yaml\nmodel: toy\n");
    const fs::path b = dir.write("b.yaml", "steps: 5\nbase: a.yaml\n");
    const auto problems = file_problems(a);
    REQUIRE(problems.size() == 1);
    check_problem(problems[0], b.string(), 2, 7,
                  "circular base: " + a.string() + " -> " + b.string() + " -> " + a.string());
  }

  TEST_CASE("--set overrides values, creates map entries and replaces lists") {
    const sim::Config config = load_text("model: toy\ntoy:\n  weights: [1, 2]\n",
                                         {"steps=20", "toy.share=0.125", "output.events=false",
                                          "toy.regions.east.population=5", "toy.weights=[0.5]"});
    CHECK(config.integer("steps") == 20);
    CHECK(config.real("toy.share") == 0.125);
    CHECK_FALSE(config.boolean("output.events"));
    CHECK(config.integer("toy.regions.east.population") == 5);
    REQUIRE(config.node("toy.weights").size() == 1);
    CHECK(config.real("toy.weights.0") == 0.5);
    CHECK(config.source_description() == "toy.yaml (+5 overrides)");
    // A few overrides (incl. --seed and --replicates, which arrive as overrides) are named.
    CHECK(load_text("model: toy\n", {"seed=7", "replicates=2"}).source_description() ==
          "toy.yaml with seed=7, replicates=2");
  }

  TEST_CASE("--set values are validated and reported at the option") {
    const auto problems = problems_of("model: toy\nseed: x\n", {"steps=ten"});
    REQUIRE(problems.size() == 2);
    check_problem(problems[0], "toy.yaml", 2, 7, "'seed' must be an integer, got 'x'");
    check_problem(problems[1], "--set steps=ten", 0, 0, "'steps' must be an integer, got 'ten'");
    CHECK(problems[1].to_string() == "--set steps=ten: 'steps' must be an integer, got 'ten'");
  }

  TEST_CASE("an unknown --set path suggests the closest sibling") {
    auto problems = problems_of("model: toy\n", {"stpes=5"});
    REQUIRE(problems.size() == 1);
    check_problem(problems[0], "--set stpes=5", 0, 0,
                  "unknown key 'stpes' in the scenario root; did you mean 'steps'?");
    problems = problems_of("model: toy\n", {"output.snapshot_evry=5"});
    REQUIRE(problems.size() == 1);
    check_problem(problems[0], "--set output.snapshot_evry=5", 0, 0,
                  "unknown key 'snapshot_evry' in 'output'; did you mean 'snapshot_every'?");
  }

  TEST_CASE("a --set key without a section suggests the model's parameter of that name") {
    // `--set smes=2000` once suggested 'seed' (closer in letters) instead of 'ecosystem.smes'.
    auto problems = problems_of("model: toy\n", {"agents=5"});
    REQUIRE(problems.size() == 1);
    check_problem(problems[0], "--set agents=5", 0, 0,
                  "unknown key 'agents' in the scenario root; did you mean 'toy.agents'?");
    problems = problems_of("model: boltzmann\n", {"agents=5"});
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].message ==
          "unknown key 'agents' in the scenario root; did you mean 'boltzmann.agents'?");
    problems = problems_of("model: toy\n", {"shar=0.5"});
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].message == "unknown key 'shar' in the scenario root; did you mean 'toy.share'?");
    problems = problems_of("model: toy\n", {"zzzzzz=1"});
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].message.starts_with("unknown key 'zzzzzz' in the scenario root; expected one of: "));
  }

  TEST_CASE("a --set without '=' or with an empty path part is malformed") {
    for (const std::string override_text : {"steps", "output..events=true", "=5"}) {
      const auto problems = problems_of("model: toy\n", {override_text});
      REQUIRE(problems.size() == 1);
      check_problem(problems[0], "--set " + override_text, 0, 0,
                    "expected key.path=value, e.g. --set steps=200 or --set output.events=false");
    }
  }

  TEST_CASE("to_yaml writes the resolved scenario in schema order and reloads to an equal Config") {
    const sim::Config config = load_text(R"(toy:
  share: 1
  policies:
    - name: "10"
      budget_yuan: 0.1
  regions:
    north: {population: 3}
model: toy
description: "a: quoted text with 'quotes' and \"double quotes\""
seed: 12345678901
)");
    const std::string yaml = config.to_yaml();
    CHECK(yaml.rfind("model: toy\ndescription: ", 0) == 0);
    CHECK(yaml.find("share: 1.0\n") != std::string::npos);
    CHECK(yaml.find("seed: 12345678901\n") != std::string::npos);
    const sim::Config reloaded = sim::load_scenario_text(yaml, "resolved.yaml", toy_schema());
    CHECK(reloaded.to_yaml() == yaml);
    CHECK(reloaded.text("description") == config.text("description"));
    CHECK(reloaded.text("toy.policies.0.name") == "10");
    CHECK(reloaded.real("toy.policies.0.budget_yuan") == 0.1);
    CHECK(reloaded.real("toy.share") == 1.0);
    CHECK(reloaded.integer("seed") == 12345678901);
    CHECK(reloaded.integer("toy.regions.north.population") == 3);
  }

  TEST_CASE("reals survive to_yaml exactly") {
    sim::Config config = load_text("model: toy\n");
    for (const double share : {0.1, 1.0 / 3.0, 1e-300, 0.30000000000000004}) {
      config.set("toy.share", share);
      const sim::Config reloaded = sim::load_scenario_text(config.to_yaml(), "resolved.yaml", toy_schema());
      CHECK(reloaded.real("toy.share") == share);
    }
  }

  TEST_CASE("asking for an undeclared key or the wrong type is a logic error naming the path") {
    const sim::Config config = load_text("model: toy\n");
    CHECK_THROWS_WITH_AS((void)config.integer("toy.agnts"), doctest::Contains("'toy.agnts'"),
                         std::logic_error);
    CHECK_THROWS_WITH_AS((void)config.integer("boltzmann.agents"), doctest::Contains("'boltzmann.agents'"),
                         std::logic_error);
    CHECK_THROWS_WITH_AS((void)config.boolean("seed"), doctest::Contains("'seed' is an integer"),
                         std::logic_error);
    CHECK_THROWS_WITH_AS((void)config.real("seed"), doctest::Contains("'seed'"), std::logic_error);
    CHECK_THROWS_WITH_AS((void)config.text("steps"), doctest::Contains("'steps'"), std::logic_error);
    CHECK_THROWS_WITH_AS((void)config.integer("output"), doctest::Contains("'output'"), std::logic_error);
    CHECK_THROWS_WITH_AS((void)config.node("toy.nothing"), doctest::Contains("'toy.nothing'"),
                         std::logic_error);
  }

  TEST_CASE("set changes one Config and none of its copies") {
    sim::Config config = load_text("model: toy\n");
    const sim::Config copy = config;
    config.set("seed", std::int64_t{7});
    config.set("toy.share", std::int64_t{1});
    CHECK(config.integer("seed") == 7);
    CHECK(config.real("toy.share") == 1.0);
    CHECK(copy.integer("seed") == 1);
    CHECK_THROWS_AS(config.set("seed", std::string("seven")), std::logic_error);
    CHECK_THROWS_AS(config.set("output", std::int64_t{1}), std::logic_error);

    sim::Config assigned = copy;
    const sim::Config witness = assigned;
    assigned = config;
    CHECK(assigned.integer("seed") == 7);
    CHECK(witness.integer("seed") == 1);
  }

  TEST_CASE("node returns a copy that cannot change the Config") {
    const sim::Config config = load_text("model: toy\ntoy:\n  policies:\n    - name: a\n");
    YAML::Node policies = config.node("toy.policies");
    policies[0]["name"] = "changed";
    CHECK(config.text("toy.policies.0.name") == "a");
  }

  TEST_CASE("a comma that starts a document is reported at the comma, not looped on forever") {
    // yaml-cpp 0.7's LoadAll never returns on this input (found by fuzz/fuzz_scenario.cpp).
    check_only_problem(",", 1, 1, "unexpected ','; commas separate items only inside [ ] or { }");
    check_only_problem("# comment\n  , model: toy\n", 2, 3,
                       "unexpected ','; commas separate items only inside [ ] or { }");
  }

  TEST_CASE("a second document is reported at its first value") {
    check_only_problem("model: toy\n---\nmodel: toy\n", 3, 1,
                       "a scenario file holds one YAML document; found a second");
  }

  TEST_CASE("text that is not UTF-8 is reported at the first bad byte, column in characters") {
    check_only_problem("model: toy\ndescription: caf\xe9\n", 2, 17,
                       "the file is not UTF-8 text: found byte 0xE9; save it as UTF-8");
    check_only_problem("model: toy\ndescription: \xc3\xa9t\xc3\xa9 \xff\n", 2, 18,
                       "the file is not UTF-8 text: found byte 0xFF; save it as UTF-8");
    check_only_problem(std::string("model: toy\nsteps: 1") + '\0' + "0\n", 2, 9,
                       "the file is not UTF-8 text: found a NUL byte; save it as UTF-8");
    check_only_problem("\xff\xfem\0o\0", 1, 1,
                       "the file is not UTF-8 text: found a UTF-16 byte-order mark; save it as UTF-8");
    CHECK(problems_of("\xef\xbb\xbfmodel: toy\ndescription: \xe5\x8d\x97\xe6\xb2\x99\n").empty());
  }

  TEST_CASE("a --set value that is not UTF-8 is reported at the option") {
    const auto problems = problems_of("model: toy\n", {"description=caf\xe9"});
    REQUIRE(problems.size() == 1);
    check_problem(problems.front(), "--set description=caf\xe9", 0, 0,
                  "the value is not UTF-8 text: found byte 0xE9");
  }

  TEST_CASE("a base that is a device is refused instead of being read forever") {
    const fs::path folder = fs::temp_directory_path() / "innosim_test_base_device";
    fs::create_directories(folder);
    const fs::path file = folder / "child.yaml";
    std::ofstream(file) << "base: /dev/zero\nmodel: toy\n";
    const auto problems = file_problems(file);
    REQUIRE(problems.size() == 1);
    check_problem(problems.front(), file.string(), 1, 7, "base file '/dev/zero' is not a regular file");
    fs::remove_all(folder);
  }

  TEST_CASE("Config::location points at where each value was written") {
    const fs::path folder = fs::temp_directory_path() / "innosim_test_location";
    fs::create_directories(folder);
    std::ofstream(folder / "base.yaml") << "model: toy\ntoy:\n  agents: 5\n  share: 0.25\n";
    std::ofstream(folder / "child.yaml") << "base: base.yaml\ntoy:\n  share: 0.75\n";
    const sim::Config config = sim::load_scenario(folder / "child.yaml", toy_schema(), {"toy.verbose=true"});
    const auto at = [&](const std::string& path) { return config.location(path).to_string(); };
    CHECK(at("toy.agents") == (folder / "base.yaml").string() + ":3:11");
    CHECK(at("toy.share") == (folder / "child.yaml").string() + ":3:10");
    CHECK(at("toy.verbose") == "--set toy.verbose=true");
    CHECK(at("steps") == (folder / "child.yaml").string());  // a default: the scenario file
    const sim::Config copy = config;
    CHECK(copy.location("toy.agents").line == 3);
    fs::remove_all(folder);
  }

  TEST_CASE(
      "an unclosed flow list or mapping is reported where it was opened, not where the parser gave up") {
    check_only_problem("model: toy\ntoy:\n  weights: [1, [2, 3], 'a]' # ]\n  agents: 5\n", 3, 12,
                       "this '[' list is not closed with ']'");
    check_only_problem("model: toy\ntoy: {agents: 5, share: 0.5\nsteps: 5\n", 2, 6,
                       "this '{' mapping is not closed with '}'");
  }
  TEST_CASE("an object with variants takes the keys of the variant its type names, with their defaults") {
    const sim::Config config = sim::load_scenario_text(
        "model: toy\ntoy:\n  policies:\n    - {type: risk_pool, loss_share: 0.5}\n    - {type: voucher}\n"
        "    - {type: reform, budget_yuan: 5}\n",
        "toy.yaml", variant_schema());
    const YAML::Node policies = config.node("toy.policies");
    CHECK(policies[0]["loss_share"].as<double>() == 0.5);
    CHECK_FALSE(policies[0]["subsidy_share"]);
    CHECK(policies[1]["subsidy_share"].as<double>() == 0.25);
    CHECK(policies[1]["slots"].as<std::int64_t>() == 3);
    CHECK_FALSE(policies[1]["loss_share"]);
    CHECK(policies[2].size() == 2);
    CHECK(sim::load_scenario_text(config.to_yaml(), "again.yaml", variant_schema()).to_yaml() ==
          config.to_yaml());
  }

  TEST_CASE("a variant's key is range-checked, and a renamed or another variant's key is named as such") {
    const auto problems = variant_problems(
        "model: toy\ntoy:\n  policies:\n"
        "    - {type: risk_pool, rate: 0.5}\n"
        "    - {type: voucher, subsidy_share: 1.5, loss_share: 0.1}\n"
        "    - {type: reform, rate: 1, slots: 2, lose_share: 0}\n");
    REQUIRE(problems.size() == 6);
    check_problem(problems[0], "toy.yaml", 4, 25,
                  "'rate' in 'toy.policies[0]' was renamed; for a risk_pool use 'loss_share'");
    check_problem(problems[1], "toy.yaml", 5, 38, "'toy.policies[1].subsidy_share' must be ≤ 1, got 1.5");
    check_problem(problems[2], "toy.yaml", 5, 43,
                  "'loss_share' in 'toy.policies[1]' does not apply to a voucher; its own keys are: "
                  "subsidy_share, slots");
    check_problem(problems[3], "toy.yaml", 6, 22,
                  "'rate' in 'toy.policies[2]' does not apply to a reform; it takes only the common keys");
    check_problem(problems[4], "toy.yaml", 6, 31,
                  "'slots' in 'toy.policies[2]' does not apply to a reform; it takes only the common keys");
    check_problem(problems[5], "toy.yaml", 6, 41,
                  "unknown key 'lose_share' in 'toy.policies[2]'; expected one of: budget_yuan, type");
  }

  TEST_CASE("an unknown key of an object with variants suggests a close key of its variant") {
    const auto problems =
        variant_problems("model: toy\ntoy:\n  policies:\n    - {type: voucher, subsidy_shar: 1}\n");
    REQUIRE(problems.size() == 1);
    check_problem(problems[0], "toy.yaml", 4, 23,
                  "unknown key 'subsidy_shar' in 'toy.policies[0]'; did you mean 'subsidy_share'?");
  }
}
