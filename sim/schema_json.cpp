// Schema::to_json_schema: JSON Schema (draft 2020-12) of a scenario file, for editors and validators.
#include "sim/json_text.hpp"
#include "sim/schema.hpp"
#include "sim/schema_format.hpp"

namespace sim {

namespace {

// Streams indented JSON; commas and line breaks are placed from the nesting, so the callers below
// read like the schema they write.
class JsonWriter {
 public:
  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }

  JsonWriter& key(const std::string& name) {
    start_value();
    out_ += json_string(name) + ": ";
    after_key_ = true;
    return *this;
  }
  JsonWriter& value(const std::string& text) { return raw(json_string(text)); }
  JsonWriter& value(const char* text) { return raw(json_string(text)); }
  JsonWriter& value(bool flag) { return raw(flag ? "true" : "false"); }
  JsonWriter& value(const ScalarValue& scalar) {
    if (const auto* text = std::get_if<std::string>(&scalar)) return value(*text);
    return raw(
        schema_format::format_scalar(scalar));  // integers, finite reals and booleans are JSON as written
  }
  // Short lists of names stay on one line: "required": ["model"].
  JsonWriter& value(const std::vector<std::string>& texts) {
    std::string inline_array = "[";
    for (std::size_t i = 0; i < texts.size(); ++i)
      inline_array += (i > 0 ? ", " : "") + json_string(texts[i]);
    return raw(inline_array + "]");
  }
  JsonWriter& number(double bound, ParamType type) { return raw(schema_format::format_bound(bound, type)); }

  std::string text() && { return std::move(out_) + "\n"; }

 private:
  void start_value() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (has_items_.empty()) return;
    if (has_items_.back()) out_ += ",";
    out_ += "\n" + std::string(2 * has_items_.size(), ' ');
    has_items_.back() = true;
  }
  JsonWriter& raw(const std::string& text) {
    start_value();
    out_ += text;
    return *this;
  }
  JsonWriter& open(char bracket) {
    start_value();
    out_ += bracket;
    has_items_.push_back(false);
    return *this;
  }
  JsonWriter& close(char bracket) {
    const bool had_items = has_items_.back();
    has_items_.pop_back();
    if (had_items) out_ += "\n" + std::string(2 * has_items_.size(), ' ');
    out_ += bracket;
    return *this;
  }

  std::string out_;
  std::vector<bool> has_items_;  // one per open object or array: whether it has a member yet
  bool after_key_ = false;
};

std::string with_unit(const std::string& description, const std::string& unit) {
  return unit.empty() ? description : description + " (unit: " + unit + ")";
}

const char* json_type(ParamType type) {
  switch (type) {
    case ParamType::integer:
      return "integer";
    case ParamType::real:
      return "number";
    case ParamType::boolean:
      return "boolean";
    case ParamType::text:
    case ParamType::choice:
      return "string";
  }
  return "string";
}

// The members of a scalar's schema (inside an open object): type, range or choices.
void write_scalar_constraints(JsonWriter& json, const ScalarSpec& spec) {
  json.key("type").value(json_type(spec.type));
  if (spec.type == ParamType::choice) json.key("enum").value(spec.choices);
  if (spec.minimum) json.key("minimum").number(*spec.minimum, spec.type);
  if (spec.maximum) json.key("maximum").number(*spec.maximum, spec.type);
}

void write_object(JsonWriter& json, const ObjectSpec& spec, const std::string& description);

void write_field(JsonWriter& json, const FieldSpec& field) {
  switch (field.kind) {
    case FieldSpec::Kind::scalar:
      json.begin_object().key("description").value(with_unit(field.description, field.scalar.unit));
      write_scalar_constraints(json, field.scalar);
      if (field.scalar.default_value) json.key("default").value(*field.scalar.default_value);
      json.end_object();
      return;
    case FieldSpec::Kind::list_of_scalars:
      json.begin_object().key("description").value(with_unit(field.description, field.scalar.unit));
      json.key("type").value("array").key("items").begin_object();
      write_scalar_constraints(json, field.scalar);
      json.end_object().key("default").value(std::vector<std::string>{}).end_object();
      return;
    case FieldSpec::Kind::object:
      write_object(json, *field.element, field.description);
      return;
    case FieldSpec::Kind::list_of_objects:
      json.begin_object().key("description").value(field.description).key("type").value("array");
      json.key("items");
      write_object(json, *field.element, field.element->description());
      json.end_object();
      return;
    case FieldSpec::Kind::map_of_objects:
      json.begin_object().key("description").value(field.description).key("type").value("object");
      json.key("additionalProperties");
      write_object(json, *field.element, field.element->description());
      json.end_object();
      return;
  }
}

