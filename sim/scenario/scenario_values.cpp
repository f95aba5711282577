#include "sim/scenario/scenario_values.hpp"

#include <charconv>
#include <cmath>
#include <limits>

namespace sim::scenario_values {

namespace {

// YAML 1.2's spellings of the special floats (core schema).
std::optional<double> parse_special_real(const std::string& text) {
  if (text == ".nan" || text == ".NaN" || text == ".NAN") return std::numeric_limits<double>::quiet_NaN();
  std::string_view rest = text;
  double sign = 1.0;
  if (!rest.empty() && (rest.front() == '+' || rest.front() == '-')) {
    sign = rest.front() == '-' ? -1.0 : 1.0;
    rest.remove_prefix(1);
  }
  if (rest == ".inf" || rest == ".Inf" || rest == ".INF")
    return sign * std::numeric_limits<double>::infinity();
  return std::nullopt;
}

// from_chars reads no leading '+', which YAML allows; one sign at most either way.
std::string_view without_plus(const std::string& text) {
  std::string_view view = text;
  if (view.size() > 1 && view.front() == '+' && view[1] != '-' && view[1] != '+') view.remove_prefix(1);
  return view;
}

}  // namespace

std::optional<double> parse_real(const std::string& text) {
  if (auto special = parse_special_real(text)) return special;
  const std::string_view view = without_plus(text);
  double value = 0.0;
  const auto [end, error] = std::from_chars(view.data(), view.data() + view.size(), value);
  if (error != std::errc{} || end != view.data() + view.size() || view.empty()) return std::nullopt;
  return value;
}

std::optional<std::int64_t> parse_integer(const std::string& text) {
  const std::string_view view = without_plus(text);
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(view.data(), view.data() + view.size(), value);
  if (error == std::errc{} && end == view.data() + view.size() && !view.empty()) return value;
  // "1e6" and "100.0" name integers exactly; 2^63 itself does not fit, hence the strict bound.
  const auto real = parse_real(text);
  constexpr double limit = 9223372036854775808.0;
  if (!real || !std::isfinite(*real) || std::trunc(*real) != *real || *real >= limit || *real < -limit) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(*real);
}

std::optional<bool> parse_boolean(const std::string& text) {
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  return std::nullopt;
}

}  // namespace sim::scenario_values
