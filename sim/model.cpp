#include "sim/model.hpp"

namespace sim {

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
