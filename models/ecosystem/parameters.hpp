#pragma once
// Parameters of the innovation ecosystem model: fields (with their conversion pattern), regions,
// populations, the result pipeline, markets, finance and the policy timeline. Every key is declared
// once (name, unit, default, range, description with its source): the scalars in real_parameters()
// and integer_parameters(), the keys of a field, a region and each instrument type in field_keys(),
// region_keys() and instrument_blocks(); the schema, the reading of scenarios and
// docs/scenario-reference.md all come from there.
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "models/ecosystem/demand_pull.hpp"
#include "models/ecosystem/field_links.hpp"
#include "models/ecosystem/region_links.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/scenario/schema.hpp"

namespace models::ecosystem {

// Who performs R&D and where a result comes from. The numbers are stored in the `origin` and
// `kind` fields of the populations and the events.
enum Performer : std::uint8_t { kUniversity = 0, kInstitute = 1, kLeadFirm = 2, kSme = 3 };
inline constexpr int kPerformers = 4;
// Stage of a research result (seed 002: TRL 1-3, 4-6, 7-8, 9).
enum Stage : std::uint8_t { kResearch = 0, kDevelopment = 1, kCommercialization = 2, kIndustrialization = 3 };
inline constexpr int kStages = 4;
inline constexpr std::size_t kMaxFields = 32767;  // results store their field and region as int16
inline constexpr std::size_t kMaxRegions = 32767;
inline constexpr std::uint8_t kDeadStage = 255;  // in /events/transition/to_stage: the result died
enum IpStatus : std::uint8_t { kUnprotected = 0, kPatented = 1, kLicensed = 2, kAssigned = 3 };
// SME tier ladder (seed 004): 科技型中小企业 -> 高新技术企业 -> 独角兽企业 -> 上市企业; 专精特新 and
// 小巨人 are statuses beside it (FirmStatus in firms.hpp).
inline constexpr int kTiers = 4;
enum Tier : std::int32_t { kTechSme = 0, kHighTech = 1, kUnicorn = 2, kListed = 3 };
inline const char* const kTierNames[kTiers] = {"tech_sme", "high_tech", "unicorn", "listed"};

Stage stage_of_trl(int trl);

// How the owner of a pilot platform changes its use (seed 002 names weak operator incentives of
// public platforms and the leak risk of using a competitor's line). Assumptions; the government
// is the reference.
struct PilotOwnerEffect {
  double outreach;     // multiplies users' requests in the region
  double leak_factor;  // multiplies pilot_leak_risk
};
PilotOwnerEffect pilot_owner_effect(const std::string& owner);
inline const std::vector<std::string> kPilotOwners = {"government", "university", "lead_firm", "consortium"};
// Owners of concept-verification centres: who pays a centre's own budget (concept_verification.cpp).
inline const std::vector<std::string> kConceptVerificationOwners = {"government", "university", "lead_firm"};

// Conversion pattern of a field (seed 002): parameters, never code branches.
struct FieldPattern {
  double cycle_speed;          // multiplies the attempt rate of every stage step
  double capital_intensity;    // multiplies the cost of a stage step
  double verification_weight;  // multiplies the pilot-verification bonus at the death valley
  double demand_feedback;      // logit bonus per unit of demand growth for firm-held results
  double lead_firm_bonus;      // logit bonus when a lead firm holds the result (qualification)
  // How far the field's research follows posted demand (demand_pull.cpp): the weight of posted money
  // per lab in a lab's choice of field, and the share of its labs' new applied results aimed at the
  // field's posted needs.
  double demand_following;
};
FieldPattern pattern_by_name(const std::string& pattern);

// One key of an object in a list or map of the scenario (a field, a region, an instrument's own
// block): its schema declaration, its reading and its line in docs/scenario-reference.md all come
// from this one entry, so the key, the C++ member and the docs share one name.
template <typename Owner>
struct ElementKey {
  using Member = std::variant<double Owner::*, std::int64_t Owner::*, bool Owner::*, std::string Owner::*>;
  const char* name;
  const char* unit;  // "" for true/false and choices
  sim::ScalarValue default_value;
  double minimum;  // numbers only
  double maximum;
  Member member;
  const char* description;
  std::vector<std::string> choices = {};  // a std::string member with choices is a choice
};

// An industry (ecosystem.fields.<name>); defaults and ranges in field_keys().
struct FieldSpec {
  std::string name;
  std::string pattern;
  double weight{};  // share of agents in the field (normalised)
  double demand_growth_per_quarter{};
  std::int64_t lead_firms{};  // lead firms of this field placed in each region besides those drawn
  FieldPattern coefficients{};
};
const std::vector<ElementKey<FieldSpec>>& field_keys();

// A region (ecosystem.regions.<name>); defaults and ranges in region_keys().
struct RegionSpec {
  std::string name;
  double weight{};       // share of agents (normalised)
  double lab_weight{};   // share of universities and institutes; < 0: weight
  double firm_weight{};  // share of lead firms and SMEs; < 0: weight
  std::int64_t pilot_platforms{};
  std::int64_t pilot_slots{};      // per platform per quarter
  double intermediary_strength{};  // strength of each transfer office: multiplies its labs' matching
  double lab_budget_multiplier{};  // regional science budget relative to the national rule
  std::int64_t banks{};
  std::int64_t vc_funds{};
  std::string pilot_owner;
  // Intermediary agents to create (seed 004: 15 incubators + 19 maker spaces in Nansha).
  std::int64_t transfer_offices{};  // tech transfer offices and brokers
  std::int64_t expert_services{};
  std::int64_t incubators{};  // incubators and maker spaces
  // Concept-verification centres (概念验证中心, seed 004) and their owner (concept_verification.hpp).
  std::int64_t concept_verification_centres{};
  std::string concept_verification_owner;
  std::int64_t new_type_institutes{};  // new-type R&D institutions (new_type_institutes.hpp)
  // The region's own rule for researchers moving to industry across regions (talent_mobility.cpp);
  // kLinksResearcherShare: the links' researcher_cross_region_share.
  double researcher_cross_region_share{};
  double researcher_mobility_multiplier{};  // the region's labs: x researcher_mobility_rate
};
// A region's researcher_cross_region_share that defers to ecosystem.region_links.
inline constexpr double kLinksResearcherShare = -1.0;
const std::vector<ElementKey<RegionSpec>>& region_keys();

// Kinds of intermediary agents (the `kind` field of the `intermediary` population).
enum IntermediaryKind : std::uint8_t { kTransferOffice = 0, kExpertService = 1, kIncubator = 2 };

enum class PolicyType : std::uint8_t {
  rd_grant,
  challenge_project,
  consortium,
  first_unit_insurance,
  procurement,
  loan_interest_subsidy,
  repayable_grant,
  grant_to_equity,
  guidance_fund,
  risk_pool,
  super_deduction,
  ip_reform,
  pilot_capacity,
  pilot_voucher,
  pilot_operator_incentive,
  matching_service,
  industry_professor,
  ex_post_reward,
  thematic_bond,
  incubator_support,
  concept_verification_fund
};
const std::vector<std::string>& policy_type_names();

// Each instrument's own parameters: one block per type, read only for policies of that type
// (policy.risk_pool.loss_share). Units, defaults, ranges and sources are in instrument_blocks().
struct RdGrant {
  double grant_yuan{};     // per targeted agent and quarter
  std::string evaluation;  // "milestone" or "paper"
  double milestone_multiplier{};
};
struct ChallengeProject {
  double prize_yuan{};  // contract sum per quarter's challenge, split between the winners
  bool is_cross_region{};
  double award_share{};       // of the contract, paid at award; the rest at TRL milestones
  std::int64_t target_trl{};  // the specification: the TRL whose reaching pays the last part
};
struct Consortium {
  double lead_firm_grant_yuan{};  // per project and quarter
  std::int64_t max_consortia{};   // 0: as many as the budget pays
  std::int64_t members{};
  double matching_share{};        // members' money per yuan of the grant
  std::int64_t core_members{};    // 0: every member is in the core layer
  double general_layer_weight{};  // share of the core's tie a general-layer member gets
};
struct FirstUnitInsurance {
  double premium_subsidy_share{};
  double claim_complexity{};
};
struct Procurement {
  double purchases_yuan{};  // per quarter
};
struct LoanInterestSubsidy {
  double interest_subsidy_share{};
};
struct RepayableGrant {
  double grant_yuan{};  // per SME, once
};
struct GrantToEquity {
  double grant_yuan{};  // per SME, once
};
struct GuidanceFund {
  double leverage{};
  double private_commitment_yuan{};
};
struct RiskPool {
  double loss_share{};
};
struct SuperDeduction {
  double extra_deduction_share{};
};
struct IpReform {
  double transfer_multiplier{};
};
struct PilotCapacity {
  std::int64_t added_slots{};  // per platform and quarter
  double slot_cost_yuan{};     // per added slot and quarter
};
struct PilotVoucher {
  double subsidy_share{};
};
struct PilotOperatorIncentive {
  double outreach_multiplier{};
  double payment_per_pilot_yuan{};
};
struct MatchingService {
  double match_multiplier{};
  std::int64_t added_deal_capacity{};  // per transfer office and quarter
  double payment_per_service_yuan{};
  // Screening for another region's firms (seed 003): its name, and its index (-1: no screening).
  std::string screen_for_region;
  int screen_region = -1;
};
struct IndustryProfessor {
  double mobility_multiplier{};
  double stipend_yuan{};  // per researcher moved
};
struct ExPostReward {
  double reward_yuan{};  // per result reaching the rewarded stage
};
struct ThematicBond {
  double principal_yuan{};
  double coupon_share{};
};
struct IncubatorSupport {
  double payment_per_place_yuan{};  // per incubator place run (one firm taken in)
};
struct ConceptVerificationFund {
  double subsidy_per_verification_yuan{};  // paid to the centre per verification
};

// One policy instrument of the scenario's timeline (ecosystem.policies[i]): the common keys
// (timing, budget, targeting) and the block of its type; the blocks of other types stay empty.
struct PolicySpec {
  PolicyType type = PolicyType::rd_grant;
  // Timing and budget; defaults and ranges in policy_keys().
  std::string name;
  std::int64_t start_step{};
  std::int64_t end_step{};  // 0 in the scenario: the last step of the run
  double budget_yuan{};
  double mix_share{};  // share of the funding mix (funding_mix.hpp); -1: not in the mix
  // Targeting, resolved from names and choices.
  int region = -1;      // -1: every region
  int field = -1;       // -1: every field
  int agent_kind = -1;  // Performer, -1: any
  int tier = -1;        // -1: any
  int stage = -1;       // Stage, -1: any

