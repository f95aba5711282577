#include "sim/scenario/scenario_messages.hpp"

#include <algorithm>

#include "sim/scenario/input_error.hpp"
#include "sim/scenario/scenario_values.hpp"
#include "sim/scenario/schema_format.hpp"

namespace sim::scenario_messages {

std::string object_label(const std::string& object_path) {
  return object_path.empty() ? "the scenario root" : "'" + object_path + "'";
}

std::string unknown_key(const std::string& key, const std::string& object_path,
                        std::vector<std::string> candidates) {
  std::string message = "unknown key '" + key + "' in " + object_label(object_path);
  if (const std::string nearest = nearest_name(key, candidates); !nearest.empty()) {
    return message + "; did you mean '" + nearest + "'?";
  }
  if (candidates.empty()) return message + "; it takes no keys";
  std::sort(candidates.begin(), candidates.end());
  return message + "; expected one of: " + schema_format::join(candidates, ", ");
}

std::string found(const scenario_source::SourceNode& value) {
  using Kind = scenario_source::SourceNode::Kind;
  switch (value.kind) {
    case Kind::null:
      return "an empty value";
    case Kind::sequence:
      return "a list";
    case Kind::mapping:
      return "a mapping";
    case Kind::scalar:
      break;
  }
  return found_text(value.scalar);
}

std::string found_text(const std::string& scalar) {
  return scenario_values::parse_real(scalar) ? scalar : "'" + scalar + "'";
}

}  // namespace sim::scenario_messages
