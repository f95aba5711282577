#include "sim/scenario/scenario_validate.hpp"

#include <algorithm>
#include <cmath>

#include "sim/scenario/scenario_messages.hpp"
#include "sim/scenario/scenario_values.hpp"
#include "sim/scenario/schema_format.hpp"

namespace sim::scenario_validate {

namespace {

using scenario_source::SourceEntry;
using scenario_source::SourceNode;
using Kind = SourceNode::Kind;

std::string join_path(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}

// "an integer", "one of: a, b, c": what a value of this spec must be, for "'x' must be ...".
std::string expectation(const ScalarSpec& spec) {
  switch (spec.type) {
    case ParamType::integer:
      return "an integer";
    case ParamType::real:
      return "a number";
    case ParamType::boolean:
      return "true or false";
    case ParamType::text:
      return "text";
    case ParamType::choice:
      return "one of: " + schema_format::join(spec.choices, ", ");
  }
  return "a value";
}

// "'steps' must be an integer, got 'ten'"; a list of choices ends with ';' so "got" stands apart.
std::string type_message(const std::string& path, const ScalarSpec& spec, const std::string& found) {
  const char* separator = spec.type == ParamType::choice ? "; got " : ", got ";
  return "'" + path + "' must be " + expectation(spec) + separator + found;
}

// The range problem of a numeric value, if any: "'agents' must be ≥ 1, got -5".
std::optional<std::string> range_message(const std::string& path, const ScalarSpec& spec, double value,
                                         const std::string& shown) {
  if (spec.minimum && value < *spec.minimum) {
    return "'" + path + "' must be ≥ " + schema_format::format_bound(*spec.minimum, spec.type) + ", got " +
           shown;
  }
  if (spec.maximum && value > *spec.maximum) {
    return "'" + path + "' must be ≤ " + schema_format::format_bound(*spec.maximum, spec.type) + ", got " +
           shown;
  }
  return std::nullopt;
}

class Validator {
 public:
  Validator(const Schema& schema, std::vector<InputProblem>& problems)
      : schema_(schema), problems_(problems) {}

  YAML::Node resolve_root(const SourceNode& root) {
    const std::string model = chosen_model(root);
    check_root_keys(root, model);
    YAML::Node resolved = fields(schema_.engine(), &root, "", root.where);
    if (!model.empty()) {
      const SourceEntry* section = root.find(model);
      resolved[model] =
          object(*schema_.model_section(model), section ? &section->value : nullptr, model, root.where);
    }
    return resolved;
  }

 private:
  // The model the scenario names, or "" when it names none that is registered (reported here;
  // a missing or non-text `model` is reported with the other engine keys).
  std::string chosen_model(const SourceNode& root) {
    const SourceEntry* entry = root.find("model");
    if (entry == nullptr || entry->value.kind != Kind::scalar) return {};
    const std::string& name = entry->value.scalar;
    const std::vector<std::string> models = schema_.model_names();
    if (std::find(models.begin(), models.end(), name) != models.end()) return name;
    std::string message = "unknown model '" + name + "'";
    if (const std::string nearest = nearest_name(name, models); !nearest.empty()) {
      message += "; did you mean '" + nearest + "'?";
    } else if (models.empty()) {
      message += "; no models are registered";
    } else {
      std::vector<std::string> sorted = models;
      std::sort(sorted.begin(), sorted.end());
      message += "; expected one of: " + schema_format::join(sorted, ", ");
    }
    report(entry->value.where, std::move(message));
    return {};
  }

  // Root keys are the engine's, `base` (consumed while reading) and model sections; only the
  // chosen model's section may appear.
  void check_root_keys(const SourceNode& root, const std::string& model) {
    for (const SourceEntry& entry : root.entries) {
      if (schema_.engine().find(entry.key) != nullptr) continue;
      if (const ObjectSpec* section = schema_.model_section(entry.key)) {
        if (model.empty()) {
          object(*section, &entry.value, entry.key, entry.key_where);  // still worth checking its keys
        } else if (entry.key != model) {
          report(entry.key_where, "section '" + entry.key + "' belongs to model '" + entry.key +
                                      "', but this scenario runs model '" + model + "'");
        }
        continue;
      }
      std::vector<std::string> candidates = schema_.engine().field_names();
      candidates.push_back("base");
      for (const auto& name : schema_.model_names()) candidates.push_back(name);
      report(entry.key_where, scenario_messages::unknown_key(entry.key, "", candidates));
    }
  }

  // An object given as `value` (null when absent: its defaults are filled in). `enclosing` is
  // where a missing required key is reported when the object itself is absent.
  YAML::Node object(const ObjectSpec& spec, const SourceNode* value, const std::string& path,
                    const SourceLocation& enclosing) {
    if (value == nullptr || value->kind == Kind::null) {
      return fields(spec, nullptr, path, value ? value->where : enclosing);
    }
    if (value->kind != Kind::mapping) {
      report(value->where, "'" + path + "' must be a mapping, got " + scenario_messages::found(*value));
      return YAML::Node(YAML::NodeType::Map);
    }
    const ObjectSpec* variant = chosen_variant(spec, *value);
    for (const SourceEntry& entry : value->entries) {
      if (spec.find(entry.key) != nullptr || (variant != nullptr && variant->find(entry.key) != nullptr))
        continue;
      if (auto message = unknown_key(spec, variant, *value, entry.key, path)) {
        report(entry.key_where, std::move(*message));
      }
    }
    YAML::Node out = fields(spec, value, path, value->where);
    if (variant != nullptr) {
      for (const auto& field : fields(*variant, value, path, value->where))
        out[field.first.as<std::string>()] = field.second;
    }
    return out;
  }

