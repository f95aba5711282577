#include "sim/sweep/sweep_spec.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "sim/scenario/scenario_messages.hpp"
#include "sim/scenario/scenario_source.hpp"
#include "sim/scenario/scenario_values.hpp"
#include "sim/scenario/schema_format.hpp"
#include "sim/sweep/sobol_sequence.hpp"

namespace sim {

namespace {

using scenario_source::SourceEntry;
using scenario_source::SourceNode;
using Kind = SourceNode::Kind;

const std::vector<std::string> kTopKeys = {"scenario", "description", "design", "seed",      "points",
                                           "levels",   "replicates",  "set",    "parameters"};
constexpr std::int64_t kMaximumReplicates = 100'000;  // as the scenario's `replicates`
const std::vector<std::string> kParameterKeys = {"min", "max", "values", "levels"};

// Every scalar parameter a scenario of `model` can set, by dotted path, with its spec.
// `identity_keys`: the identity key of each list keyed by name, by the list's path.
void collect_scalars(const ObjectSpec& object, const std::string& prefix,
                     std::vector<std::pair<std::string, const ScalarSpec*>>& out,
                     std::map<std::string, std::string>& identity_keys) {
  for (const FieldSpec& field : object.fields()) {
    const std::string path = prefix.empty() ? field.name : prefix + "." + field.name;
    if (field.kind == FieldSpec::Kind::scalar) out.emplace_back(path, &field.scalar);
    if (field.kind == FieldSpec::Kind::object) collect_scalars(*field.element, path, out, identity_keys);
    // One element of a list keyed by name: "policies[NAME].budget_yuan" matches "policies[].budget_yuan".
    if (field.kind == FieldSpec::Kind::list_of_objects && !field.element->identity_key().empty()) {
      identity_keys[path] = field.element->identity_key();
      collect_scalars(*field.element, path + "[]", out, identity_keys);
      for (const auto& variant : field.element->variants()) {
        std::vector<std::pair<std::string, const ScalarSpec*>> own;
        collect_scalars(*variant.spec, path + "[]", own, identity_keys);
        for (auto& scalar : own) {
          const bool known =
              std::any_of(out.begin(), out.end(), [&](const auto& o) { return o.first == scalar.first; });
          if (!known) out.push_back(std::move(scalar));
        }
      }
    }
  }
}

// "a.list[some name].key" -> "a.list[].key", the form collect_scalars lists; the name in `name`
// and the list's path in `list`. The path unchanged when it names no element.
std::string element_pattern(const std::string& path, std::string& list, std::string& name) {
  const std::size_t open = path.find('[');
  const std::size_t close = open == std::string::npos ? open : path.find(']', open);
  if (close == std::string::npos) return path;
  list = path.substr(0, open);
  name = path.substr(open + 1, close - open - 1);
  return path.substr(0, open + 1) + path.substr(close);
}

class SweepReader {
 public:
  SweepReader(const std::filesystem::path& file, const std::vector<ModelDefinition>& models)
      : file_(file), schema_(build_schema(models)) {}

  SweepSpec read() {
    spec_.file = file_;
    spec_.text = read_text();
    scenario_source::ScenarioSource source = scenario_source::read_file(file_);
    problems_ = source.problems;
    if (!source.is_complete) fail();
    const SourceNode& root = source.root;
    if (root.kind != Kind::mapping) {
      report(root.where, "a sweep file must be a mapping with keys scenario, design, parameters, ...; got " +
                             scenario_messages::found(root));
      fail();
    }
    for (const SourceEntry& entry : root.entries) {
      if (std::find(kTopKeys.begin(), kTopKeys.end(), entry.key) == kTopKeys.end()) {
        report(entry.key_where, unknown("key", entry.key, "the sweep file", kTopKeys));
      }
    }
    read_settings(root);
    if (!problems_.empty()) fail();  // the scenario path or the design is unusable
    load_base();
    if (!problems_.empty()) fail();
    read_parameters(root);
    check_design_size(root);
    if (!problems_.empty()) fail();
    return std::move(spec_);
  }

 private:
  [[noreturn]] void fail() {
    throw InputError(scenario_source::in_reading_order(std::move(problems_), {file_.string()}));
  }

  std::string read_text() {
    std::ifstream in(file_);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
  }

  void report(const SourceLocation& where, std::string message) {
    problems_.push_back({where, std::move(message)});
  }

