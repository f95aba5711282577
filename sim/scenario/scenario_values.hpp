#pragma once
// Reading scalar values as YAML 1.2 writes them. yaml-cpp hands every scalar over as text; these
// decide what it means, strictly, so "1O" is not taken for a number nor "yes please" for true.
#include <cstdint>
#include <optional>
#include <string>

namespace sim::scenario_values {

// Decimal and exponent forms ("-5", "0.5", "1e9", "+.5") and YAML's .nan / .inf / -.inf.
std::optional<double> parse_real(const std::string& text);
// Decimal integers, and reals with an integral value that fits ("1e6", "100.0").
std::optional<std::int64_t> parse_integer(const std::string& text);
// true/True/TRUE and false/False/FALSE.
std::optional<bool> parse_boolean(const std::string& text);

}  // namespace sim::scenario_values
