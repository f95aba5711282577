#include "models/ecosystem/field_links.hpp"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <utility>

#include "models/ecosystem/scenario_names.hpp"

namespace models::ecosystem {

void declare_field_links(sim::ObjectSpec& section) {
  auto& links = section.object(
      "field_links",
      "Fields linked (docs/MODEL.md section 3.3): the input-output coefficients that carry the demand "
      "created by industrialisation along the industrial chain (Leontief), and the technology proximity "
      "that lets results be licensed to firms of near fields. Empty: no links");
  auto& io = links.list_of_objects(
      "input_output",
      "Input-output coefficients a(supplier, buyer): yuan of the supplier field's output needed per yuan "
      "of the buyer field's final output (technical coefficients of an input-output table aggregated to "
      "the fields; a pair not listed is 0). Each buyer's coefficients must sum to less than 1, so that the "
      "Leontief inverse exists. Documented assumption where a scenario gives them");
  io.text("supplier", "Field that supplies the input").required();
  io.text("buyer", "Field that uses the input").required();
  io.real("coefficient", "yuan/yuan", "Yuan of the supplier's output per yuan of the buyer's final output")
      .required()
      .between(0, 0.99);
  auto& near = links.list_of_objects(
      "technology_proximity",
      "Technology proximity between two fields (symmetric; a field is at proximity 1 to itself, a pair not "
      "listed at 0): a matched result is offered to a firm of field g with weight proximity(result's "
      "field, g), so proximity 0 means never. Documented assumption where a scenario gives them");
  near.text("field_a", "One field of the pair").required();
  near.text("field_b", "The other field of the pair").required();
  near.real("proximity", "1", "0: unrelated technologies; 1: as near as the field itself")
      .required()
      .between(0, 1);
  links
      .real("input_output_scale", "1",
            "Multiplies every input-output coefficient (0: no industrial chain; 1: as given), so that a "
            "sensitivity sweep covers the coefficients' uncertainty (scenarios/sweeps/"
            "field_links_sensitivity.yaml); each buyer's scaled coefficients must still sum to less than 1. "
            "Documented assumption")
      .default_value(1.0)
      .between(0, 10);
  links
      .real("proximity_scale", "1",
            "Multiplies every technology proximity between two different fields, capped at 1 (0: no field "
            "near another; 1: as given), so that a sensitivity sweep covers the proximities' uncertainty. "
            "Documented assumption")
      .default_value(1.0)
      .between(0, 10);
  links
      .real("cross_field_fee_premium", "1",
            "A licence to a firm of another field costs the licence fee x (1 + premium x (1 - proximity)): "
            "the lab adapts the result to the other field's use. Documented assumption")
      .default_value(1.0)
      .between(0, 100);
}

namespace {

// ecosystem.field_links.input_output into links.input_output (left empty when every coefficient is 0).
void read_input_output(const sim::Config& config, const std::string& io_list, double scale,
                       const std::vector<std::string>& field_names, FieldLinkSpec& links,
                       std::vector<sim::InputProblem>& problems) {
  const std::size_t n = links.fields;
  std::vector<double> a(n * n, 0.0);
  bool any = false;
  for (const NamedPair& pair : read_named_pairs(config, io_list, "supplier", "buyer", "coefficient",
                                                field_names, "field", PairOrder::ordered, problems)) {
    const double coefficient = scale * pair.value;
    a[static_cast<std::size_t>(pair.first) * n + static_cast<std::size_t>(pair.second)] = coefficient;
    any = any || coefficient > 0;
  }
  if (!any) return;
  links.input_output = std::move(a);
  // The Leontief inverse exists (and is non-negative) when every column of A sums to less than 1.
  for (std::size_t buyer = 0; buyer < n; ++buyer) {
    double column = 0;
    for (std::size_t supplier = 0; supplier < n; ++supplier) column += links.coefficient(supplier, buyer);
    if (column >= 1.0) {
      problems.push_back(
          {config.location(io_list),
           fmt::format("'{}': the coefficients of buyer '{}' sum to {:.4g} (after input_output_scale "
                       "{:g}); each buyer's inputs must cost less than its output (sum < 1), or the "
                       "Leontief inverse (I - A)^-1 does not exist: lower them",
                       io_list, field_names[buyer], column, scale)});
    }
  }
}

// ecosystem.field_links.technology_proximity into links.proximity (left empty when every pair is 0).
void read_proximity(const sim::Config& config, const std::string& near_list, double scale,
                    const std::vector<std::string>& field_names, FieldLinkSpec& links,
                    std::vector<sim::InputProblem>& problems) {
  const std::size_t n = links.fields;
  std::vector<double> proximity(n * n, 0.0);
  for (std::size_t f = 0; f < n; ++f) proximity[f * n + f] = 1.0;
  bool any = false;
  for (const NamedPair& pair : read_named_pairs(config, near_list, "field_a", "field_b", "proximity",
                                                field_names, "field", PairOrder::unordered, problems)) {
    const auto a = static_cast<std::size_t>(pair.first), b = static_cast<std::size_t>(pair.second);
    const double near = std::min(1.0, scale * pair.value);
    proximity[a * n + b] = proximity[b * n + a] = near;
    any = any || near > 0;
  }
  if (any) links.proximity = std::move(proximity);
}

}  // namespace

FieldLinkSpec read_field_links(const sim::Config& config, const std::vector<std::string>& field_names,
                               std::vector<sim::InputProblem>& problems) {
  FieldLinkSpec links;
  const std::size_t n = field_names.size();
  links.fields = n;
  links.cross_field_fee_premium = config.real("ecosystem.field_links.cross_field_fee_premium");
  const std::string io_list = "ecosystem.field_links.input_output";
  const std::string near_list = "ecosystem.field_links.technology_proximity";
  const std::size_t given = config.node(io_list).size() + config.node(near_list).size();
  if (given == 0) return links;  // no links: no matrices
  if (n > kMaxLinkedFields) {
    problems.push_back(
        {config.location("ecosystem.field_links"),
         fmt::format("'ecosystem.field_links' links {} fields; at most {} can be linked: merge "
                     "fields into broader industries",
                     n, kMaxLinkedFields)});
    return links;
  }
  read_input_output(config, io_list, config.real("ecosystem.field_links.input_output_scale"), field_names,
                    links, problems);
  read_proximity(config, near_list, config.real("ecosystem.field_links.proximity_scale"), field_names, links,
                 problems);
  return links;
}

struct LeontiefChain::Factorisation {
  Eigen::PartialPivLU<Eigen::MatrixXd> lu;
};

LeontiefChain::LeontiefChain(const FieldLinkSpec& links) {
  if (!links.has_input_output()) return;
  const auto n = static_cast<Eigen::Index>(links.fields);
  Eigen::MatrixXd i_minus_a = Eigen::MatrixXd::Identity(n, n);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j)
      i_minus_a(i, j) -= links.coefficient(static_cast<std::size_t>(i), static_cast<std::size_t>(j));
  factorisation_ = std::make_shared<const Factorisation>(Factorisation{i_minus_a.partialPivLu()});
}

std::vector<double> LeontiefChain::intermediate_demand(const std::vector<double>& final_demand) const {
  std::vector<double> intermediate(final_demand.size(), 0.0);
  if (empty()) return intermediate;
  const Eigen::Map<const Eigen::VectorXd> f(final_demand.data(),
                                            static_cast<Eigen::Index>(final_demand.size()));
  const Eigen::VectorXd output = factorisation_->lu.solve(f);
  // Output is at least final demand (the inverse is non-negative); rounding may leave -1e-12.
  for (std::size_t k = 0; k < intermediate.size(); ++k)
    intermediate[k] = std::max(0.0, output(static_cast<Eigen::Index>(k)) - final_demand[k]);
  return intermediate;
}

}  // namespace models::ecosystem
