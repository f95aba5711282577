#pragma once
// Checks a merged scenario against the schema and builds the resolved tree a Config holds: only
// schema keys, in schema order, defaults filled, every scalar tagged with its type. Private to
// scenario loading.
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/scenario/input_error.hpp"
#include "sim/scenario/scenario_source.hpp"
#include "sim/scenario/schema.hpp"

namespace sim::scenario_validate {

// The YAML tags of resolved scalars: Config's getters check them, to_yaml writes by them.
inline constexpr const char* kIntegerTag = "tag:yaml.org,2002:int";
inline constexpr const char* kRealTag = "tag:yaml.org,2002:float";
inline constexpr const char* kBooleanTag = "tag:yaml.org,2002:bool";
inline constexpr const char* kTextTag = "tag:yaml.org,2002:str";

// Appends every problem found to `problems`; the tree returned is complete only when none was.
YAML::Node validate(const scenario_source::SourceNode& root, const Schema& schema,
                    std::vector<InputProblem>& problems);

// A resolved scalar: its canonical text ("5.0" for a real) and its tag.
YAML::Node scalar_node(const ScalarValue& value, ParamType type);

}  // namespace sim::scenario_validate
