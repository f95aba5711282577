#include "sim/scenario/scenario.hpp"

#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <utility>

#include "sim/scenario/scenario_source.hpp"
#include "sim/scenario/scenario_validate.hpp"
#include "sim/scenario/scenario_values.hpp"

namespace sim {

namespace {

using scenario_source::split_path;
using scenario_validate::kBooleanTag;
using scenario_validate::kIntegerTag;
using scenario_validate::kRealTag;
using scenario_validate::kTextTag;

bool is_index(const std::string& part) {
  return !part.empty() && part.find_first_not_of("0123456789") == std::string::npos;
}

// Follows a dotted path through the resolved tree ("toy.policies.0.name" indexes a list).
// Handles are rebound with reset(): assigning a yaml-cpp node would overwrite the tree.
std::optional<YAML::Node> find_node(const YAML::Node& root, const std::string& path) {
  YAML::Node current;
  current.reset(root);
  for (const std::string& part : split_path(path)) {
    const YAML::Node& parent = current;
    const bool is_list_index = parent.IsSequence() && is_index(part);
    if (!parent.IsMap() && !is_list_index) return std::nullopt;
    // A missing key gives an invalid node, which must be tested before it is used any further.
    const YAML::Node child = is_list_index ? parent[std::stoul(part)] : parent[part];
    if (!child.IsDefined()) return std::nullopt;
    current.reset(child);
  }
  return current;
}

bool is_resolved_tag(const std::string& tag) {
  return tag == kIntegerTag || tag == kRealTag || tag == kBooleanTag || tag == kTextTag;
}

std::string tag_type_name(const std::string& tag) {
  if (tag == kIntegerTag) return "an integer";
  if (tag == kRealTag) return "a real";
  if (tag == kBooleanTag) return "a boolean";
  return "text";
}

// Asking for an undeclared key or the wrong type is a bug in the caller, not in the scenario.
[[noreturn]] void misuse(const std::string& path, const std::string& problem) {
  throw std::logic_error("Config: '" + path + "' " + problem);
}

YAML::Node existing_node(const YAML::Node& root, const std::string& path) {
  std::optional<YAML::Node> node = find_node(root, path);
  if (!node) misuse(path, "is not in the scenario (not declared in the schema, or another model's key)");
  return *node;
}

// The scalar at `path`, checked against the tag validation gave it. A tree built by hand has no
// tags; then the getter's own parsing decides.
YAML::Node scalar_at(const YAML::Node& root, const std::string& path, const char* tag) {
  YAML::Node node = existing_node(root, path);
  if (!node.IsScalar()) misuse(path, "is not a single value; read lists and maps with node()");
  if (is_resolved_tag(node.Tag()) && node.Tag() != tag) {
    misuse(path, "is " + tag_type_name(node.Tag()) + ", not " + tag_type_name(tag));
  }
  return node;
}

template <typename T>
T parsed_or_misuse(const std::optional<T>& value, const std::string& path, const YAML::Node& node,
                   const char* tag) {
  if (!value) misuse(path, "is not " + tag_type_name(tag) + ": '" + node.Scalar() + "'");
  return *value;
}

// Which tag a new value gets: the one the key has, when the value fits it.
std::string tag_for(const ScalarValue& value, const std::string& existing_tag, const std::string& path) {
  const bool is_integer = std::holds_alternative<std::int64_t>(value);
  const bool is_real = std::holds_alternative<double>(value);
  const bool is_boolean = std::holds_alternative<bool>(value);
  if (!is_resolved_tag(existing_tag)) {
    return is_integer ? kIntegerTag : is_real ? kRealTag : is_boolean ? kBooleanTag : kTextTag;
  }
  const bool fits = (existing_tag == kIntegerTag && is_integer) ||
                    (existing_tag == kRealTag && (is_integer || is_real)) ||
                    (existing_tag == kBooleanTag && is_boolean) ||
                    (existing_tag == kTextTag && std::holds_alternative<std::string>(value));
  if (!fits) misuse(path, "is " + tag_type_name(existing_tag) + "; set() was given another type");
  return existing_tag;
}

ParamType type_of_tag(const std::string& tag) {
  if (tag == kIntegerTag) return ParamType::integer;
  if (tag == kRealTag) return ParamType::real;
  if (tag == kBooleanTag) return ParamType::boolean;
  return ParamType::text;
}

// Text that YAML would read as something else (a number, a boolean, null, or nothing) is quoted,
// so that it reads back as the same text; yaml-cpp itself quotes what would not parse at all.
bool needs_quotes(const std::string& text) {
  if (text.empty() || scenario_values::parse_real(text) || scenario_values::parse_boolean(text)) return true;
  for (const char* word : {"~",   "null", "Null", "NULL", "y",  "Y",  "n",  "N",   "yes", "Yes",
                           "YES", "no",   "No",   "NO",   "on", "On", "ON", "off", "Off", "OFF"}) {
    if (text == word) return true;
  }
  return false;
}

// `origins` (for the resolved view): where each list element was first given, by dotted path;
// each element of a list of objects is preceded by a comment "from FILE:LINE".
void emit(YAML::Emitter& out, const YAML::Node& node,
          const std::map<std::string, SourceLocation>* origins = nullptr, const std::string& path = "",
          const std::string& comment = "") {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      // An empty block mapping has no text of its own; `{}` keeps the key and reads back empty.
      if (node.size() == 0) out << YAML::Flow;
      out << YAML::BeginMap;
      if (!comment.empty()) out << YAML::Comment(comment);
      for (const auto& entry : node) {
        out << YAML::Key << entry.first.Scalar() << YAML::Value;
        emit(out, entry.second, origins,
             path.empty() ? entry.first.Scalar() : path + "." + entry.first.Scalar());
      }
      out << YAML::EndMap;
      return;
    case YAML::NodeType::Sequence:
      if (node.size() == 0) out << YAML::Flow;
      out << YAML::BeginSeq;
      for (std::size_t i = 0; i < node.size(); ++i) {
        const std::string item_path = path + "." + std::to_string(i);
        std::string origin;
        if (origins != nullptr && node[i].IsMap()) {
          const auto it = origins->find(item_path);
          if (it != origins->end() && it->second.line > 0)
            origin = "from " + it->second.origin + ":" + std::to_string(it->second.line);
        }
        emit(out, node[i], origins, item_path, origin);
      }
      out << YAML::EndSeq;
      return;
    case YAML::NodeType::Scalar: {
      const bool is_text = !is_resolved_tag(node.Tag()) || node.Tag() == kTextTag;
      if (is_text && needs_quotes(node.Scalar())) out << YAML::DoubleQuoted;
      out << node.Scalar();
      return;
    }
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      out << YAML::Null;
      return;
  }
}

// Where every scalar of the merged source tree was written, by dotted path ("a.0.b" in lists).
void collect_locations(const scenario_source::SourceNode& node, const std::string& path,
                       std::map<std::string, SourceLocation>& out) {
  using Kind = scenario_source::SourceNode::Kind;
  switch (node.kind) {
    case Kind::null:
    case Kind::scalar:
      if (!path.empty()) out[path] = node.where;
      return;
    case Kind::sequence:
      if (!path.empty()) out[path] = node.where;
      for (std::size_t i = 0; i < node.items.size(); ++i)
        collect_locations(node.items[i], path + "." + std::to_string(i), out);
      return;
    case Kind::mapping:
      // A list element's mapping: where it was first given (the resolved view names it).
      if (!path.empty()) out[path] = node.where;
      for (const auto& entry : node.entries)
        collect_locations(entry.value, path.empty() ? entry.key : path + "." + entry.key, out);
      return;
  }
}

// What the run summary says about overrides (--set, --seed, --replicates): the few there
// usually are, by name, or how many.
std::string describe_overrides(const std::vector<std::string>& overrides) {
  if (overrides.empty()) return "";
  std::size_t length = 0;
  for (const auto& o : overrides) length += o.size();
  if (overrides.size() > 3 || length > 80) return " (+" + std::to_string(overrides.size()) + " overrides)";
  std::string text = " with ";
  for (std::size_t k = 0; k < overrides.size(); ++k) text += (k == 0 ? "" : ", ") + overrides[k];
  return text;
}

Config resolve(scenario_source::ScenarioSource source, const Schema& schema,
               const std::vector<std::string>& overrides, std::string description) {
  YAML::Node resolved;
  if (source.is_complete) {
    scenario_source::apply_overrides(source, overrides, schema);
    resolved.reset(scenario_validate::validate(source.root, schema, source.problems));
  }
  if (!source.problems.empty()) {
    throw InputError(scenario_source::in_reading_order(std::move(source.problems), source.origins));
  }
  std::map<std::string, SourceLocation> locations;
  collect_locations(source.root, "", locations);
  // Defaults are reported at the scenario file itself (key "" is never a parameter's path).
  if (!source.origins.empty()) locations[""] = {source.origins.front(), 0, 0};
  description += describe_overrides(overrides);
  return Config(resolved, std::move(description), std::move(locations));
}

}  // namespace

