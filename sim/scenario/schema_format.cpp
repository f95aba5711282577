#include "sim/scenario/schema_format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace sim::schema_format {

std::string format_number(double value) {
  if (std::isnan(value)) return ".nan";
  if (std::isinf(value)) return value > 0 ? ".inf" : "-.inf";
  // Six significant digits keep messages short ("1e9" rather than "1000000000"); a value that
  // needs more is written with as many as it takes to be exact, so nothing is silently rounded.
  char buffer[40];
  for (int precision = 6; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof(buffer), "%.*g", precision, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  // Exponents as people write them: "5e8" and "1.5e-5", not "5e+08" and "1.5e-05".
  std::string text = buffer;
  const std::size_t e = text.find('e');
  if (e == std::string::npos) return text;
  std::string exponent = text.substr(e + 1);
  const bool negative = exponent[0] == '-';
  if (exponent[0] == '+' || exponent[0] == '-') exponent.erase(0, 1);
  exponent.erase(0, std::min(exponent.find_first_not_of('0'), exponent.size() - 1));
  return text.substr(0, e + 1) + (negative ? "-" : "") + exponent;
}

std::string format_real_literal(double value) {
  std::string text = format_number(value);
  // "5" would read back as an integer; a real stays a real through to_yaml and reloading.
  if (std::isfinite(value) && text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

std::string format_bound(double bound, ParamType type) {
  if (type == ParamType::integer && std::trunc(bound) == bound && std::fabs(bound) < 9.2e18) {
    return std::to_string(static_cast<long long>(bound));
  }
  return format_number(bound);
}

std::string format_scalar(const ScalarValue& value) {
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return std::to_string(*integer);
  if (const auto* real = std::get_if<double>(&value)) return format_number(*real);
  if (const auto* boolean = std::get_if<bool>(&value)) return *boolean ? "true" : "false";
  return std::get<std::string>(value);
}

std::string type_name(ParamType type) {
  switch (type) {
    case ParamType::integer:
      return "integer";
    case ParamType::real:
      return "real";
    case ParamType::boolean:
      return "boolean";
    case ParamType::text:
      return "text";
    case ParamType::choice:
      return "choice";
  }
  return "unknown";
}

std::string format_range(const ScalarSpec& spec) {
  if (spec.minimum && spec.maximum) {
    return format_bound(*spec.minimum, spec.type) + " to " + format_bound(*spec.maximum, spec.type);
  }
  if (spec.minimum) return "≥ " + format_bound(*spec.minimum, spec.type);
  if (spec.maximum) return "≤ " + format_bound(*spec.maximum, spec.type);
  return {};
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string text;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) text += separator;
    text += parts[i];
  }
  return text;
}

}  // namespace sim::schema_format
