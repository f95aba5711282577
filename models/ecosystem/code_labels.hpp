#pragma once
// What the codes in the output file mean. Regions, fields, performers, stages, tiers and the other
// small integer codes are stored as numbers (compact, and bit-identical whatever the names); their
// labels go beside them as each dataset's `labels` attribute (labels[c] names code c), so a file
// read years later still says that region 2 is 'nansha'.
#include <string>
#include <vector>

#include "models/ecosystem/parameters.hpp"
#include "sim/core/population.hpp"

namespace models::ecosystem {

struct CodeLabels {
  std::vector<std::string> regions;  // the scenario's regions, in the order of their codes
  std::vector<std::string> fields;   // the scenario's fields
  std::vector<std::string> performers{"university", "institute", "lead_firm", "sme"};  // Performer
  std::vector<std::string> stages{"research", "development", "commercialization", "industrialization"};
  std::vector<std::string> tiers{kTierNames, kTierNames + kTiers};
  std::vector<std::string> ip_statuses{"unprotected", "patented", "licensed", "assigned"};  // IpStatus
  std::vector<std::string> intermediary_kinds{"transfer_office", "expert_service", "incubator"};
  std::vector<std::string> platform_owners{"government", "university", "lead_firm", "consortium"};
  std::vector<std::string> deal_kinds{"licence", "assignment", "spin_out", "vc_investment", "loan"};
};

CodeLabels code_labels(const Parameters& parameters);

// Labels every code field of the model's populations (region and field wherever a kind has them,
// and each kind's own codes).
void label_population_codes(const CodeLabels& labels, const std::vector<sim::Population*>& populations);

}  // namespace models::ecosystem