  static std::string unknown(const std::string& what, const std::string& name, const std::string& where,
                             const std::vector<std::string>& candidates) {
    const std::string near = nearest_name(name, candidates);
    std::string text = fmt::format("unknown {} '{}' in {}", what, name, where);
    if (!near.empty()) return text + "; did you mean '" + near + "'?";
    return text + "; expected one of: " + schema_format::join(candidates, ", ");
  }

  const SourceNode* value(const SourceNode& map, const std::string& key) {
    const SourceEntry* entry = map.find(key);
    return entry == nullptr ? nullptr : &entry->value;
  }

  std::optional<std::int64_t> integer(const SourceNode& map, const std::string& key, std::int64_t minimum,
                                      std::int64_t maximum = std::numeric_limits<std::int64_t>::max()) {
    const SourceNode* node = value(map, key);
    if (node == nullptr) return std::nullopt;
    const auto parsed =
        node->kind == Kind::scalar ? scenario_values::parse_integer(node->scalar) : std::nullopt;
    if (!parsed) {
      report(node->where,
             fmt::format("'{}' must be an integer, got {}", key, scenario_messages::found(*node)));
      return std::nullopt;
    }
    if (*parsed < minimum) {
      report(node->where, fmt::format("'{}' must be ≥ {}, got {}", key, minimum, *parsed));
      return std::nullopt;
    }
    if (*parsed > maximum) {
      report(node->where, fmt::format("'{}' must be ≤ {}, got {}", key, maximum, *parsed));
      return std::nullopt;
    }
    return parsed;
  }

  void read_settings(const SourceNode& root) {
    const SourceNode* scenario = value(root, "scenario");
    if (scenario == nullptr) {
      report({file_.string(), 1, 1}, "missing required key 'scenario' (the base scenario file to vary)");
    } else if (scenario->kind != Kind::scalar || scenario->scalar.empty()) {
      report(scenario->where,
             "'scenario' must be the path of a scenario file, got " + scenario_messages::found(*scenario));
    } else {
      spec_.scenario = (file_.parent_path() / scenario->scalar).lexically_normal();
      std::error_code error;  // a name too long for the file system is "does not exist", not a throw
      if (!std::filesystem::is_regular_file(spec_.scenario, error)) {
        report(scenario->where, fmt::format("scenario file '{}' does not exist (paths are relative to the "
                                            "sweep file's folder)",
                                            spec_.scenario.string()));
      }
    }
    const SourceNode* design = value(root, "design");
    if (design == nullptr) {
      report({file_.string(), 1, 1}, "missing required key 'design'; expected one of: " +
                                         schema_format::join(design_method_names(), ", "));
    } else {
      const auto names = design_method_names();
      const auto it =
          design->kind == Kind::scalar ? std::find(names.begin(), names.end(), design->scalar) : names.end();
      if (it == names.end()) {
        report(design->where,
               fmt::format("'design' must be one of {}, got {}{}", schema_format::join(names, ", "),
                           scenario_messages::found(*design),
                           design->kind == Kind::scalar ? did_you_mean(design->scalar, names) : ""));
      } else {
        spec_.method = static_cast<DesignMethod>(it - names.begin());
      }
    }
    spec_.seed = static_cast<std::uint64_t>(integer(root, "seed", 0).value_or(0));
    // Upper bounds refuse absurd sweeps before any design is generated (a design point is a run).
    // A list design's `points` are its rows, read with the parameters (read_listed_points).
    if (spec_.method != DesignMethod::list)
      spec_.points = integer(root, "points", 1, kMaximumSweepPoints).value_or(0);
    spec_.levels = integer(root, "levels", 2, kMaximumSweepLevels).value_or(0);
    spec_.replicates = integer(root, "replicates", 1, kMaximumReplicates).value_or(0);
    if (const SourceNode* set = value(root, "set")) {
      if (set->kind != Kind::mapping) {
        report(set->where,
               "'set' must be a mapping of parameter paths to values, got " + scenario_messages::found(*set));
      } else {
        flatten_set(*set, "");
      }
    }
  }

  // `set:` accepts nested mappings and dotted keys alike; every leaf becomes an override.
  void flatten_set(const SourceNode& map, const std::string& prefix) {
    for (const SourceEntry& entry : map.entries) {
      const std::string path = prefix.empty() ? entry.key : prefix + "." + entry.key;
      if (entry.value.kind == Kind::mapping) {
        flatten_set(entry.value, path);
      } else if (entry.value.kind == Kind::scalar) {
        spec_.overrides.push_back(path + "=" + entry.value.scalar);
        override_locations_.emplace_back("--set " + spec_.overrides.back(), entry.value.where);
      } else {
        report(entry.value.where, fmt::format("'set.{}' must be a single value, got {}", path,
                                              scenario_messages::found(entry.value)));
      }
    }
  }

