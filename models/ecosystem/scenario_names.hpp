#pragma once
// Names a scenario defines (its regions, its fields) looked up where other sections refer to them.
#include <string>
#include <vector>

#include "sim/scenario/input_error.hpp"

namespace models::ecosystem {

// The index of `name` among `names` (the scenario's regions or fields: `what`), or -1 with an input
// problem at `where` that lists the names defined and suggests the nearest.
int index_of_name(const std::vector<std::string>& names, const std::string& name, const std::string& what,
                  const std::string& path, const sim::SourceLocation& where,
                  std::vector<sim::InputProblem>& problems);

}  // namespace models::ecosystem