std::vector<std::string> required_keys(const ObjectSpec& spec) {
  std::vector<std::string> keys;
  for (const auto& field : spec.fields()) {
    if (field.kind == FieldSpec::Kind::scalar && !field.scalar.default_value) keys.push_back(field.name);
  }
  return keys;
}

void write_properties(JsonWriter& json, const ObjectSpec& spec) {
  for (const auto& field : spec.fields()) {
    json.key(field.name);
    write_field(json, field);
  }
}

void write_object(JsonWriter& json, const ObjectSpec& spec, const std::string& description) {
  json.begin_object();
  if (!description.empty()) json.key("description").value(description);
  json.key("type").value("object").key("properties").begin_object();
  write_properties(json, spec);
  json.end_object();
  if (const auto required = required_keys(spec); !required.empty()) json.key("required").value(required);
  if (spec.variants().empty()) {
    json.key("additionalProperties").value(false);
    json.end_object();
    return;
  }
  // Keys that depend on the variant key (a policy's type): each variant's keys apply when the
  // variant key has its value; any other key is rejected (unevaluatedProperties sees through
  // the if/then branches that applied).
  json.key("allOf").begin_array();
  for (const auto& variant : spec.variants()) {
    json.begin_object().key("if").begin_object();
    json.key("properties")
        .begin_object()
        .key(spec.variant_key())
        .begin_object()
        .key("const")
        .value(variant.value);
    json.end_object().end_object();
    json.key("required").value(std::vector<std::string>{spec.variant_key()}).end_object();
    json.key("then").begin_object();
    if (!variant.spec->description().empty()) json.key("description").value(variant.spec->description());
    json.key("properties").begin_object();
    write_properties(json, *variant.spec);
    json.end_object();
    if (const auto required = required_keys(*variant.spec); !required.empty())
      json.key("required").value(required);
    json.end_object().end_object();
  }
  json.end_array();
  json.key("unevaluatedProperties").value(false);
  json.end_object();
}

// For each model: when `model` names it, every other model's section is forbidden.
void write_model_rules(JsonWriter& json, const std::vector<std::string>& models) {
  json.key("allOf").begin_array();
  for (const auto& model : models) {
    json.begin_object().key("if").begin_object();
    json.key("properties").begin_object().key("model").begin_object().key("const").value(model).end_object();
    json.end_object().key("required").value(std::vector<std::string>{"model"}).end_object();
    json.key("then").begin_object().key("properties").begin_object();
    for (const auto& other : models) {
      if (other != model) json.key(other).value(false);
    }
    json.end_object().end_object().end_object();
  }
  json.end_array();
}

}  // namespace

std::string Schema::to_json_schema() const {
  JsonWriter json;
  json.begin_object();
  json.key("$schema").value("https://json-schema.org/draft/2020-12/schema");
  json.key("title").value("innosim scenario");
  json.key("description").value(engine_.description());
  json.key("type").value("object").key("properties").begin_object();
  json.key("base").begin_object();
  json.key("description")
      .value("Scenario file this one inherits from, relative to this file; this file wins");
  json.key("type").value("string").end_object();
  for (const auto& field : engine_.fields()) {
    json.key(field.name);
    if (field.name == "model" && !models_.empty()) {
      // Plain text in the schema, but only a registered model is accepted when loading.
      json.begin_object().key("description").value(field.description).key("type").value("string");
      json.key("enum").value(model_names()).end_object();
    } else {
      write_field(json, field);
    }
  }
  for (const auto& [name, spec] : models_) {
    json.key(name);
    write_object(json, spec, spec.description());
  }
  json.end_object().key("additionalProperties").value(false);
  // A file with `base:` may inherit its required keys, `model:` included.
  json.key("if").begin_object().key("required").value(std::vector<std::string>{"base"}).end_object();
  json.key("else").begin_object().key("required").value(required_keys(engine_)).end_object();
  if (models_.size() > 1) write_model_rules(json, model_names());
  json.end_object();
  return std::move(json).text();
}

}  // namespace sim