  // The base scenario with `set:` and `replicates` applied; its own errors carry its own locations,
  // and a problem with a `set:` value is reported where that value stands in the sweep file.
  void load_base() {
    std::vector<std::string> overrides = spec_.overrides;
    if (spec_.replicates > 0) overrides.push_back("replicates=" + std::to_string(spec_.replicates));
    try {
      spec_.base = load_scenario(spec_.scenario, schema_, overrides);
    } catch (const InputError& error) {
      for (const InputProblem& problem : error.problems())
        report(in_sweep_file(problem.where), problem.message);
    }
  }

  SourceLocation in_sweep_file(const SourceLocation& where) const {
    for (const auto& [origin, location] : override_locations_) {
      if (where.origin == origin) return location;
    }
    return where;
  }

  void read_parameters(const SourceNode& root) {
    const SourceNode* parameters = value(root, "parameters");
    if (parameters == nullptr || parameters->kind != Kind::mapping || parameters->entries.empty()) {
      report(parameters == nullptr ? SourceLocation{file_.string(), 1, 1} : parameters->where,
             "'parameters' must map at least one parameter path to a range {min: .., max: ..} or "
             "{values: [..]}");
      return;
    }
    const std::string model = spec_.base.text("model");
    std::vector<std::pair<std::string, const ScalarSpec*>> scalars;
    collect_scalars(schema_.engine(), "", scalars, identity_keys_);
    if (const ObjectSpec* section = schema_.model_section(model))
      collect_scalars(*section, model, scalars, identity_keys_);
    std::vector<std::string> paths;
    for (const auto& [path, spec] : scalars) paths.push_back(path);

    for (const SourceEntry& entry : parameters->entries) {
      std::string list;
      std::string name;
      const std::string pattern = element_pattern(entry.key, list, name);
      const auto found = std::find_if(scalars.begin(), scalars.end(),
                                      [&](const auto& scalar) { return scalar.first == pattern; });
      if (found == scalars.end()) {
        report(entry.key_where, unknown("parameter", entry.key, "model '" + model + "'", paths));
        continue;
      }
      if (!list.empty() && !names_element(entry, list, name)) continue;
      const ScalarSpec& scalar = *found->second;
      if (scalar.type != ParamType::integer && scalar.type != ParamType::real) {
        report(entry.key_where, fmt::format("'{}' is a {} parameter; sweeps vary integer and real parameters",
                                            entry.key, schema_format::type_name(scalar.type)));
        continue;
      }
      if (entry.key == "seed" || entry.key == "replicates" || entry.key == "steps") {
        report(entry.key_where, fmt::format("'{}' cannot be swept: every point runs the same {} (set it with "
                                            "'set:' or '{}:' in the sweep file)",
                                            entry.key, entry.key, entry.key == "steps" ? "set" : entry.key));
        continue;
      }
      read_parameter(entry, scalar);
    }
  }

  // Whether the base scenario's list `list` has an element named `name`; reports it when not.
  bool names_element(const SourceEntry& entry, const std::string& list, const std::string& name) {
    std::vector<std::string> names;
    if (spec_.base.has(list)) {
      for (const auto& item : spec_.base.node(list)) {
        const std::string& key = identity_keys_[list];
        if (item.IsMap() && item[key]) names.push_back(item[key].Scalar());
      }
    }
    if (std::find(names.begin(), names.end(), name) != names.end()) return true;
    report(entry.key_where, unknown("name", name, "'" + list + "' of the base scenario", names));
    return false;
  }

  std::optional<double> number(const SourceNode& node, const std::string& what, const SweepParameter& p,
                               const ScalarSpec& scalar) {
    std::optional<double> parsed;
    if (node.kind == Kind::scalar) {
      if (p.type == ParamType::integer) {
        if (const auto i = scenario_values::parse_integer(node.scalar)) parsed = static_cast<double>(*i);
      } else {
        parsed = scenario_values::parse_real(node.scalar);
        if (parsed && !std::isfinite(*parsed)) parsed.reset();
      }
    }
    if (!parsed) {
      report(node.where, fmt::format("{} of '{}' must be {}, got {}", what, p.path,
                                     p.type == ParamType::integer ? "an integer" : "a finite number",
                                     scenario_messages::found(node)));
      return std::nullopt;
    }
    if ((scalar.minimum && *parsed < *scalar.minimum) || (scalar.maximum && *parsed > *scalar.maximum)) {
      report(node.where, fmt::format("{} of '{}' must be within the parameter's range {}, got {}", what,
                                     p.path, schema_format::format_range(scalar), node.scalar));
      return std::nullopt;
    }
    return parsed;
  }

