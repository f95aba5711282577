#include "sim/scenario/schema.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "sim/scenario/schema_format.hpp"

namespace sim {

namespace {

bool is_numeric(ParamType type) { return type == ParamType::integer || type == ParamType::real; }

// Schema declarations are code, so a contradiction in one is a programming error, reported when
// the schema is built rather than when a scenario happens to rely on it.
[[noreturn]] void schema_bug(const std::string& field, const std::string& problem) {
  throw std::logic_error("schema: field '" + field + "': " + problem);
}

// The default as the field's type holds it: an integer literal given for a real becomes a double.
ScalarValue normalized_default(const FieldSpec& field, ScalarValue value) {
  const ScalarSpec& spec = field.scalar;
  switch (spec.type) {
    case ParamType::integer:
      if (!std::holds_alternative<std::int64_t>(value)) schema_bug(field.name, "default must be an integer");
      return value;
    case ParamType::real:
      if (const auto* integer = std::get_if<std::int64_t>(&value)) return static_cast<double>(*integer);
      if (!std::holds_alternative<double>(value)) schema_bug(field.name, "default must be a number");
      if (!std::isfinite(std::get<double>(value))) schema_bug(field.name, "default must be finite");
      return value;
    case ParamType::boolean:
      if (!std::holds_alternative<bool>(value)) schema_bug(field.name, "default must be true or false");
      return value;
    case ParamType::text:
    case ParamType::choice:
      if (!std::holds_alternative<std::string>(value)) schema_bug(field.name, "default must be text");
      return value;
  }
  return value;
}

double numeric_value(const ScalarValue& value) {
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return static_cast<double>(*integer);
  return std::get<double>(value);
}

// Checked whenever the default or a bound changes, whichever is declared last.
void check_default_allowed(const FieldSpec& field) {
  const ScalarSpec& spec = field.scalar;
  if (!spec.default_value) return;
  if (is_numeric(spec.type)) {
    const double value = numeric_value(*spec.default_value);
    if ((spec.minimum && value < *spec.minimum) || (spec.maximum && value > *spec.maximum)) {
      schema_bug(field.name, "default " + schema_format::format_scalar(*spec.default_value) + " is outside " +
                                 schema_format::format_range(spec));
    }
  }
  if (spec.type == ParamType::choice) {
    const auto& text = std::get<std::string>(*spec.default_value);
    if (std::find(spec.choices.begin(), spec.choices.end(), text) == spec.choices.end()) {
      schema_bug(field.name, "default '" + text + "' is not one of the choices");
    }
  }
}

void require_numeric(const FieldSpec& field, const char* setter) {
  const bool holds_scalars =
      field.kind == FieldSpec::Kind::scalar || field.kind == FieldSpec::Kind::list_of_scalars;
  if (!holds_scalars || !is_numeric(field.scalar.type)) {
    schema_bug(field.name, std::string(setter) + " applies only to integer and real fields");
  }
}

FieldSpec scalar_field(std::string name, ParamType type, std::string unit, std::string description) {
  FieldSpec field;
  field.name = std::move(name);
  field.description = std::move(description);
  field.kind = FieldSpec::Kind::scalar;
  field.scalar.type = type;
  field.scalar.unit = std::move(unit);
  return field;
}

FieldSpec object_field(std::string name, FieldSpec::Kind kind, std::string description) {
  FieldSpec field;
  field.name = std::move(name);
  field.kind = kind;
  field.element = std::make_shared<ObjectSpec>(description);
  field.description = std::move(description);
  return field;
}

}  // namespace

FieldSpec& FieldSpec::default_value(ScalarValue value) {
  if (kind != Kind::scalar) schema_bug(name, "only scalar fields take a default");
  scalar.default_value = normalized_default(*this, std::move(value));
  check_default_allowed(*this);
  return *this;
}

FieldSpec& FieldSpec::at_least(double minimum) {
  require_numeric(*this, "at_least");
  scalar.minimum = minimum;
  check_default_allowed(*this);
  return *this;
}

FieldSpec& FieldSpec::at_most(double maximum) {
  require_numeric(*this, "at_most");
  scalar.maximum = maximum;
  check_default_allowed(*this);
  return *this;
}

FieldSpec& FieldSpec::between(double minimum, double maximum) {
  if (minimum > maximum) schema_bug(name, "between() needs minimum ≤ maximum");
  at_least(minimum);
  return at_most(maximum);
}

FieldSpec& FieldSpec::required() {
  if (kind != Kind::scalar) schema_bug(name, "only scalar fields can be required");
  scalar.default_value.reset();
  return *this;
}

FieldSpec& ObjectSpec::integer(std::string name, std::string unit, std::string description) {
  return add(scalar_field(std::move(name), ParamType::integer, std::move(unit), std::move(description)));
}

FieldSpec& ObjectSpec::real(std::string name, std::string unit, std::string description) {
  return add(scalar_field(std::move(name), ParamType::real, std::move(unit), std::move(description)));
}

FieldSpec& ObjectSpec::boolean(std::string name, std::string description) {
  return add(scalar_field(std::move(name), ParamType::boolean, {}, std::move(description)));
}

FieldSpec& ObjectSpec::text(std::string name, std::string description) {
  return add(scalar_field(std::move(name), ParamType::text, {}, std::move(description)));
}

FieldSpec& ObjectSpec::choice(std::string name, std::vector<std::string> choices, std::string description) {
  if (choices.empty()) schema_bug(name, "a choice needs at least one choice");
  FieldSpec field = scalar_field(std::move(name), ParamType::choice, {}, std::move(description));
  field.scalar.choices = std::move(choices);
  return add(std::move(field));
}

FieldSpec& ObjectSpec::list_of_scalars(std::string name, ParamType type, std::string unit,
                                       std::string description) {
  FieldSpec field = scalar_field(std::move(name), type, std::move(unit), std::move(description));
  field.kind = FieldSpec::Kind::list_of_scalars;
  return add(std::move(field));
}

ObjectSpec& ObjectSpec::object(std::string name, std::string description) {
  return *add(object_field(std::move(name), FieldSpec::Kind::object, std::move(description))).element;
}

ObjectSpec& ObjectSpec::list_of_objects(std::string name, std::string description) {
  return *add(object_field(std::move(name), FieldSpec::Kind::list_of_objects, std::move(description)))
              .element;
}

ObjectSpec& ObjectSpec::map_of_objects(std::string name, std::string description) {
  return *add(object_field(std::move(name), FieldSpec::Kind::map_of_objects, std::move(description))).element;
}

const FieldSpec* ObjectSpec::find(const std::string& name) const {
  const auto it =
      std::find_if(fields_.begin(), fields_.end(), [&](const FieldSpec& f) { return f.name == name; });
  return it == fields_.end() ? nullptr : &*it;
}

std::vector<std::string> ObjectSpec::field_names() const {
  std::vector<std::string> names;
  names.reserve(fields_.size());
  for (const auto& field : fields_) names.push_back(field.name);
  return names;
}

ObjectSpec& ObjectSpec::keyed_by(std::string key) {
  identity_key_ = std::move(key);
  return *this;
}

ObjectSpec& ObjectSpec::variant(const std::string& key, const std::string& value, std::string description) {
  const FieldSpec* choice = find(key);
  if (choice == nullptr || choice->kind != FieldSpec::Kind::scalar ||
      choice->scalar.type != ParamType::choice) {
    schema_bug(key, "a variant needs a choice field declared before it");
  }
  if (!variant_key_.empty() && variant_key_ != key)
    schema_bug(key, "variants hang off one field, '" + variant_key_ + "'");
  const auto& choices = choice->scalar.choices;
  if (std::find(choices.begin(), choices.end(), value) == choices.end()) {
    schema_bug(key, "variant '" + value + "' is not one of its choices");
  }
  if (find_variant(value) != nullptr) schema_bug(key, "variant '" + value + "' declared twice");
  variant_key_ = key;
  variants_.push_back({value, std::make_shared<ObjectSpec>(std::move(description))});
  return *variants_.back().spec;
}

ObjectSpec& ObjectSpec::renamed(std::string old_key, std::string new_key) {
  if (!new_name_of(old_key).empty()) schema_bug(old_key, "renamed twice");
  renamed_.emplace_back(std::move(old_key), std::move(new_key));
  return *this;
}

const ObjectSpec* ObjectSpec::find_variant(const std::string& value) const {
  const auto it =
      std::find_if(variants_.begin(), variants_.end(), [&](const Variant& v) { return v.value == value; });
  return it == variants_.end() ? nullptr : it->spec.get();
}

std::string ObjectSpec::new_name_of(const std::string& old_key) const {
  for (const auto& [old_name, new_name] : renamed_)
    if (old_name == old_key) return new_name;
  return {};
}

FieldSpec& ObjectSpec::add(FieldSpec field) {
  // Dots separate path parts ("output.snapshot_every"), so a name with one could not be addressed.
  if (field.name.empty() || field.name.find_first_of(".[]=") != std::string::npos) {
    schema_bug(field.name, "names must be non-empty and contain none of . [ ] =");
  }
  if (find(field.name) != nullptr) schema_bug(field.name, "declared twice");
  fields_.push_back(std::move(field));
  return fields_.back();
}

Schema::Schema()
    : engine_("Engine keys: which model to run, for how long, with which seed, and what to write.") {
  engine_.text("model", "Name of the model to run; one of the registered models").required();
  engine_.text("description", "Free text describing the scenario").default_value(std::string{});
  engine_.integer("seed", "1", "Master seed of the counter-based random streams")
      .default_value(1)
      .at_least(0);
  engine_
      .integer("replicates", "runs",
               "Number of independent runs, each with its own random streams from the seed")
      .default_value(1)
      .between(1, 100000);
  engine_.integer("steps", "steps", "Number of steps to simulate after the initial state (step 0)")
      .default_value(100)
      .between(1, 1000000);
  ObjectSpec& output = engine_.object("output", "What a run writes besides the metrics");
  output.integer("snapshot_every", "steps", "Write agent panels every this many steps; 0 writes none")
      .default_value(10)
      .at_least(0);
  output.boolean("events", "Write event tables").default_value(true);
}

ObjectSpec& Schema::add_model_section(const std::string& model_name, std::string description) {
  // The section sits at the root next to the engine's keys, so its name must not shadow one.
  if (engine_.find(model_name) != nullptr || model_name == "base") {
    schema_bug(model_name, "a model section cannot be named after a root key");
  }
  if (model_section(model_name) != nullptr) schema_bug(model_name, "model section declared twice");
  if (model_name.empty() || model_name.find_first_of(".[]=") != std::string::npos) {
    schema_bug(model_name, "model names must be non-empty and contain none of . [ ] =");
  }
  models_.emplace_back(model_name, ObjectSpec(std::move(description)));
  return models_.back().second;
}

const ObjectSpec* Schema::model_section(const std::string& model_name) const {
  const auto it =
      std::find_if(models_.begin(), models_.end(), [&](const auto& m) { return m.first == model_name; });
  return it == models_.end() ? nullptr : &it->second;
}

std::vector<std::string> Schema::model_names() const {
  std::vector<std::string> names;
  names.reserve(models_.size());
  for (const auto& model : models_) names.push_back(model.first);
  return names;
}

}  // namespace sim