Config::Config(YAML::Node resolved, std::string source_description,
               std::map<std::string, SourceLocation> locations)
    : root_(YAML::Clone(resolved)),
      source_(std::move(source_description)),
      locations_(std::move(locations)) {}

Config::Config(const Config& other)
    : root_(YAML::Clone(other.root_)), source_(other.source_), locations_(other.locations_) {}

Config& Config::operator=(const Config& other) {
  if (this != &other) {
    root_.reset(YAML::Clone(other.root_));
    source_ = other.source_;
    locations_ = other.locations_;
  }
  return *this;
}

Config& Config::operator=(Config&& other) noexcept {
  root_.reset(other.root_);
  source_ = std::move(other.source_);
  locations_ = std::move(other.locations_);
  return *this;
}

SourceLocation Config::location(const std::string& path) const {
  if (const auto it = locations_.find(path); it != locations_.end() && !path.empty()) return it->second;
  if (const auto it = locations_.find(""); it != locations_.end()) return it->second;
  return {};
}

std::int64_t Config::integer(const std::string& path) const {
  const YAML::Node node = scalar_at(root_, path, kIntegerTag);
  return parsed_or_misuse(scenario_values::parse_integer(node.Scalar()), path, node, kIntegerTag);
}

double Config::real(const std::string& path) const {
  const YAML::Node node = scalar_at(root_, path, kRealTag);
  return parsed_or_misuse(scenario_values::parse_real(node.Scalar()), path, node, kRealTag);
}

