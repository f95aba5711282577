#include "sim/model.hpp"

#include <stdexcept>

namespace sim {

void Model::save_state(std::ostream& /*out*/) const {
  throw std::runtime_error(
      "this model does not support checkpoints (it does not implement Model::save_state); run it without "
      "--checkpoint-every");
}

void Model::restore_state(std::istream& /*in*/) {
  throw std::runtime_error(
      "this model does not support checkpoints (it does not implement Model::restore_state)");
}

Schema build_schema(const std::vector<ModelDefinition>& models) {
  Schema schema;
  for (const auto& model : models)
    model.declare_parameters(schema.add_model_section(model.name, model.summary));
  return schema;
}

const ModelDefinition* find_model(const std::vector<ModelDefinition>& models, const std::string& name) {
  for (const auto& model : models) {
    if (model.name == name) return &model;
  }
  return nullptr;
}

}  // namespace sim
