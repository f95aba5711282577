// The schema: the engine's own keys, declaration checks, and the generated reference (Markdown)
// and JSON Schema.
#include <doctest/doctest.h>

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/schema.hpp"

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

// Just enough JSON to check the generated schema's structure: strict on syntax (so the test also
// checks that the output is valid JSON), objects keep their keys in order.
struct Json {
  enum class Type { null, boolean, number, string, array, object };
  Type type = Type::null;
  bool boolean = false;
  double number = 0.0;
  std::string text;
  std::vector<Json> items;        // array elements, or object values
  std::vector<std::string> keys;  // object keys, keys[i] names items[i]

  [[nodiscard]] bool has(const std::string& key) const {
    for (const auto& k : keys) {
      if (k == key) return true;
    }
    return false;
  }
  const Json& operator[](const std::string& key) const {
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] == key) return items[i];
    }
    throw std::out_of_range("no key '" + key + "'");
  }
};

class JsonParser {
 public:
  explicit JsonParser(std::string text) : text_(std::move(text)) {}

  Json parse() {
    Json value = parse_value();
    skip_space();
    if (position_ != text_.size()) fail("trailing text");
    return value;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("JSON: " + what + " at offset " + std::to_string(position_));
  }
  void skip_space() {
    while (position_ < text_.size() && std::string(" \t\r\n").find(text_[position_]) != std::string::npos)
      ++position_;
  }
  char peek() {
    skip_space();
    if (position_ >= text_.size()) fail("unexpected end");
    return text_[position_];
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++position_;
  }
  bool take_word(const std::string& word) {
    if (text_.compare(position_, word.size(), word) != 0) return false;
    position_ += word.size();
    return true;
  }

  Json parse_value() {
    const char c = peek();
    Json value;
    if (c == '{') return parse_object();
    if (c == '[') return parse_array();
    if (c == '"') {
      value.type = Json::Type::string;
      value.text = parse_string();
    } else if (take_word("true") || take_word("false")) {
      value.type = Json::Type::boolean;
      value.boolean = text_[position_ - 1] == 'e' && text_[position_ - 2] == 'u';
    } else if (take_word("null")) {
      value.type = Json::Type::null;
    } else {
      value.type = Json::Type::number;
      value.number = parse_number();
    }
    return value;
  }

  Json parse_object() {
    Json object;
    object.type = Json::Type::object;
    expect('{');
    if (peek() == '}') {
      ++position_;
      return object;
    }
    while (true) {
      if (peek() != '"') fail("expected a key");
      object.keys.push_back(parse_string());
      expect(':');
      object.items.push_back(parse_value());
      if (peek() == ',') {
        ++position_;
        continue;
      }
      expect('}');
      return object;
    }
  }

  Json parse_array() {
    Json array;
    array.type = Json::Type::array;
    expect('[');
    if (peek() == ']') {
      ++position_;
      return array;
    }
    while (true) {
      array.items.push_back(parse_value());
      if (peek() == ',') {
        ++position_;
        continue;
      }
      expect(']');
      return array;
    }
  }

  std::string parse_string() {
    expect('"');
    std::string out;
    while (true) {
      if (position_ >= text_.size()) fail("unterminated string");
      const char c = text_[position_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("raw control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      const char escape = text_[position_++];
      const std::string simple = "\"\\/bfnrt";
      const std::string meaning = "\"\\/\b\f\n\r\t";
      if (const auto at = simple.find(escape); at != std::string::npos) {
        out += meaning[at];
      } else if (escape == 'u') {
        out += static_cast<char>(std::stoi(text_.substr(position_, 4), nullptr, 16));  // ASCII is enough here
        position_ += 4;
      } else {
        fail("bad escape");
      }
    }
  }

  double parse_number() {
    // JSON's grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    const std::size_t start = position_;
    const auto digits = [&] {
      const std::size_t from = position_;
      while (position_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[position_])))
        ++position_;
      if (position_ == from) fail("expected digits");
    };
    if (text_[position_] == '-') ++position_;
    if (text_[position_] == '0') {
      ++position_;
    } else {
      digits();
    }
    if (text_[position_] == '.') {
      ++position_;
      digits();
    }
    if (text_[position_] == 'e' || text_[position_] == 'E') {
      ++position_;
      if (text_[position_] == '+' || text_[position_] == '-') ++position_;
      digits();
    }
    return std::strtod(text_.substr(start, position_ - start).c_str(), nullptr);
  }

