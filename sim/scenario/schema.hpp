#pragma once
// The scenario schema: every parameter declared once, with type, unit, default, allowed range and
// description. It drives validation of scenario files, the defaults, `innosim schema` (Markdown
// reference and JSON Schema) and so the docs. The engine declares its own section (model, seed,
// steps, output, ...); each model adds one section named after the model.
//
//   ObjectSpec& s = schema.add_model_section("boltzmann", "Boltzmann wealth model (Mesa benchmark)");
//   s.integer("agents", "agents", "Number of agents at step 0").default_value(100).at_least(1);
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sim {

// The version of the scenario language (engine keys, inheritance, --set, value syntax), written in
// every output's manifest. Raise it when a scenario that loaded before would now load differently
// or be refused, so `innosim reproduce` can say that the file's scenario is read another way here.
inline constexpr std::int64_t kScenarioSchemaVersion = 1;

enum class ParamType { integer, real, boolean, text, choice };

// A scalar value as written in a scenario after validation.
using ScalarValue = std::variant<std::int64_t, double, bool, std::string>;

struct ScalarSpec {
  ParamType type = ParamType::real;
  std::string unit;  // "agents", "euro", "quarters", "1/quarter"; "1" for dimensionless shares
  std::optional<ScalarValue> default_value;  // none: the key is required
  std::optional<double> minimum;             // inclusive, integer and real only
  std::optional<double> maximum;             // inclusive, integer and real only
  std::vector<std::string> choices;          // for ParamType::choice
};

class ObjectSpec;

// One key of an object: a scalar, a nested object, a list of objects (e.g. policies) or a map
// from user-chosen names to objects (e.g. regions).
struct FieldSpec {
  enum class Kind { scalar, object, list_of_objects, map_of_objects, list_of_scalars };
  std::string name;
  std::string description;
  Kind kind = Kind::scalar;
  ScalarSpec scalar;                    // for scalar and list_of_scalars (element type)
  std::shared_ptr<ObjectSpec> element;  // for object, list_of_objects, map_of_objects

  // Fluent setters for scalar fields, so declarations read as one line each.
  FieldSpec& default_value(ScalarValue value);
  FieldSpec& at_least(double minimum);
  FieldSpec& at_most(double maximum);
  FieldSpec& between(double minimum, double maximum);
  FieldSpec& required();  // no default: the scenario must give it
};

class ObjectSpec {
 public:
  explicit ObjectSpec(std::string description = {}) : description_(std::move(description)) {}

  FieldSpec& integer(std::string name, std::string unit, std::string description);
  FieldSpec& real(std::string name, std::string unit, std::string description);
  FieldSpec& boolean(std::string name, std::string description);
  FieldSpec& text(std::string name, std::string description);
  FieldSpec& choice(std::string name, std::vector<std::string> choices, std::string description);
  FieldSpec& list_of_scalars(std::string name, ParamType type, std::string unit, std::string description);
  ObjectSpec& object(std::string name, std::string description);
  ObjectSpec& list_of_objects(std::string name, std::string description);  // returns element spec
  ObjectSpec& map_of_objects(std::string name, std::string description);   // returns element spec

  // The keys an object takes besides its own when its choice field `key` has `value`: a policy of
  // `type: risk_pool` takes `loss_share`, a `pilot_voucher` takes `subsidy_share`. Every variant
  // of an object hangs off the same choice field, declared before; returns the variant's keys.
  ObjectSpec& variant(const std::string& key, const std::string& value, std::string description);
  // A key this object (or variant) once took and the key that replaced it, so a scenario in the
  // old form is told what to write: "'rate' was renamed; for a risk_pool use 'loss_share'".
  ObjectSpec& renamed(std::string old_key, std::string new_key);
  // For the element of a list_of_objects: the key that names an element (`name` for policies).
  // When a file with `base:` gives the same list, elements are merged by this key: a matching
  // name overrides the base's element key by key, a new name is appended, `{name: X, remove:
  // true}` removes the base's element, and `{replace: [...]}` replaces the whole list. --set
  // addresses one element as `list[NAME].key=value`.
  ObjectSpec& keyed_by(std::string key);
  [[nodiscard]] const std::string& identity_key() const { return identity_key_; }  // "" if none

  struct Variant {
    std::string value;  // of the choice field variant_key()
    std::shared_ptr<ObjectSpec> spec;
  };

  [[nodiscard]] const std::string& description() const { return description_; }
  [[nodiscard]] const std::vector<FieldSpec>& fields() const { return fields_; }
  [[nodiscard]] const FieldSpec* find(const std::string& name) const;
  [[nodiscard]] std::vector<std::string> field_names() const;
  [[nodiscard]] const std::string& variant_key() const { return variant_key_; }  // "" without variants
  [[nodiscard]] const std::vector<Variant>& variants() const { return variants_; }
  [[nodiscard]] const ObjectSpec* find_variant(const std::string& value) const;
  // The key that replaced `old_key`, or "" when it was not renamed.
  [[nodiscard]] std::string new_name_of(const std::string& old_key) const;

 private:
  FieldSpec& add(FieldSpec field);
  std::string description_;
  std::vector<FieldSpec> fields_;
  std::string variant_key_;
  std::string identity_key_;
  std::vector<Variant> variants_;
  std::vector<std::pair<std::string, std::string>> renamed_;  // old key, new key
};

// The whole schema: the engine's root object plus one section per model. A scenario names its
// model with the root key `model:`; only that model's section may appear in it.
class Schema {
 public:
  Schema();  // declares the engine's own keys (model, description, seed, replicates, steps, output)

  ObjectSpec& engine() { return engine_; }
  [[nodiscard]] const ObjectSpec& engine() const { return engine_; }
  ObjectSpec& add_model_section(const std::string& model_name, std::string description);
  [[nodiscard]] const ObjectSpec* model_section(const std::string& model_name) const;
  [[nodiscard]] std::vector<std::string> model_names() const;

  // The reference documentation: one table per section with key, type, unit, default, range
  // and description (docs/scenario-reference.md is generated from it).
  [[nodiscard]] std::string to_markdown() const;
  // JSON Schema (draft 2020-12) for editors and external validators.
  [[nodiscard]] std::string to_json_schema() const;

 private:
  ObjectSpec engine_;
  // A deque, so the ObjectSpec& that add_model_section returns stays valid when more models are added.
  std::deque<std::pair<std::string, ObjectSpec>> models_;
};

}  // namespace sim