  RdGrant rd_grant;
  ChallengeProject challenge_project;
  Consortium consortium;
  FirstUnitInsurance first_unit_insurance;
  Procurement procurement;
  LoanInterestSubsidy loan_interest_subsidy;
  RepayableGrant repayable_grant;
  GrantToEquity grant_to_equity;
  GuidanceFund guidance_fund;
  RiskPool risk_pool;
  SuperDeduction super_deduction;
  IpReform ip_reform;
  PilotCapacity pilot_capacity;
  PilotVoucher pilot_voucher;
  PilotOperatorIncentive pilot_operator_incentive;
  MatchingService matching_service;
  IndustryProfessor industry_professor;
  ExPostReward ex_post_reward;
  ThematicBond thematic_bond;
  IncubatorSupport incubator_support;
  ConceptVerificationFund concept_verification_fund;
};

// The common keys of every instrument that are read as written: name, timing, budget.
const std::vector<ElementKey<PolicySpec>>& policy_keys();

// The block of one instrument type: what it is, its keys and the shared keys of the old form
// (before each type had its own) that became them.
struct InstrumentBlock {
  PolicyType type;
  const char* description;
  std::vector<std::pair<const char*, const char*>> renamed;  // old shared key, this type's key
  std::function<void(sim::ObjectSpec&)> declare;
  std::function<void(const YAML::Node&, PolicySpec&)> read;
};
const std::vector<InstrumentBlock>& instrument_blocks();  // in the order of PolicyType

struct Parameters {
  // Populations (national totals, split over regions by weight and fields by weight).
  std::int64_t universities = 60, institutes = 40, lead_firms = 40, smes = 2500;
  std::int64_t steps_horizon = 80;  // copied from the engine's `steps` for policy validation
  // Initial state: quarters the model runs before step 0 (ecosystem.initial_state).
  std::int64_t spin_up_quarters = 0;
  // R&D funding.
  double university_budget_yuan = 0, institute_budget_yuan = 0;
  double lead_firm_rd_intensity = 0, sme_rd_intensity = 0, cash_rd_share = 0;
  double basic_share_university = 0, basic_share_institute = 0, basic_share_firm = 0;
  double development_share_lab = 0, development_share_firm = 0;
  // Result generation.
  double result_cost_basic_yuan = 0, result_cost_applied_yuan = 0;
  double patent_probability_university = 0, patent_probability_institute = 0, patent_probability_firm = 0;
  double quality_mean_university = 0, quality_mean_institute = 0, quality_mean_firm = 0;
  // Stage transitions.
  double attempt_rate = 0, step_cost_yuan = 0, stage_cost_growth = 0;
  double success_intercept_research = 0, success_intercept_development = 0,
         success_intercept_commercialization = 0, success_intercept_industrialization = 0;
  double quality_effect = 0, lead_firm_capacity_bonus = 0, lab_capacity_penalty = 0;
  double verification_bonus = 0, failure_death_probability = 0;
  double shelving_rate = 0, patent_lapse_unused = 0, patent_lapse_used = 0, result_death_rate = 0;
  std::int64_t result_max_age_quarters = 80;
  std::int64_t lab_max_trl = 6;
  // Pilot platforms.
  double pilot_fee_yuan = 0, pilot_request_rate = 0, pilot_leak_risk = 0, pilot_leak_penalty = 0;
  double pilot_willingness_yuan = 0, pilot_fee_sigma = 0;
  // Concept-verification centres (concept_verification.hpp).
  std::int64_t concept_verification_capacity = 0;
  double concept_verification_fee_yuan = 0, concept_verification_cost_yuan = 0;
  double concept_verification_owner_budget_yuan = 0, concept_verification_request_rate = 0;
  double concept_verification_quality_threshold = 0;
  // New-type R&D institutions (new_type_institutes.hpp).
  double new_type_institute_budget_yuan = 0, new_type_contract_yuan = 0, transfer_effort_new_type = 0;
  std::int64_t new_type_institute_max_trl = 7;
  // Transfer.
  double transfer_effort_university = 0, transfer_effort_institute = 0, match_rate = 0;
  double licence_fee_yuan = 0, assignment_share = 0, spinout_rate = 0, inventor_share = 0;
  double same_region_preference = 0, firm_deal_capacity = 0, vc_same_region_share = 0;
  // Markets and production.
  double lead_firm_revenue_yuan = 0, sme_revenue_yuan = 0, revenue_sigma = 0, revenue_shock_sigma = 0;
  double product_revenue_yuan = 0, first_unit_revenue_share = 0, adoption_innovation = 0,
         adoption_imitation = 0;
  double productivity_gain_per_result = 0;
  double operating_margin = 0, sme_margin_sigma = 0, value_added_share = 0, revenue_per_employee_yuan = 0;
  double tax_rate = 0, high_tech_tax_rate = 0, cash_target_quarters = 0, payout_share = 0;
  // Firm dynamics.
  double sme_birth_rate = 0, sme_seed_capital_yuan = 0, sme_growth_sigma = 0, sme_exit_rate = 0;
  double entry_room_elasticity = 0;
  double tier_promotion_rate = 0, recognition_review_rate = 0;
  double high_tech_rd_intensity = 0, specialised_growth = 0, niche_leader_multiple = 0,
         little_giant_multiple = 0;
  double unicorn_valuation_yuan = 0, ipo_valuation_yuan = 0, ipo_revenue_yuan = 0, ipo_rate = 0;
  double valuation_revenue_multiple = 0, valuation_growth_premium = 0, vc_trade_sale_rate = 0;
  // Capacity, investment, markets and prices.
  double output_capital_ratio = 0, depreciation_rate = 0, capacity_headroom = 0, investment_speed = 0;
  double market_headroom = 0, wage_growth_per_quarter = 0, rd_propensity_sigma = 0;
  // Finance.
  double vc_fund_capital_yuan = 0, vc_ticket_yuan = 0, vc_quality_threshold = 0;
  std::int64_t vc_fund_life_quarters = 40, vc_deals_per_quarter = 2;
  double bank_capital_yuan = 0, loan_size_yuan = 0, loan_rate_per_quarter = 0, loan_request_rate = 0;
  double loan_acceptable_loss = 0, loan_loss_given_default = 0, loan_default_base = 0,
         collateral_recovery = 0;
  std::int64_t loan_term_quarters = 8;
  // Intermediaries, talent mobility, thematic bonds.
  std::int64_t transfer_office_capacity = 40, expert_service_capacity = 20, incubator_capacity = 2;
  std::int64_t thematic_bond_term_quarters = 12, incubation_quarters = 8;
  double incubator_place_cost_yuan = 0, incubated_exit_multiplier = 1;
  double intermediary_fee_share = 0, direct_match_share = 0, expert_service_fee_yuan = 0,
         expert_request_rate = 0, incubator_fee_yuan = 0;
  double researcher_mobility_rate = 0, tacit_knowledge_bonus = 0, tacit_knowledge_decay = 0,
         mobility_match_effect = 0;
  double reward_anticipation_share = 0, thematic_bond_coupon_per_quarter = 0;
  double insurer_capital_yuan = 0, first_unit_value_steps = 0, insurance_loading = 0,
         insurance_claim_cost_share = 0, insurance_choice_noise = 0, insurance_bonus = 0;
  double procurement_bonus = 0, procurement_reference_decay = 0, consortium_match_multiplier = 0,
         consortium_bonus = 0;
  double rd_tax_elasticity = 0, expert_service_bonus = 0, incubator_births_per_quarter = 0;

  std::vector<FieldSpec> fields;
  FieldLinkSpec field_links;   // input-output and technology proximity between the fields
  DemandPullSpec demand_pull;  // firms' posted needs and labs' choice of field
  std::vector<RegionSpec> regions;
  RegionLinkSpec region_links;  // proximity between the regions
  std::vector<PolicySpec> policies;
};

struct RealParameter {
  const char* name;
  const char* unit;
  double default_value;
  double minimum;
  double maximum;
  double Parameters::*member;
  const char* description;
};
struct IntegerParameter {
  const char* name;
  const char* unit;
  std::int64_t default_value;
  std::int64_t minimum;
  std::int64_t maximum;
  std::int64_t Parameters::*member;
  const char* description;
};
const std::vector<RealParameter>& real_parameters();
const std::vector<IntegerParameter>& integer_parameters();

void declare_parameters(sim::ObjectSpec& section);
// Throws sim::InputError for references to undefined regions or fields and policy times outside
// the horizon.
Parameters read_parameters(const sim::Config& config);

}  // namespace models::ecosystem