  void read_parameter(const SourceEntry& entry, const ScalarSpec& scalar) {
    SweepParameter p;
    p.path = entry.key;
    p.type = scalar.type;
    p.where = entry.key_where;
    const SourceNode& body = entry.value;
    if (body.kind != Kind::mapping) {
      report(body.where,
             fmt::format("'{}' must be a range {{min: .., max: ..}} or a list {{values: [..]}}, got {}",
                         p.path, scenario_messages::found(body)));
      return;
    }
    for (const SourceEntry& key : body.entries) {
      if (std::find(kParameterKeys.begin(), kParameterKeys.end(), key.key) == kParameterKeys.end()) {
        report(key.key_where, unknown("key", key.key, "'" + p.path + "'", kParameterKeys));
      }
    }
    const std::size_t before = problems_.size();
    if (spec_.method == DesignMethod::simplex) {
      read_share(body, scalar, p);
      if (problems_.size() == before) spec_.parameters.push_back(std::move(p));
      return;
    }
    if (spec_.method == DesignMethod::list) {
      read_listed(body, scalar, p);
      if (problems_.size() == before) {
        listed_scalars_.push_back(&scalar);
        spec_.parameters.push_back(std::move(p));
      }
      return;
    }
    const SourceNode* min = value(body, "min");
    const SourceNode* max = value(body, "max");
    const SourceNode* values = value(body, "values");
    if (values != nullptr) {
      if (min != nullptr || max != nullptr) {
        report(values->where, fmt::format("'{}' gives both a range (min, max) and values; give one", p.path));
        return;
      }
      if (values->kind != Kind::sequence || values->items.empty()) {
        report(values->where, fmt::format("'values' of '{}' must be a non-empty list, got {}", p.path,
                                          scenario_messages::found(*values)));
        return;
      }
      if (spec_.method != DesignMethod::grid) {
        report(values->where, fmt::format("'{}' lists values, which only a grid design can use; give a range "
                                          "{{min: .., max: ..}} for design '{}'",
                                          p.path, design_method_name(spec_.method)));
        return;
      }
      for (const SourceNode& item : values->items) {
        if (const auto v = number(item, "a value", p, scalar)) p.values.push_back(*v);
      }
    } else {
      if (min == nullptr || max == nullptr) {
        report(body.where, fmt::format("'{}' needs both 'min' and 'max' (or a list of 'values')", p.path));
        return;
      }
      const auto low = number(*min, "'min'", p, scalar);
      const auto high = number(*max, "'max'", p, scalar);
      if (low && high && !(*low < *high)) {
        report(max->where, fmt::format("'max' of '{}' must be greater than 'min' ({}), got {}", p.path,
                                       min->scalar, max->scalar));
      }
      if (low) p.minimum = *low;
      if (high) p.maximum = *high;
      if (const auto levels = integer(body, "levels", 2)) {
        if (spec_.method != DesignMethod::grid) {
          report(value(body, "levels")->where,
                 fmt::format("'levels' of '{}' applies to grid designs only", p.path));
        }
        p.levels = *levels;
      } else if (spec_.method == DesignMethod::grid && spec_.levels == 0 &&
                 value(body, "levels") == nullptr) {
        report(body.where,
               fmt::format("grid range '{}' needs a number of values: 'levels' here or at the top "
                           "of the sweep file",
                           p.path));
      }
    }
    if (problems_.size() == before) spec_.parameters.push_back(std::move(p));
  }

