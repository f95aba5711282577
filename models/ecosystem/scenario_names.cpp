#include "models/ecosystem/scenario_names.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace models::ecosystem {

int index_of_name(const std::vector<std::string>& names, const std::string& name, const std::string& what,
                  const std::string& path, const sim::SourceLocation& where,
                  std::vector<sim::InputProblem>& problems) {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it != names.end()) return static_cast<int>(it - names.begin());
  problems.push_back(
      {where, fmt::format("'{}' names {} '{}', which the scenario does not define (defined: {}){}", path,
                          what, name, fmt::join(names, ", "), sim::did_you_mean(name, names))});
  return -1;
}

}  // namespace models::ecosystem
