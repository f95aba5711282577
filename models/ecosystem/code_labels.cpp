#include "models/ecosystem/code_labels.hpp"

namespace models::ecosystem {

CodeLabels code_labels(const Parameters& parameters) {
  CodeLabels labels;
  for (const auto& region : parameters.regions) labels.regions.push_back(region.name);
  for (const auto& field : parameters.fields) labels.fields.push_back(field.name);
  return labels;
}

void label_population_codes(const CodeLabels& labels, const std::vector<sim::Population*>& populations) {
  for (sim::Population* population : populations) {
    if (population->has_field("region")) population->set_labels("region", labels.regions);
    if (population->has_field("field")) population->set_labels("field", labels.fields);
    const std::string& kind = population->kind();
    if (kind == "firm") {
      population->set_labels("kind", labels.performers);  // 2 lead firm, 3 SME
      population->set_labels("tier", labels.tiers);
    } else if (kind == "lab") {
      population->set_labels("kind", labels.performers);  // 0 university, 1 institute
    } else if (kind == "result") {
      population->set_labels("origin", labels.performers);
      population->set_labels("stage", labels.stages);
      population->set_labels("ip_status", labels.ip_statuses);
    } else if (kind == "intermediary") {
      population->set_labels("kind", labels.intermediary_kinds);
    } else if (kind == "platform") {
      population->set_labels("owner", labels.platform_owners);
    }
  }
}

}  // namespace models::ecosystem