  // The variant of `spec` that `value` chooses with its variant key (a policy's `type`), or null.
  static const ObjectSpec* chosen_variant(const ObjectSpec& spec, const SourceNode& value) {
    if (spec.variant_key().empty()) return nullptr;
    const SourceEntry* entry = value.find(spec.variant_key());
    if (entry == nullptr || entry->value.kind != Kind::scalar) return nullptr;
    return spec.find_variant(entry->value.scalar);
  }

  // What to tell about a key that neither the object nor its chosen variant takes; nothing when
  // the variant is unknown (its key is reported) and another variant takes the key.
  static std::optional<std::string> unknown_key(const ObjectSpec& spec, const ObjectSpec* variant,
                                                const SourceNode& value, const std::string& key,
                                                const std::string& path) {
    std::vector<std::string> candidates = spec.field_names();
    if (spec.variants().empty()) {
      if (const std::string new_key = spec.new_name_of(key); !new_key.empty()) {
        return "'" + key + "' in '" + path + "' was renamed; use '" + new_key + "'";
      }
      return scenario_messages::unknown_key(key, path, candidates);
    }
    const bool is_other_variants_key =
        std::any_of(spec.variants().begin(), spec.variants().end(), [&](const ObjectSpec::Variant& v) {
          return v.spec->find(key) != nullptr || !v.spec->new_name_of(key).empty();
        });
    if (variant == nullptr) {
      if (is_other_variants_key) return std::nullopt;
      for (const auto& v : spec.variants()) {
        for (const auto& name : v.spec->field_names()) candidates.push_back(name);
      }
      std::sort(candidates.begin(), candidates.end());
      candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
      return scenario_messages::unknown_key(key, path, candidates);
    }
    const std::string chosen = value.find(spec.variant_key())->value.scalar;
    const std::string article = std::string("aeiou").find(chosen.front()) == std::string::npos ? "a " : "an ";
    const std::vector<std::string> own = variant->field_names();
    if (const std::string new_key = variant->new_name_of(key); !new_key.empty()) {
      return "'" + key + "' in '" + path + "' was renamed; for " + article + chosen + " use '" + new_key +
             "'";
    }
    if (is_other_variants_key) {
      return "'" + key + "' in '" + path + "' does not apply to " + article + chosen + "; " +
             (own.empty() ? "it takes only the common keys"
                          : "its own keys are: " + schema_format::join(own, ", "));
    }
    for (const auto& name : own) candidates.push_back(name);
    return scenario_messages::unknown_key(key, path, candidates);
  }

  // Every field of `spec` in schema order, from `value` (a mapping, or null) or its default.
  YAML::Node fields(const ObjectSpec& spec, const SourceNode* value, const std::string& path,
                    const SourceLocation& where) {
    YAML::Node out(YAML::NodeType::Map);
    for (const FieldSpec& field : spec.fields()) {
      const std::string field_path = join_path(path, field.name);
      const SourceEntry* entry = value ? value->find(field.name) : nullptr;
      if (entry != nullptr) {
        out[field.name] = given(field, entry->value, field_path);
      } else if (auto fallback = absent(field, field_path, path, where)) {
        out[field.name] = *fallback;
      }
    }
    return out;
  }

  // The value of a field the scenario leaves out; a required scalar is a problem.
  std::optional<YAML::Node> absent(const FieldSpec& field, const std::string& field_path,
                                   const std::string& path, const SourceLocation& where) {
    switch (field.kind) {
      case FieldSpec::Kind::scalar:
        if (field.scalar.default_value) return scalar_node(*field.scalar.default_value, field.scalar.type);
        report(where,
               "missing required key '" + field.name + "' in " + scenario_messages::object_label(path));
        return std::nullopt;
      case FieldSpec::Kind::object:
        return object(*field.element, nullptr, field_path, where);
      case FieldSpec::Kind::list_of_objects:
      case FieldSpec::Kind::list_of_scalars:
        return YAML::Node(YAML::NodeType::Sequence);
      case FieldSpec::Kind::map_of_objects:
        return YAML::Node(YAML::NodeType::Map);
    }
    return std::nullopt;
  }