  // A share of a simplex design runs from 0 to 1 with the others; the design gives its values.
  void read_share(const SourceNode& body, const ScalarSpec& scalar, SweepParameter& p) {
    if (!body.entries.empty()) {
      report(body.entries.front().key_where,
             fmt::format("'{}' is a share of a simplex design (0 to 1, all shares of a point summing to 1); "
                         "give it as {{}}, without min, max, values or levels",
                         p.path));
      return;
    }
    if (p.type != ParamType::real || (scalar.minimum && *scalar.minimum > 0) ||
        (scalar.maximum && *scalar.maximum < 1)) {
      report(p.where,
             fmt::format("'{}' cannot be a share of a simplex design: shares are real parameters "
                         "that take any value from 0 to 1, and it is {} {}",
                         p.path, schema_format::type_name(p.type), schema_format::format_range(scalar)));
      return;
    }
    p.minimum = 0.0;
    p.maximum = 1.0;
  }

  // A column of a list design: {} (any value in the parameter's range) or {min: .., max: ..}, which
  // every listed value must then respect.
  void read_listed(const SourceNode& body, const ScalarSpec& scalar, SweepParameter& p) {
    const std::size_t before = problems_.size();
    for (const SourceEntry& key : body.entries) {
      if (key.key != "min" && key.key != "max") {
        report(key.key_where, fmt::format("'{}' of design 'list' takes {{}} or a range {{min: .., max: ..}}; "
                                          "its values are the rows under 'points', not '{}'",
                                          p.path, key.key));
      }
    }
    if (body.entries.empty() || problems_.size() != before) return;
    const SourceNode* min = value(body, "min");
    const SourceNode* max = value(body, "max");
    if (min == nullptr || max == nullptr) {
      report(body.where,
             fmt::format("'{}' needs both 'min' and 'max', or {{}} for the parameter's own range", p.path));
      return;
    }
    const auto low = number(*min, "'min'", p, scalar);
    const auto high = number(*max, "'max'", p, scalar);
    if (low && high && !(*low < *high)) {
      report(max->where, fmt::format("'max' of '{}' must be greater than 'min' ({}), got {}", p.path,
                                     min->scalar, max->scalar));
    }
    if (low && high) p.range = std::array<double, 2>{*low, *high};
  }

  // The rows of a list design, each one value per parameter in the order of 'parameters'. Counted
  // as written: a parameter refused above does not also make every row "too long".
  void read_listed_points(const SourceNode& root, const SourceLocation& top) {
    const SourceNode* points = value(root, "points");
    if (points == nullptr || points->kind != Kind::sequence || points->items.empty()) {
      report(
          points == nullptr ? top : points->where,
          fmt::format("design 'list' needs 'points': a non-empty list of rows, each one value per parameter "
                      "in the order of 'parameters' (e.g. [[0.5, 0.5], [1, 0]]), got {}",
                      points == nullptr ? "nothing" : described(*points)));
      return;
    }
    if (points->items.size() > static_cast<std::size_t>(kMaximumSweepPoints)) {
      report(points->where, fmt::format("design 'list' lists {} points; at most {}", points->items.size(),
                                        kMaximumSweepPoints));
      return;
    }
    const SourceNode* parameters = value(root, "parameters");
    const std::size_t written = parameters == nullptr ? 0 : parameters->entries.size();
    const bool every_parameter_read = written == spec_.parameters.size();
    for (std::size_t i = 0; i < points->items.size(); ++i) {
      const SourceNode& row = points->items[i];
      if (row.kind != Kind::sequence || row.items.size() != written) {
        report(row.where, fmt::format("point {} must list {} value{}, one per parameter in the order of "
                                      "'parameters', got {}",
                                      i, written, written == 1 ? "" : "s", described(row)));
        continue;
      }
      if (!every_parameter_read) continue;
      std::vector<double> values;
      for (std::size_t k = 0; k < written; ++k) {
        if (const auto v = listed_value(row.items[k], i, spec_.parameters[k], *listed_scalars_[k]))
          values.push_back(*v);
      }
      if (values.size() == written) spec_.rows.push_back(std::move(values));
    }
    if (spec_.rows.size() != points->items.size()) return;
    spec_.points = static_cast<std::int64_t>(spec_.rows.size());
    // The bounds of /design/X: the declared range, else the listed values' own.
    for (std::size_t k = 0; k < spec_.parameters.size(); ++k) {
      SweepParameter& p = spec_.parameters[k];
      p.minimum = p.range ? (*p.range)[0] : spec_.rows.front()[k];
      p.maximum = p.range ? (*p.range)[1] : spec_.rows.front()[k];
      for (const auto& row : spec_.rows) {
        p.minimum = std::min(p.minimum, row[k]);
        p.maximum = std::max(p.maximum, row[k]);
      }
    }
  }

