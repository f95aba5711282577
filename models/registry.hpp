#pragma once
// Every model the innosim front end can run. Adding a model: write models/<name>/, then add
// its definition here.
#include <vector>

#include "sim/model.hpp"

namespace models {
const std::vector<sim::ModelDefinition>& all_models();
}  // namespace models