  YAML::Node given(const FieldSpec& field, const SourceNode& value, const std::string& path) {
    switch (field.kind) {
      case FieldSpec::Kind::scalar:
        return scalar(field.scalar, value, path);
      case FieldSpec::Kind::object:
        return object(*field.element, &value, path, value.where);
      case FieldSpec::Kind::list_of_objects:
        return list(value, path, "objects", [&](const SourceNode& item, const std::string& item_path) {
          return object(*field.element, &item, item_path, item.where);
        });
      case FieldSpec::Kind::list_of_scalars:
        return list(value, path, schema_format::type_name(field.scalar.type) + " values",
                    [&](const SourceNode& item, const std::string& item_path) {
                      return scalar(field.scalar, item, item_path);
                    });
      case FieldSpec::Kind::map_of_objects:
        return map(*field.element, value, path);
    }
    return {};
  }

  template <typename ItemFunction>
  YAML::Node list(const SourceNode& value, const std::string& path, const std::string& of,
                  ItemFunction item) {
    YAML::Node out(YAML::NodeType::Sequence);
    if (value.kind == Kind::null) return out;
    if (value.kind != Kind::sequence) {
      report(value.where,
             "'" + path + "' must be a list of " + of + ", got " + scenario_messages::found(value));
      return out;
    }
    for (std::size_t i = 0; i < value.items.size(); ++i) {
      out.push_back(item(value.items[i], path + "[" + std::to_string(i) + "]"));
    }
    return out;
  }

  // A map from names the user chooses (region names, ...) to objects of one spec.
  YAML::Node map(const ObjectSpec& spec, const SourceNode& value, const std::string& path) {
    YAML::Node out(YAML::NodeType::Map);
    if (value.kind == Kind::null) return out;
    if (value.kind != Kind::mapping) {
      report(value.where,
             "'" + path + "' must be a mapping of names to objects, got " + scenario_messages::found(value));
      return out;
    }
    for (const SourceEntry& entry : value.entries) {
      out[entry.key] = object(spec, &entry.value, path + "." + entry.key, entry.key_where);
    }
    return out;
  }

  YAML::Node scalar(const ScalarSpec& spec, const SourceNode& value, const std::string& path) {
    if (value.kind != Kind::scalar) {
      report(value.where, type_message(path, spec, scenario_messages::found(value)));
      return {};
    }
    std::optional<ScalarValue> parsed = parse(spec, value.scalar, path, value.where);
    return parsed ? scalar_node(*parsed, spec.type) : YAML::Node();
  }

  // The value of a scalar as its type reads it, or nothing (reported) when it is not one.
  std::optional<ScalarValue> parse(const ScalarSpec& spec, const std::string& text, const std::string& path,
                                   const SourceLocation& where) {
    const std::string shown = scenario_messages::found_text(text);
    switch (spec.type) {
      case ParamType::integer:
        if (const auto integer = scenario_values::parse_integer(text)) {
          return in_range(spec, static_cast<double>(*integer), path, std::to_string(*integer), where,
                          *integer);
        }
        break;
      case ParamType::real:
        if (const auto real = scenario_values::parse_real(text)) {
          if (!std::isfinite(*real)) return report(where, "'" + path + "' must be finite, got " + text);
          return in_range(spec, *real, path, schema_format::format_number(*real), where, *real);
        }
        break;
      case ParamType::boolean:
        if (const auto boolean = scenario_values::parse_boolean(text)) return *boolean;
        break;
      case ParamType::text:
        return text;
      case ParamType::choice:
        if (std::find(spec.choices.begin(), spec.choices.end(), text) != spec.choices.end()) return text;
        if (const std::string nearest = nearest_name(text, spec.choices); !nearest.empty()) {
          return report(where, type_message(path, spec, shown) + "; did you mean '" + nearest + "'?");
        }
        break;
    }
    return report(where, type_message(path, spec, shown));
  }

  std::optional<ScalarValue> in_range(const ScalarSpec& spec, double value, const std::string& path,
                                      const std::string& shown, const SourceLocation& where,
                                      ScalarValue parsed) {
    if (auto message = range_message(path, spec, value, shown)) return report(where, std::move(*message));
    return parsed;
  }

  std::nullopt_t report(const SourceLocation& where, std::string message) {
    problems_.push_back({where, std::move(message)});
    return std::nullopt;
  }

  const Schema& schema_;
  std::vector<InputProblem>& problems_;
};

}  // namespace

YAML::Node validate(const SourceNode& root, const Schema& schema, std::vector<InputProblem>& problems) {
  return Validator(schema, problems).resolve_root(root);
}

YAML::Node scalar_node(const ScalarValue& value, ParamType type) {
  YAML::Node node;
  switch (type) {
    case ParamType::integer:
      node = std::to_string(std::get<std::int64_t>(value));
      node.SetTag(kIntegerTag);
      break;
    case ParamType::real: {
      const auto* integer = std::get_if<std::int64_t>(&value);
      node = schema_format::format_real_literal(integer ? static_cast<double>(*integer)
                                                        : std::get<double>(value));
      node.SetTag(kRealTag);
      break;
    }
    case ParamType::boolean:
      node = std::get<bool>(value) ? "true" : "false";
      node.SetTag(kBooleanTag);
      break;
    case ParamType::text:
    case ParamType::choice:
      node = std::get<std::string>(value);
      node.SetTag(kTextTag);
      break;
  }
  return node;
}

}  // namespace sim::scenario_validate
