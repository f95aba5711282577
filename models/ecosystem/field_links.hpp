#pragma once
// Fields linked (issue 16): an input-output coefficient matrix between the scenario's fields, whose
// Leontief inverse carries the demand that industrialisation creates in one field to the fields
// that supply it (the industrial chain), and a technology-proximity matrix that lets a lab's result
// be licensed to a firm of a near field (match_results). Both default to no links: A = 0 and
// proximity = identity, under which the model draws and computes exactly as without them.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "sim/scenario/input_error.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/scenario/schema.hpp"

namespace models::ecosystem {

// The links as the scenario gives them (ecosystem.field_links), as dense n x n matrices, row-major,
// held only when the scenario gives links (a scenario may have thousands of fields).
struct FieldLinkSpec {
  std::size_t fields = 0;
  // input_output[i * fields + j]: yuan of field i's output needed per yuan of field j's final output.
  std::vector<double> input_output;  // empty: A = 0
  // proximity[i * fields + j]: 0 (never) to 1 (as near as the field itself); symmetric, 1 on the diagonal.
  std::vector<double> proximity;  // empty: the identity
  // A licence to a firm of another field costs the fee x (1 + premium x (1 - proximity)).
  double cross_field_fee_premium = 1.0;

  [[nodiscard]] bool has_input_output() const { return !input_output.empty(); }
  [[nodiscard]] bool has_proximity() const { return !proximity.empty(); }
  [[nodiscard]] double coefficient(std::size_t supplier, std::size_t buyer) const {
    return input_output.empty() ? 0.0 : input_output[supplier * fields + buyer];
  }
  [[nodiscard]] double proximity_of(std::size_t a, std::size_t b) const {
    if (proximity.empty()) return a == b ? 1.0 : 0.0;
    return proximity[a * fields + b];
  }
};

// The most fields a scenario with field links may have (the matrices are dense).
inline constexpr std::size_t kMaxLinkedFields = 1000;

// Declares ecosystem.field_links in the scenario schema.
void declare_field_links(sim::ObjectSpec& section);
// Reads ecosystem.field_links for the named fields; unknown field names, duplicate pairs and an
// input-output matrix without a Leontief inverse (a column summing to 1 or more) are problems at
// their file:line:column.
FieldLinkSpec read_field_links(const sim::Config& config, const std::vector<std::string>& field_names,
                               std::vector<sim::InputProblem>& problems);

// The Leontief solve: (I - A) factorised once at set-up (Eigen, in field_links.cpp), solved once a
// quarter. Copies share the factorisation (it never changes).
class LeontiefChain {
 public:
  LeontiefChain() = default;
  explicit LeontiefChain(const FieldLinkSpec& links);
  [[nodiscard]] bool empty() const { return factorisation_ == nullptr; }
  // The intermediate demand x = (I - A)^-1 f - f that final demand f (per field, yuan) creates in
  // the supplying fields, per field; zeros when there are no input-output links.
  [[nodiscard]] std::vector<double> intermediate_demand(const std::vector<double>& final_demand) const;

 private:
  struct Factorisation;
  std::shared_ptr<const Factorisation> factorisation_;
};

}  // namespace models::ecosystem
