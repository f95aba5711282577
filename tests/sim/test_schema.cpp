// The schema: the engine's own keys, declaration checks, and the generated reference (Markdown)
// and JSON Schema.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/scenario/schema.hpp"

namespace {

sim::Schema toy_schema() {
  sim::Schema schema;
  sim::ObjectSpec& toy = schema.add_model_section("toy", "A model with one field of every kind");
  toy.integer("agents", "agents", "Number of agents at step 0").default_value(100).at_least(1);
  toy.real("share", "1", "Share of agents that start \"rich\"; a\\b\ttab").default_value(0.5).between(0, 1);
  toy.boolean("verbose", "Print progress | or not").default_value(false);
  toy.choice("distribution", {"uniform", "normal"}, "Initial wealth distribution").default_value("normal");
  toy.text("label", "Required label").required();
  toy.list_of_scalars("weights", sim::ParamType::real, "1", "Weights of the agent kinds");
  sim::ObjectSpec& policy = toy.list_of_objects("policies", "Policies in force");
  policy.text("name", "Name of the policy").required();
  policy.real("budget_yuan", "yuan", "Budget per quarter").default_value(1e9).at_least(0);
  sim::ObjectSpec& region = toy.map_of_objects("regions", "Regions by name");
  region.integer("population", "people", "Residents at step 0").default_value(1000).at_least(0);
  schema.add_model_section("other", "Another model").integer("size", "cells", "Size").default_value(3);
  return schema;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_SUITE("schema") {
  TEST_CASE("the engine declares model, description, seed, replicates, steps and output in that order") {
    const sim::Schema schema;
    CHECK(schema.engine().field_names() ==
          std::vector<std::string>{"model", "description", "seed", "replicates", "steps", "output"});
    const sim::FieldSpec& steps = *schema.engine().find("steps");
    CHECK(steps.scalar.type == sim::ParamType::integer);
    CHECK(steps.scalar.unit == "steps");
    CHECK(std::get<std::int64_t>(*steps.scalar.default_value) == 100);
    CHECK(*steps.scalar.minimum == 1);
    CHECK(*steps.scalar.maximum == 1000000);
    CHECK_FALSE(schema.engine().find("model")->scalar.default_value.has_value());
    CHECK(schema.engine().find("output")->element->field_names() ==
          std::vector<std::string>{"snapshot_every", "events"});
    CHECK(schema.model_names().empty());
  }

  TEST_CASE("a real field's integer default is stored as a real") {
    sim::ObjectSpec spec;
    spec.real("share", "1", "Share").default_value(1);
    CHECK(std::get<double>(*spec.find("share")->scalar.default_value) == 1.0);
  }

  TEST_CASE("a declaration that contradicts itself is a logic error naming the field") {
    sim::ObjectSpec spec;
    CHECK_THROWS_WITH_AS(spec.integer("agents", "agents", "n").default_value(0).at_least(1),
                         doctest::Contains("'agents'"), std::logic_error);
    CHECK_THROWS_AS(spec.integer("agents", "agents", "again"), std::logic_error);
    CHECK_THROWS_AS(spec.integer("a.b", "1", "dotted"), std::logic_error);
    CHECK_THROWS_AS(spec.integer("count", "1", "n").default_value(0.5), std::logic_error);
    CHECK_THROWS_AS(spec.choice("kind", {"a", "b"}, "k").default_value("c"), std::logic_error);
    CHECK_THROWS_AS(spec.text("name", "n").at_least(0), std::logic_error);
    sim::Schema schema;
    schema.add_model_section("toy", "Toy");
    CHECK_THROWS_AS(schema.add_model_section("toy", "Again"), std::logic_error);
    CHECK_THROWS_AS(schema.add_model_section("steps", "Shadows an engine key"), std::logic_error);
  }

  TEST_CASE("a model section stays valid while more models are added") {
    sim::Schema schema;
    sim::ObjectSpec& first = schema.add_model_section("m0", "First");
    for (int i = 1; i < 50; ++i) schema.add_model_section("m" + std::to_string(i), "More");
    first.integer("agents", "agents", "Number of agents").default_value(1);
    CHECK(schema.model_section("m0")->find("agents") != nullptr);
    CHECK(schema.model_section("m49") != nullptr);
    CHECK(schema.model_section("m50") == nullptr);
  }

  TEST_CASE("the markdown reference has a row for every key, with sub-tables for lists and maps") {
    const std::string markdown = toy_schema().to_markdown();
    CHECK(contains(markdown, "\n## Engine\n"));
    CHECK(contains(markdown, "\n## Model `toy`\n"));
    CHECK(markdown.find("## Engine") < markdown.find("## Model `toy`"));
    CHECK(markdown.find("## Model `toy`") < markdown.find("## Model `other`"));
    for (const char* key : {"model",
                            "description",
                            "seed",
                            "replicates",
                            "steps",
                            "output",
                            "output.snapshot_every",
                            "output.events",
                            "toy.agents",
                            "toy.share",
                            "toy.verbose",
                            "toy.distribution",
                            "toy.label",
                            "toy.weights",
                            "toy.policies",
                            "toy.policies[].name",
                            "toy.policies[].budget_yuan",
                            "toy.regions",
                            "toy.regions.<name>.population",
                            "other.size"}) {
      CHECK_MESSAGE(contains(markdown, std::string("\n| `") + key + "` |"), key);
    }
    CHECK(
        contains(markdown,
                 "| `steps` | integer | steps | `100` | 1 to 1000000 | Number of steps to simulate after the "
                 "initial state (step 0) |\n"));
    CHECK(contains(markdown, "| `model` | text |  | *required* | `toy`, `other` |"));
    CHECK(contains(markdown, "| `output.snapshot_every` | integer | steps | `10` | ≥ 0 |"));
    CHECK(contains(markdown, "| `toy.distribution` | choice |  | `normal` | `uniform`, `normal` |"));
    CHECK(contains(markdown, "| `toy.policies[].budget_yuan` | real | yuan | `1e9` | ≥ 0 |"));
    CHECK(contains(markdown, "| `description` | text |  | `\"\"` |"));
    CHECK(contains(markdown, "Print progress \\| or not"));
    CHECK(contains(markdown, "\n### `toy.policies[]`\n"));
    CHECK(contains(markdown, "\n### `toy.regions.<name>`\n"));
  }

  TEST_CASE("the JSON schema is valid JSON with types, ranges, choices, defaults and required keys") {
    // Parsing is strict on syntax, so this also checks that the output is valid JSON; ordered_json
    // keeps the members in the order they were written.
    const auto schema = nlohmann::ordered_json::parse(toy_schema().to_json_schema());
    CHECK(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema");
    CHECK(schema["type"] == "object");
    CHECK(schema["additionalProperties"] == false);
    const auto& root = schema["properties"];
    std::vector<std::string> keys;
    for (const auto& item : root.items()) keys.push_back(item.key());
    CHECK(keys == std::vector<std::string>{"base", "model", "description", "seed", "replicates", "steps",
                                           "output", "toy", "other"});
    CHECK(root["model"]["enum"].size() == 2);
    CHECK(root["seed"]["type"] == "integer");
    CHECK(root["seed"]["minimum"].is_number_integer());
    CHECK(root["seed"]["minimum"] == 0);
    CHECK(root["seed"]["default"] == 1);
    CHECK(root["steps"]["maximum"] == 1000000);
    CHECK(root["steps"]["description"] ==
          "Number of steps to simulate after the initial state (step 0) (unit: steps)");
    CHECK(root["output"]["properties"]["events"]["type"] == "boolean");
    CHECK(root["output"]["properties"]["events"]["default"] == true);
    CHECK(root["output"]["additionalProperties"] == false);
    CHECK(schema["else"]["required"].front() == "model");

    const auto& toy = root["toy"];
    CHECK(toy["required"] == nlohmann::ordered_json::array({"label"}));
    CHECK(toy["properties"]["share"]["type"] == "number");
    CHECK(toy["properties"]["share"]["maximum"] == 1);
    CHECK(toy["properties"]["share"]["description"] ==
          "Share of agents that start \"rich\"; a\\b\ttab (unit: 1)");
    CHECK(toy["properties"]["distribution"]["enum"].size() == 2);
    CHECK(toy["properties"]["distribution"]["default"] == "normal");
    CHECK(toy["properties"]["weights"]["items"]["type"] == "number");
    const auto& policy = toy["properties"]["policies"]["items"];
    CHECK(policy["properties"]["budget_yuan"]["default"] == 1e9);
    CHECK(policy["required"].front() == "name");
    CHECK(toy["properties"]["regions"]["additionalProperties"]["properties"]["population"]["minimum"] == 0);

    // Naming a model forbids the other model's section.
    const auto& rule = schema["allOf"].front();
    CHECK(rule["if"]["properties"]["model"]["const"] == "toy");
    CHECK(rule["then"]["properties"]["other"] == false);
  }
  TEST_CASE("variants of a list element get one table per variant in markdown and if/then rules in JSON") {
    sim::Schema schema;
    sim::ObjectSpec& toy = schema.add_model_section("toy", "Typed instruments");
    sim::ObjectSpec& policy = toy.list_of_objects("policies", "Policies in force");
    policy.choice("type", {"risk_pool", "reform"}, "Instrument").required();
    policy.variant("type", "risk_pool", "Pays banks part of their losses")
        .real("loss_share", "1", "Share of a loss the pool pays")
        .default_value(0.0)
        .between(0, 1);
    policy.variant("type", "reform", "Nothing of its own");
    const std::string markdown = schema.to_markdown();
    CHECK(contains(markdown,
                   "\n#### `toy.policies[]` with `type: risk_pool`\n\nPays banks part of their losses\n"));
    CHECK(contains(
        markdown,
        "| `toy.policies[].loss_share` | real | 1 | `0` | 0 to 1 | Share of a loss the pool pays |"));
    CHECK(contains(markdown,
                   "\n#### `toy.policies[]` with `type: reform`\n\nNothing of its own\n\nNo keys besides"));
    const auto json = nlohmann::ordered_json::parse(schema.to_json_schema());
    const auto& items = json["properties"]["toy"]["properties"]["policies"]["items"];
    CHECK(items["unevaluatedProperties"] == false);
    CHECK(items["allOf"].size() == 2);
    CHECK(items["allOf"][0]["if"]["properties"]["type"]["const"] == "risk_pool");
    CHECK(items["allOf"][0]["then"]["properties"]["loss_share"]["maximum"] == 1);
    CHECK_THROWS_AS(policy.variant("type", "voucher", ""), std::logic_error);
    CHECK_THROWS_AS(policy.variant("kind", "reform", ""), std::logic_error);
  }
  TEST_CASE(
      "a list keyed by name takes in JSON the forms of a base file: elements, changes, removals or replace") {
    sim::Schema schema;
    sim::ObjectSpec& toy = schema.add_model_section("toy", "Named instruments");
    sim::ObjectSpec& policy = toy.list_of_objects("policies", "Policies in force");
    policy.keyed_by("name");
    policy.text("name", "Its name").default_value(std::string(""));
    policy.choice("type", {"risk_pool", "reform"}, "Instrument").required();
    policy.variant("type", "risk_pool", "Pays banks part of their losses");
    const auto json = nlohmann::ordered_json::parse(schema.to_json_schema());
    const auto& forms = json["properties"]["toy"]["properties"]["policies"]["anyOf"];
    REQUIRE(forms.size() == 2);
    const auto& items = forms[0]["items"]["anyOf"];
    REQUIRE(items.size() == 3);
    CHECK(items[0]["required"] == nlohmann::ordered_json::array({"type"}));  // a whole element
    CHECK(items[1]["properties"]["remove"]["const"] == true);                // a removal
    CHECK(items[2]["required"] == nlohmann::ordered_json::array({"name"}));
    CHECK(items[2]["not"]["anyOf"][1]["required"] ==
          nlohmann::ordered_json::array({"type"}));  // a change by name
    CHECK(forms[1]["required"] == nlohmann::ordered_json::array({"replace"}));
    CHECK(forms[1]["properties"]["replace"]["items"]["required"] == nlohmann::ordered_json::array({"type"}));
  }
}
