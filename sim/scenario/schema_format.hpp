#pragma once
// How schema values are written for people and for YAML/JSON: numbers in the shortest form that
// reads back exactly, defaults and ranges as the reference docs and error messages show them.
// Shared by the schema's docs, scenario validation and Config::to_yaml so they never disagree.
#include <string>
#include <vector>

#include "sim/scenario/schema.hpp"

namespace sim::schema_format {

// "%g"-like ("-5", "0.5", "1e+09", "100000"), with more digits only where six do not read back
// as the same double.
std::string format_number(double value);
// As format_number, but always reads back as a real in YAML and JSON-compatible tools ("5.0").
std::string format_real_literal(double value);
// A range bound of a field of the given type: integers without exponent ("1000000").
std::string format_bound(double bound, ParamType type);
// A default value as text: 10, 0.5, true, some text.
std::string format_scalar(const ScalarValue& value);

// "integer", "real", "boolean", "text", "choice".
std::string type_name(ParamType type);
// "≥ 0", "≤ 10", "1 to 100000", "" when unbounded.
std::string format_range(const ScalarSpec& spec);

std::string join(const std::vector<std::string>& parts, const std::string& separator);

}  // namespace sim::schema_format
