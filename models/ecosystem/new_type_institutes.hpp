#pragma once
// New-type R&D institutions (新型研发机构, seed 000): institutes of mixed owners (government, firms,
// universities) declared per region (regions.*.new_type_institutes). They are labs of kind
// institute with the flag `new_type`; what differs is written here: their staff are paid by
// results, not papers, so they put more effort into transfer (transfer_effort_new_type); they do
// applied research up to a higher TRL (new_type_institute_max_trl); and besides the government's
// appropriation (new_type_institute_budget_yuan) they are paid contract research by the region's
// lead firms (new_type_contract_yuan).
#include <cstdint>

#include "models/ecosystem/firms.hpp"
#include "models/ecosystem/labs.hpp"
#include "models/ecosystem/parameters.hpp"
#include "models/ecosystem/payments.hpp"

namespace models::ecosystem {

// The TRL up to which lab row `l` develops its results (labs hold them below it).
inline std::int64_t lab_max_trl(const Parameters& p, const Labs& labs, std::size_t l) {
  return labs.is_new_type[l] ? p.new_type_institute_max_trl : p.lab_max_trl;
}

// The transfer effort of lab row `l`'s staff.
inline double lab_transfer_effort(const Parameters& p, const Labs& labs, std::size_t l) {
  if (labs.is_new_type[l]) return p.transfer_effort_new_type;
  return labs.kind[l] == kUniversity ? p.transfer_effort_university : p.transfer_effort_institute;
}

// Part of "fund_research": the contract research a lead firm of its region (of its field where one
// is, otherwise the first of the region, in row order) commissions from new-type institute `l`
// this quarter, `new_type_contract_yuan` x `index`, paid as far as the firm's cash goes. Returns
// what was paid (0 for other labs and where the region has no lead firm).
double commission_contract_research(const Parameters& p, const Labs& labs, std::size_t l, const Firms& firms,
                                    double index, Payments& payments);

}  // namespace models::ecosystem