bool Config::boolean(const std::string& path) const {
  const YAML::Node node = scalar_at(root_, path, kBooleanTag);
  return parsed_or_misuse(scenario_values::parse_boolean(node.Scalar()), path, node, kBooleanTag);
}

std::string Config::text(const std::string& path) const { return scalar_at(root_, path, kTextTag).Scalar(); }

// A copy: the Config stays as validated whatever the caller does with the node.
YAML::Node Config::node(const std::string& path) const { return YAML::Clone(existing_node(root_, path)); }

bool Config::has(const std::string& path) const { return find_node(root_, path).has_value(); }

void Config::set(const std::string& path, const ScalarValue& value) {
  YAML::Node node = existing_node(root_, path);
  if (!node.IsScalar()) misuse(path, "is not a single value; set() changes scalars only");
  const std::string tag = tag_for(value, node.Tag(), path);
  const YAML::Node replacement = scenario_validate::scalar_node(value, type_of_tag(tag));
  node = replacement.Scalar();  // assigning a string rewrites this scalar in place
  node.SetTag(tag);
}

std::string Config::to_resolved_yaml() const {
  YAML::Emitter out;
  out.SetIndent(2);
  emit(out, root_, &locations_, "");
  if (!out.good()) throw std::logic_error("Config::to_resolved_yaml: " + out.GetLastError());
  return std::string(out.c_str()) + "\n";
}

std::string Config::to_yaml() const {
  YAML::Emitter out;
  out.SetIndent(2);
  emit(out, root_);
  if (!out.good()) throw std::logic_error("Config::to_yaml: " + out.GetLastError());
  return std::string(out.c_str()) + "\n";
}

Config load_scenario(const std::filesystem::path& file, const Schema& schema,
                     const std::vector<std::string>& overrides) {
  return resolve(scenario_source::read_file(file, &schema), schema, overrides, file.string());
}

Config load_scenario_text(const std::string& yaml_text, const std::string& origin, const Schema& schema,
                          const std::vector<std::string>& overrides) {
  return resolve(scenario_source::read_text(yaml_text, origin, &schema), schema, overrides, origin);
}

}  // namespace sim
