// Schema::to_markdown: the scenario reference (docs/scenario-reference.md is generated from it).
#include <deque>

#include "sim/scenario/schema.hpp"
#include "sim/scenario/schema_format.hpp"

namespace sim {

namespace {

// A list or map of objects gets its own table below the one that names it, so the main table
// stays one row per key; this queues those tables.
struct PendingTable {
  std::string path;  // "toy.policies[]", "toy.regions.<name>"
  const ObjectSpec* spec = nullptr;
};

std::string cell(std::string text) {
  std::string escaped;
  for (char c : text) {
    if (c == '|') {
      escaped += "\\|";
    } else if (c == '\n') {
      escaped += ' ';
    } else {
      escaped += c;
    }
  }
  return escaped;
}

std::string code(const std::string& text) { return "`" + text + "`"; }

std::string quoted_list(const std::vector<std::string>& items) {
  std::vector<std::string> quoted;
  quoted.reserve(items.size());
  for (const auto& item : items) quoted.push_back(code(item));
  return schema_format::join(quoted, ", ");
}

std::string scalar_default(const ScalarSpec& spec) {
  if (!spec.default_value) return "*required*";
  const std::string text = schema_format::format_scalar(*spec.default_value);
  return text.empty() ? code("\"\"") : code(text);
}

std::string row(const std::string& key, const std::string& type, const std::string& unit,
                const std::string& value, const std::string& range, const std::string& description) {
  return "| " + code(key) + " | " + type + " | " + cell(unit) + " | " + value + " | " + cell(range) + " | " +
         cell(description) + " |\n";
}

std::string join_path(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}

class MarkdownWriter {
 public:
  explicit MarkdownWriter(std::vector<std::string> model_names) : model_names_(std::move(model_names)) {}

  // One heading, the section's description, its table and then the tables of its lists and maps.
  void section(const std::string& heading, const std::string& description, const ObjectSpec& spec,
               const std::string& prefix) {
    out_ += "\n## " + heading + "\n\n";
    if (!description.empty()) out_ += description + "\n\n";
    table(spec, prefix);
    while (!pending_.empty()) {
      const PendingTable next = pending_.front();
      pending_.pop_front();
      out_ += "\n### " + code(next.path) + "\n\n";
      if (!next.spec->description().empty()) out_ += next.spec->description() + "\n\n";
      table(*next.spec, next.path);
      // An object whose keys depend on its type: one table per type below the common keys.
      for (const auto& variant : next.spec->variants()) {
        out_ += "\n#### " + code(next.path) + " with " +
                code(next.spec->variant_key() + ": " + variant.value) + "\n\n";
        if (!variant.spec->description().empty()) out_ += variant.spec->description() + "\n\n";
        if (variant.spec->fields().empty()) {
          out_ += "No keys besides the common ones.\n";
        } else {
          table(*variant.spec, next.path);
        }
      }
    }
  }

  std::string text() && { return std::move(out_); }

 private:
  void table(const ObjectSpec& spec, const std::string& prefix) {
    out_ += "| Key | Type | Unit | Default | Range or choices | Description |\n";
    out_ += "|---|---|---|---|---|---|\n";
    rows(spec, prefix);
  }

  void rows(const ObjectSpec& spec, const std::string& prefix) {
    for (const FieldSpec& field : spec.fields()) {
      const std::string path = join_path(prefix, field.name);
      switch (field.kind) {
        case FieldSpec::Kind::scalar:
          out_ += row(path, schema_format::type_name(field.scalar.type), field.scalar.unit,
                      scalar_default(field.scalar), range_or_choices(path, field.scalar), field.description);
          break;
        case FieldSpec::Kind::list_of_scalars:
          out_ += row(path, "list of " + schema_format::type_name(field.scalar.type) + "s", field.scalar.unit,
                      code("[]"), range_or_choices(path, field.scalar), field.description);
          break;
        case FieldSpec::Kind::object:
          out_ += row(path, "object", "", "", "", field.description);
          rows(*field.element, path);
          break;
        case FieldSpec::Kind::list_of_objects:
          out_ += row(path, "list of objects", "", code("[]"), "",
                      field.description + " (see " + code(path + "[]") + ")" +
                          (field.element->identity_key().empty()
                               ? std::string()
                               : "; keyed by " + code(field.element->identity_key()) +
                                     ": merges with a base's list by " + field.element->identity_key()));
          pending_.push_back({path + "[]", field.element.get()});
          break;
        case FieldSpec::Kind::map_of_objects:
          out_ += row(path, "map of objects", "", code("{}"), "",
                      field.description + " (see " + code(path + ".<name>") + ")");
          pending_.push_back({path + ".<name>", field.element.get()});
          break;
      }
    }
  }

  std::string range_or_choices(const std::string& path, const ScalarSpec& spec) const {
    // `model` is plain text in the schema, but its allowed values are the registered models.
    if (path == "model" && !model_names_.empty()) return quoted_list(model_names_);
    if (spec.type == ParamType::choice) return quoted_list(spec.choices);
    return schema_format::format_range(spec);
  }

  std::vector<std::string> model_names_;
  std::deque<PendingTable> pending_;
  std::string out_;
};

}  // namespace

std::string Schema::to_markdown() const {
  MarkdownWriter writer(model_names());
  writer.section("Engine", engine_.description(), engine_, "");
  for (const auto& [name, spec] : models_)
    writer.section("Model " + code(name), spec.description(), spec, name);
  return "# Scenario reference\n\n"
         "Generated from the schema by `innosim schema`; do not edit by hand. A scenario is a YAML file with "
         "the "
         "engine keys below and the section of the model it names with `model:` (no other model's section). "
         "`base: other.yaml` inherits from another scenario: mappings merge key by key, the inheriting file "
         "wins, "
         "lists are replaced whole, except lists keyed by name (marked below): their elements merge by name "
         "(a matching name overrides the base's element key by key, a new name is appended, "
         "`{name: X, remove: true}` removes the base's element, `list: {replace: [...]}` replaces the list "
         "whole), and `--set 'list[NAME].key=value'` sets one key of one element.\n" +
         std::move(writer).text();
}

}  // namespace sim
