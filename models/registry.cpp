#include "models/registry.hpp"

#include "models/boltzmann/boltzmann.hpp"
#include "models/ecosystem/ecosystem.hpp"

namespace models {

const std::vector<sim::ModelDefinition>& all_models() {
  static const std::vector<sim::ModelDefinition> definitions = {boltzmann::definition(),
                                                                ecosystem::definition()};
  return definitions;
}

}  // namespace models
