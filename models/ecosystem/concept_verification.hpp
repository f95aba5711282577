#pragma once
// Concept-verification centres (概念验证中心, seed 004): the first bridge over the devil river. A
// centre of a region verifies results at TRL 3 for a fee: a verified result moves to TRL 4, or is
// revealed weak and dropped before its holder spends more on it. Each centre has an owner (who pays
// its own budget), a capacity per quarter and a ledger account; a verification costs it
// concept_verification_cost_yuan, paid from the holder's fee, a concept_verification_fund's subsidy
// and its own money, so when the money runs out it verifies only what fees pay for.
#include <cstdint>
#include <vector>

#include "models/ecosystem/events.hpp"
#include "models/ecosystem/firms.hpp"
#include "models/ecosystem/flows.hpp"
#include "models/ecosystem/labs.hpp"
#include "models/ecosystem/markets.hpp"
#include "models/ecosystem/parameters.hpp"
#include "models/ecosystem/payments.hpp"
#include "models/ecosystem/results.hpp"
#include "sim/core/scheduler.hpp"

namespace models::ecosystem {

// A few agents per region that never exit, so rows are stable; not an output population (a
// scenario without centres writes the same file as before they existed).
struct ConceptVerificationCentres {
  std::vector<std::int32_t> region;
  std::vector<std::uint8_t> owner;  // index of kConceptVerificationOwners
  std::vector<std::int64_t> account;
  std::vector<std::int64_t> served;  // verifications of the quarter
  [[nodiscard]] std::size_t size() const { return region.size(); }
};

// Set-up: the regions' centres, each with its ledger account (none: no account is opened).
void create_concept_verification_centres(const Parameters& p, ConceptVerificationCentres& centres,
                                         sim::Ledger& ledger);

// Phase "verify_concepts" — reads results at TRL 3 and their holders, the centres and the
// concept_verification_fund instruments; holders decide whether to ask (the fee against the gain
// they expect), centres serve requests in a random priority order (a draw per result) up to their
// capacity while fee, subsidy and own money cover the cost. Writes results' TRL and stage, deaths of
// results revealed weak (result_scratch.dies, with their transition events), the centres' and
// holders' accounts and the quarter's counts in flows.
void verify_concepts(const sim::PhaseContext& context, const Parameters& p, Results& results,
                     ResultScratch& result_scratch, const Labs& labs, const Firms& firms,
                     const StepCosts& step_costs, ConceptVerificationCentres& centres, Payments& payments,
                     Events& events, Flows& flows);

}  // namespace models::ecosystem
