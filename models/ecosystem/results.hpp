#pragma once
// Research results: the central entity. A result is born in a lab or firm (generate_results),
// climbs TRLs through the three valleys (advance_results), may be verified on a pilot platform,
// licensed, assigned or spun out, and dies. Tens of millions of rows at national scale.
#include <cstdint>
#include <string>
#include <vector>

#include "models/ecosystem/agent_rows.hpp"
#include "sim/core/proposals.hpp"

namespace models::ecosystem {

struct Results : AgentRows {
  Results() : AgentRows(declare_fields()) {}

  // Region, field and age are 16-bit (read_parameters bounds the counts, result_max_age_quarters
  // the age): every pass over tens of millions of results streams these columns.
  //
  // Hot: advance_results reads (and mostly writes) every one of these for every result every
  // step: 37 bytes per result.
  std::vector<std::int16_t>& field = population.field<std::int16_t>("field");
  std::vector<double>& quality = population.field<double>("quality");  // latent, standard normal scale
  std::vector<std::uint8_t>& trl = population.field<std::uint8_t>("trl");
  std::vector<std::uint8_t>& stage = population.field<std::uint8_t>("stage");
  std::vector<std::uint8_t>& ip_status = population.field<std::uint8_t>("ip_status");
  std::vector<std::int64_t>& owner = population.field<std::int64_t>("owner");  // lab or firm id
  std::vector<std::uint8_t>& owner_is_firm = population.field<std::uint8_t>("owner_is_firm");
  std::vector<std::uint8_t>& is_verified = population.field<std::uint8_t>("is_verified");
  std::vector<std::uint8_t>& is_applied = population.field<std::uint8_t>("is_applied");
  std::vector<std::uint8_t>& is_shelved = population.field<std::uint8_t>("is_shelved");
  std::vector<std::uint8_t>& is_in_use = population.field<std::uint8_t>("is_in_use");
  // Backed by a challenge prize or consortium.
  std::vector<std::uint8_t>& is_sponsored = population.field<std::uint8_t>("is_sponsored");
  std::vector<std::int16_t>& age = population.field<std::int16_t>("age");
  std::vector<double>& investment_yuan = population.field<double>("investment_yuan");
  // Cold: written at birth, read by metrics and events: 3 bytes per result.
  std::vector<std::uint8_t>& origin = population.field<std::uint8_t>("origin");
  std::vector<std::int16_t>& region = population.field<std::int16_t>("region");

 private:
  // The fields in the order of the output file's /agents/result/ (the order of add_field).
  static sim::Population declare_fields() {
    sim::Population results("result");
    results.add_field<std::uint8_t>(
        "origin",
        {"kind", "Performer that produced it: 0 university, 1 institute, 2 lead firm, 3 SME", true});
    results.add_field<std::int16_t>("region", {"index", "Region of the producer", true});
    results.add_field<std::int16_t>("field", {"index", "Field (industry)", true});
    // A normal draw per result: deflate would take as long on it as on all the flags together and
    // save about a tenth, so snapshots store it as it is.
    results.add_field<double>("quality", {"sd", "Latent quality (standard normal scale)", true, false});
    results.add_field<std::uint8_t>("trl", {"TRL", "Technology readiness level 1-9", true});
    results.add_field<std::uint8_t>(
        "stage", {"stage", "0 research, 1 development, 2 commercialization, 3 industrialization", true});
    results.add_field<std::uint8_t>("ip_status",
                                    {"status", "0 unprotected, 1 patented, 2 licensed, 3 assigned", true});
    results.add_field<std::int64_t>("owner", {"id", "Id of the holding lab or firm", true});
    results.add_field<std::uint8_t>("owner_is_firm", {"flag", "1 if a firm holds it, 0 a lab", true});
    results.add_field<std::uint8_t>("is_verified", {"flag", "Verified on a pilot platform", true});
    results.add_field<std::uint8_t>("is_applied", {"flag", "Applied (1) or basic (0) research", true});
    results.add_field<std::uint8_t>("is_shelved", {"flag", "Shelved by a lab: no more development", true});
    results.add_field<std::uint8_t>("is_in_use",
                                    {"flag", "Held by a firm at TRL >= 7 (industrial use)", true});
    results.add_field<std::uint8_t>("is_sponsored", {"flag", "Backed by a challenge prize", true});
    results.add_field<std::int16_t>("age", {"quarters", "Age", true});
    results.add_field<double>("investment_yuan", {"yuan", "Cumulative development investment", true});
    return results;
  }
};

// r_owner_index of a result whose holder is gone.
inline constexpr std::uint32_t kNoHolder = 0xFFFFFFFFu;

// A first unit (a firm's step from TRL 6-8) whose buyer was offered first-unit insurance this step
// (advance_results): the terms, the buyer's choice and whether it claimed.
struct FirstUnitOffer {
  std::uint32_t result;  // row
  std::int32_t policy;   // the first_unit_insurance instrument
  double premium;        // yuan, before the subsidy
  double claim;          // yuan the insurer pays if the unit fails and the buyer claims
  bool is_taken;
  bool is_claimed;
};

// Per result, rebuilt every step (not in snapshots): where its holder is and what happens to it
// this step. index_holdings sizes and resets them; the phases named write them.
struct ResultScratch {
  std::vector<std::uint32_t> owner_index;  // holder's row (lab or firm), kNoHolder when gone
  std::vector<std::uint8_t> dies;          // index_holdings (holder gone), advance_results
  std::vector<std::uint8_t> wants_pilot;   // advance_results: asks a pilot platform
  // advance_results: the first units whose buyers were offered first-unit insurance, in result order.
  sim::ProposalBuffer<FirstUnitOffer> first_unit_offers;
};

}  // namespace models::ecosystem
