#pragma once
// The purposes of the model's random streams (sim/core/philox_stream.hpp): one per phase, and one per
// further kind of draw inside a phase. They are constants, not derived from the phase's name at
// run time, so that renaming a phase or a function changes no draw. Each equals purpose_id of the
// name it had when it was introduced; changing one changes every result of the model.
#include <cstdint>

#include "sim/core/philox_stream.hpp"

namespace models::ecosystem {

// Phases, in the order of a step (docs/MODEL.md, section 1.3).
inline constexpr std::uint64_t kApplyPoliciesDraws = sim::purpose_id("apply_policies");
inline constexpr std::uint64_t kFundResearchDraws = sim::purpose_id("fund_research");
inline constexpr std::uint64_t kGenerateResultsDraws = sim::purpose_id("generate_results");
inline constexpr std::uint64_t kIndexHoldingsDraws = sim::purpose_id("index_holdings");
inline constexpr std::uint64_t kMoveResearchersDraws = sim::purpose_id("move_researchers");
inline constexpr std::uint64_t kRunExpertServicesDraws = sim::purpose_id("run_expert_services");
inline constexpr std::uint64_t kAnticipateRewardsDraws = sim::purpose_id("anticipate_rewards");
inline constexpr std::uint64_t kFinanceThematicBondsDraws = sim::purpose_id("finance_thematic_bonds");
inline constexpr std::uint64_t kSpendEarmarkedFundsDraws = sim::purpose_id("spend_earmarked_funds");
inline constexpr std::uint64_t kAdvanceResultsDraws = sim::purpose_id("advance_results");
inline constexpr std::uint64_t kVerifyConceptsDraws = sim::purpose_id("verify_concepts");
inline constexpr std::uint64_t kRunPilotPlatformsDraws = sim::purpose_id("run_pilot_platforms");
inline constexpr std::uint64_t kRunChallengesAndConsortiaDraws =
    sim::purpose_id("run_challenges_and_consortia");
inline constexpr std::uint64_t kMatchResultsDraws = sim::purpose_id("match_results");
inline constexpr std::uint64_t kInvestVentureCapitalDraws = sim::purpose_id("invest_venture_capital");
inline constexpr std::uint64_t kLendAndSettleLoansDraws = sim::purpose_id("lend_and_settle_loans");
inline constexpr std::uint64_t kInvestInCapacityDraws = sim::purpose_id("invest_in_capacity");
inline constexpr std::uint64_t kProduceAndSellDraws = sim::purpose_id("produce_and_sell");
inline constexpr std::uint64_t kUpdateFirmLadderDraws = sim::purpose_id("update_firm_ladder");
inline constexpr std::uint64_t kRetireResultsDraws = sim::purpose_id("retire_results");
// Demand-pull research (scheduled only when a scenario turns it on): see demand_pull.cpp.
inline constexpr std::uint64_t kAnswerPostedNeedsDraws = sim::purpose_id("answer_posted_needs");
inline constexpr std::uint64_t kPostNeedsDraws = sim::purpose_id("post_needs");
inline constexpr std::uint64_t kChooseTopicsDraws = sim::purpose_id("choose_topics");

// Set-up (step 0): a lab's field and budget, a firm's field and revenue, a platform's fee.
inline constexpr std::uint64_t kSetupLabDraws = sim::purpose_id("setup/lab");
inline constexpr std::uint64_t kSetupFirmDraws = sim::purpose_id("setup/firm");
inline constexpr std::uint64_t kSetupPlatformDraws = sim::purpose_id("setup/platform");

// Further draws inside phases.
// apply_policies: the members a consortium's lead firm recruits (per lead firm).
inline constexpr std::uint64_t kFormConsortiaDraws = sim::purpose_id("form_consortia");
// generate_results: a performer's counts and its results' quality, TRL and patenting.
inline constexpr std::uint64_t kGenerateResultsFirmDraws = sim::purpose_id("generate_results/firm");
inline constexpr std::uint64_t kGenerateResultsLabDraws = sim::purpose_id("generate_results/lab");
// move_researchers: a lab's moves (the phase's own purpose, drawn per lab).
inline constexpr std::uint64_t kResearcherMovesDraws = kMoveResearchersDraws;
// run_expert_services: an SME's priority and whether it asks at its own cost.
inline constexpr std::uint64_t kExpertRequestDraws = sim::purpose_id("expert_request");
// verify_concepts: whether a holder asks, and its request's priority (per result).
inline constexpr std::uint64_t kConceptVerificationDraws = sim::purpose_id("concept_verification");
// run_pilot_platforms: a request's priority, acceptance of a dearer platform, leak of know-how.
inline constexpr std::uint64_t kPilotPriorityDraws = sim::purpose_id("pilot_priority");
inline constexpr std::uint64_t kPilotAcceptDraws = sim::purpose_id("pilot_accept");
inline constexpr std::uint64_t kPilotLeakDraws = sim::purpose_id("pilot_leak");
// run_challenges_and_consortia: a candidate's observed quality; challenge k uses this plus k.
inline constexpr std::uint64_t kChallengeDraws = sim::purpose_id("challenge");
// match_results: a deal's terms (assignment or licence; a spin-out's margin).
inline constexpr std::uint64_t kDealTermsDraws = sim::purpose_id("deal_terms");
// update_firm_ladder: SME births of a region (stream per region index) and incubators' intake.
inline constexpr std::uint64_t kTradeSaleDraws = sim::purpose_id("trade_sale");
inline constexpr std::uint64_t kSmeBirthsDraws = sim::purpose_id("sme_births");
inline constexpr std::uint64_t kIncubatorBirthsDraws = sim::purpose_id("incubator_births");

}  // namespace models::ecosystem