  std::string text_;
  std::size_t position_ = 0;
};

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
    const Json schema = JsonParser(toy_schema().to_json_schema()).parse();
    CHECK(schema["$schema"].text == "https://json-schema.org/draft/2020-12/schema");
    CHECK(schema["type"].text == "object");
    CHECK_FALSE(schema["additionalProperties"].boolean);
    const Json& root = schema["properties"];
    CHECK(root.keys == std::vector<std::string>{"base", "model", "description", "seed", "replicates", "steps",
                                                "output", "toy", "other"});
    CHECK(root["model"]["enum"].items.size() == 2);
    CHECK(root["seed"]["type"].text == "integer");
    CHECK(root["seed"]["minimum"].number == 0);
    CHECK(root["seed"]["default"].number == 1);
    CHECK(root["steps"]["maximum"].number == 1000000);
    CHECK(root["steps"]["description"].text ==
          "Number of steps to simulate after the initial state (step 0) (unit: steps)");
    CHECK(root["output"]["properties"]["events"]["type"].text == "boolean");
    CHECK(root["output"]["properties"]["events"]["default"].boolean);
    CHECK_FALSE(root["output"]["additionalProperties"].boolean);
    CHECK(schema["else"]["required"].items.front().text == "model");

    const Json& toy = root["toy"];
    CHECK(toy["required"].items.size() == 1);
    CHECK(toy["required"].items.front().text == "label");
    CHECK(toy["properties"]["share"]["type"].text == "number");
    CHECK(toy["properties"]["share"]["maximum"].number == 1);
    CHECK(toy["properties"]["share"]["description"].text ==
          "Share of agents that start \"rich\"; a\\b\ttab (unit: 1)");
    CHECK(toy["properties"]["distribution"]["enum"].items.size() == 2);
    CHECK(toy["properties"]["distribution"]["default"].text == "normal");
    CHECK(toy["properties"]["weights"]["items"]["type"].text == "number");
    const Json& policy = toy["properties"]["policies"]["items"];
    CHECK(policy["properties"]["budget_yuan"]["default"].number == 1e9);
    CHECK(policy["required"].items.front().text == "name");
    CHECK(
        toy["properties"]["regions"]["additionalProperties"]["properties"]["population"]["minimum"].number ==
        0);

    // Naming a model forbids the other model's section.
    const Json& rule = schema["allOf"].items.front();
    CHECK(rule["if"]["properties"]["model"]["const"].text == "toy");
    CHECK(rule["then"]["properties"]["other"].type == Json::Type::boolean);
    CHECK_FALSE(rule["then"]["properties"]["other"].boolean);
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
    const Json json = JsonParser(schema.to_json_schema()).parse();
    const Json& items = json["properties"]["toy"]["properties"]["policies"]["items"];
    CHECK_FALSE(items["unevaluatedProperties"].boolean);
    CHECK(items["allOf"].items.size() == 2);
    CHECK(items["allOf"].items[0]["if"]["properties"]["type"]["const"].text == "risk_pool");
    CHECK(items["allOf"].items[0]["then"]["properties"]["loss_share"]["maximum"].number == 1);
    CHECK_THROWS_AS(policy.variant("type", "voucher", ""), std::logic_error);
    CHECK_THROWS_AS(policy.variant("kind", "reform", ""), std::logic_error);
  }
}