  // As scenario_messages::found, with a list's length (a row of the wrong length says how long it is).
  static std::string described(const SourceNode& node) {
    if (node.kind != Kind::sequence) return scenario_messages::found(node);
    if (node.items.empty()) return "an empty list";
    return fmt::format("a list of {} value{}", node.items.size(), node.items.size() == 1 ? "" : "s");
  }

  std::optional<double> listed_value(const SourceNode& node, std::size_t point, const SweepParameter& p,
                                     const ScalarSpec& scalar) {
    const auto v = number(node, fmt::format("point {}", point), p, scalar);
    if (v && p.range && (*v < (*p.range)[0] || *v > (*p.range)[1])) {
      report(node.where,
             fmt::format("point {} of '{}' must be within its range {} to {} in 'parameters', got {}", point,
                         p.path, schema_format::format_number((*p.range)[0]),
                         schema_format::format_number((*p.range)[1]), node.scalar));
      return std::nullopt;
    }
    return v;
  }

  void check_design_size(const SourceNode& root) {
    const SourceLocation top{file_.string(), 1, 1};
    const auto where = [&](const std::string& key) {
      const SourceNode* node = value(root, key);
      return node == nullptr ? top : node->where;
    };
    const std::size_t d = spec_.parameters.size();
    switch (spec_.method) {
      case DesignMethod::grid:
        break;
      case DesignMethod::lhs:
        if (spec_.points == 0)
          report(where("points"), "design 'lhs' needs 'points' (the number of design points)");
        break;
      case DesignMethod::sobol:
        if (spec_.points < 2 || (spec_.points & (spec_.points - 1)) != 0) {
          std::int64_t suggestion = 2;
          while (suggestion < spec_.points) suggestion *= 2;
          report(where("points"), fmt::format("design 'sobol' needs 'points' (base samples N, a power of two "
                                              "≥ 2; the sweep runs N*(d+2) points), got {}; use {}",
                                              spec_.points, suggestion));
        }
        if (2 * d > SobolSequence::kMaxDimensions) {
          report(where("parameters"), fmt::format("design 'sobol' supports at most {} parameters, got {}",
                                                  SobolSequence::kMaxDimensions / 2, d));
        }
        break;
      case DesignMethod::morris:
        if (spec_.points == 0) {
          report(where("points"),
                 "design 'morris' needs 'points' (the number of trajectories; the sweep runs "
                 "points*(d+1) design points)");
        }
        if (spec_.levels == 0) spec_.levels = 4;
        if (spec_.levels % 2 != 0) {
          report(where("levels"),
                 fmt::format("design 'morris' needs an even number of 'levels' (so every step stays on the "
                             "grid), got {}",
                             spec_.levels));
        }
        break;
      case DesignMethod::simplex:
        // Counted as written: a share refused above is not also "missing".
        if (const SourceNode* shares = value(root, "parameters"); shares && shares->entries.size() < 2) {
          report(where("parameters"),
                 fmt::format("design 'simplex' needs at least 2 shares in 'parameters', got {}",
                             shares->entries.size()));
        }
        if (spec_.levels == 0) {
          report(where("levels"),
                 "design 'simplex' needs 'levels': the values each share takes, 0, 1/(levels-1), ..., 1");
        } else if (d >= 2 && simplex_lattice_size(d, spec_.levels,
                                                  static_cast<std::size_t>(kMaximumSweepPoints)) == 0) {
          report(where("levels"),
                 fmt::format("design 'simplex' with {} shares and {} levels has more than {} "
                             "points; use fewer levels or shares",
                             d, spec_.levels, kMaximumSweepPoints));
        }
        break;
      case DesignMethod::list:
        read_listed_points(root, top);
        break;
    }
  }

  std::filesystem::path file_;
  Schema schema_;
  SweepSpec spec_;
  std::vector<InputProblem> problems_;
  // Each `set:` value as the loader names it ("--set steps=-1") and where it stands in the sweep file.
  std::vector<std::pair<std::string, SourceLocation>> override_locations_;
  std::map<std::string, std::string> identity_keys_;  // of the lists keyed by name, by path
  std::vector<const ScalarSpec*> listed_scalars_;     // design list: each parameter's spec
};

}  // namespace

SweepSpec load_sweep_spec(const std::filesystem::path& file, const std::vector<ModelDefinition>& models) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(file, error)) {
    throw InputError({file.string(), 0, 0}, "sweep file does not exist or is not a file");
  }
  return SweepReader(file, models).read();
}

}  // namespace sim
