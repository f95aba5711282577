// Schema::to_json_schema: JSON Schema (draft 2020-12) of a scenario file, for editors and validators.
#include <nlohmann/json.hpp>

#include <cmath>
#include <variant>

#include "sim/scenario/schema.hpp"

namespace sim {

namespace {

// Members keep the order they are written in, so the schema reads like the scenario reference.
using Json = nlohmann::ordered_json;

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

Json scalar_json(const ScalarValue& value) {
  return std::visit([](const auto& v) { return Json(v); }, value);
}

// A bound of an integer parameter is an integer in the schema ("minimum": 1, not 1.0).
Json bound_json(double bound, ParamType type) {
  if (type == ParamType::integer && std::trunc(bound) == bound && std::fabs(bound) < 9.2e18) {
    return Json(static_cast<std::int64_t>(bound));
  }
  return Json(bound);
}

// The members of a scalar's schema: type, range or choices.
void add_scalar_constraints(Json& json, const ScalarSpec& spec) {
  json["type"] = json_type(spec.type);
  if (spec.type == ParamType::choice) json["enum"] = spec.choices;
  if (spec.minimum) json["minimum"] = bound_json(*spec.minimum, spec.type);
  if (spec.maximum) json["maximum"] = bound_json(*spec.maximum, spec.type);
}

Json object_json(const ObjectSpec& spec, const std::string& description);
Json keyed_list_json(const FieldSpec& field);

// A list keyed by name (ObjectSpec::keyed_by) in the forms a file with `base:` may use: elements
// (a whole element; one that names a base's element without its variant key and changes some of
// its keys, which are then left to `innosim check`; `{NAME: .., remove: true}`), or
// `{replace: [whole elements]}`.
Json keyed_list_json(const FieldSpec& field) {
  const std::string& key = field.element->identity_key();
  const Json element = object_json(*field.element, field.element->description());
  const Json named = {{"type", "string"}};
  const Json removal = {{"description", "Removes the base's element of this name"},
                        {"type", "object"},
                        {"properties", {{key, named}, {"remove", {{"const", true}}}}},
                        {"required", {key, "remove"}},
                        {"additionalProperties", false}};
  // A change names no type (with one, the element is checked whole) and removes nothing.
  Json not_in_change = Json::array({{{"required", {"remove"}}}});
  if (!field.element->variant_key().empty())
    not_in_change.push_back({{"required", {field.element->variant_key()}}});
  const Json change = {{"description", "Changes some keys of the base's element of this name"},
                       {"type", "object"},
                       {"properties", {{key, named}}},
                       {"required", {key}},
                       {"not", {{"anyOf", not_in_change}}}};
  const Json replacement = {{"description", "Replaces the base's whole list"},
                            {"type", "object"},
                            {"properties", {{"replace", {{"type", "array"}, {"items", element}}}}},
                            {"required", {"replace"}},
                            {"additionalProperties", false}};
  return {{"description", field.description + " (keyed by '" + key + "': merged with a base's list by it)"},
          {"anyOf", {{{"type", "array"}, {"items", {{"anyOf", {element, removal, change}}}}}, replacement}}};
}

Json field_json(const FieldSpec& field) {
  switch (field.kind) {
    case FieldSpec::Kind::scalar: {
      Json json = {{"description", with_unit(field.description, field.scalar.unit)}};
      add_scalar_constraints(json, field.scalar);
      if (field.scalar.default_value) json["default"] = scalar_json(*field.scalar.default_value);
      return json;
    }
    case FieldSpec::Kind::list_of_scalars: {
      Json items = Json::object();
      add_scalar_constraints(items, field.scalar);
      return {{"description", with_unit(field.description, field.scalar.unit)},
              {"type", "array"},
              {"items", items},
              {"default", Json::array()}};
    }
    case FieldSpec::Kind::object:
      return object_json(*field.element, field.description);
    case FieldSpec::Kind::list_of_objects:
      if (!field.element->identity_key().empty()) return keyed_list_json(field);
      return {{"description", field.description},
              {"type", "array"},
              {"items", object_json(*field.element, field.element->description())}};
    case FieldSpec::Kind::map_of_objects:
      return {{"description", field.description},
              {"type", "object"},
              {"additionalProperties", object_json(*field.element, field.element->description())}};
  }
  return Json::object();
}

std::vector<std::string> required_keys(const ObjectSpec& spec) {
  std::vector<std::string> keys;
  for (const auto& field : spec.fields()) {
    if (field.kind == FieldSpec::Kind::scalar && !field.scalar.default_value) keys.push_back(field.name);
  }
  return keys;
}

Json object_json(const ObjectSpec& spec, const std::string& description) {
  Json json = Json::object();
  if (!description.empty()) json["description"] = description;
  json["type"] = "object";
  Json& properties = json["properties"] = Json::object();
  for (const auto& field : spec.fields()) properties[field.name] = field_json(field);
  if (const auto required = required_keys(spec); !required.empty()) json["required"] = required;
  if (spec.variants().empty()) {
    json["additionalProperties"] = false;
    return json;
  }
  // Keys that depend on the variant key (a policy's type): each variant's keys apply when the
  // variant key has its value; any other key is rejected (unevaluatedProperties sees through the
  // if/then branches that applied).
  Json& rules = json["allOf"] = Json::array();
  for (const auto& variant : spec.variants()) {
    Json then = Json::object();
    if (!variant.spec->description().empty()) then["description"] = variant.spec->description();
    Json& variant_properties = then["properties"] = Json::object();
    for (const auto& field : variant.spec->fields()) variant_properties[field.name] = field_json(field);
    if (const auto variant_required = required_keys(*variant.spec); !variant_required.empty())
      then["required"] = variant_required;
    rules.push_back({{"if",
                      {{"properties", {{spec.variant_key(), {{"const", variant.value}}}}},
                       {"required", {spec.variant_key()}}}},
                     {"then", then}});
  }
  json["unevaluatedProperties"] = false;
  return json;
}

// For each model: when `model` names it, every other model's section is forbidden.
Json model_rules(const std::vector<std::string>& models) {
  Json rules = Json::array();
  for (const auto& model : models) {
    Json forbidden = Json::object();
    for (const auto& other : models) {
      if (other != model) forbidden[other] = false;
    }
    rules.push_back({{"if", {{"properties", {{"model", {{"const", model}}}}}, {"required", {"model"}}}},
                     {"then", {{"properties", forbidden}}}});
  }
  return rules;
}

}  // namespace

std::string Schema::to_json_schema() const {
  Json json = {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
               {"title", "innosim scenario"},
               {"description", engine_.description()},
               {"type", "object"}};
  Json& properties = json["properties"] = Json::object();
  properties["base"] = {
      {"description", "Scenario file this one inherits from, relative to this file; this file wins"},
      {"type", "string"}};
  for (const auto& field : engine_.fields()) {
    if (field.name == "model" && !models_.empty()) {
      // Plain text in the schema, but only a registered model is accepted when loading.
      properties[field.name] = {
          {"description", field.description}, {"type", "string"}, {"enum", model_names()}};
    } else {
      properties[field.name] = field_json(field);
    }
  }
  for (const auto& [name, spec] : models_) properties[name] = object_json(spec, spec.description());
  json["additionalProperties"] = false;
  // A file with `base:` may inherit its required keys, `model:` included.
  json["if"] = {{"required", {"base"}}};
  json["else"] = {{"required", required_keys(engine_)}};
  if (models_.size() > 1) json["allOf"] = model_rules(model_names());
  return json.dump(2) + "\n";
}

}  // namespace sim
