#include "models/ecosystem/parameters.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <tuple>
#include <type_traits>

#include "models/ecosystem/funding_mix.hpp"
#include "models/ecosystem/scenario_names.hpp"
#include "sim/scenario/input_error.hpp"

namespace models::ecosystem {

namespace {
using P = Parameters;
constexpr double kBig = 1e15;
const std::vector<std::string> kFieldPatterns = {"supply_led", "demand_iteration", "demand_pull"};
constexpr double kNoMaximum = std::numeric_limits<double>::infinity();  // declared as "at least"

// The C++ type of an ElementKey's member.
template <typename Owner, typename Member>
using MemberType = std::remove_cvref_t<decltype(std::declval<Owner&>().*std::declval<Member>())>;

template <typename Owner>
void declare_keys(sim::ObjectSpec& object, const std::vector<ElementKey<Owner>>& keys) {
  for (const auto& key : keys) {
    std::visit(
        [&](auto member) {
          using T = MemberType<Owner, decltype(member)>;
          sim::FieldSpec* field = nullptr;
          if constexpr (std::is_same_v<T, double>) {
            field = &object.real(key.name, key.unit, key.description);
          } else if constexpr (std::is_same_v<T, std::int64_t>) {
            field = &object.integer(key.name, key.unit, key.description);
          } else if constexpr (std::is_same_v<T, bool>) {
            field = &object.boolean(key.name, key.description);
          } else {
            field = key.choices.empty() ? &object.text(key.name, key.description)
                                        : &object.choice(key.name, key.choices, key.description);
          }
          field->default_value(key.default_value);
          if constexpr (std::is_same_v<T, double> || std::is_same_v<T, std::int64_t>) {
            if (std::isinf(key.maximum))
              field->at_least(key.minimum);
            else
              field->between(key.minimum, key.maximum);
          }
        },
        key.member);
  }
}

// The keys of one object of the resolved scenario (validated, defaults filled) into `owner`.
template <typename Owner>
void read_keys(const YAML::Node& node, Owner& owner, const std::vector<ElementKey<Owner>>& keys) {
  for (const auto& key : keys) {
    std::visit(
        [&](auto member) {
          owner.*member = node[key.name].template as<MemberType<Owner, decltype(member)>>();
        },
        key.member);
  }
}

// An object with every key at its default.
template <typename Owner>
Owner with_defaults(const std::vector<ElementKey<Owner>>& keys) {
  Owner owner{};
  for (const auto& key : keys) {
    std::visit(
        [&](auto member) {
          using T = MemberType<Owner, decltype(member)>;
          if constexpr (std::is_same_v<T, double>) {
            const auto* integer = std::get_if<std::int64_t>(&key.default_value);
            owner.*member = integer ? static_cast<double>(*integer) : std::get<double>(key.default_value);
          } else {
            owner.*member = std::get<T>(key.default_value);
          }
        },
        key.member);
  }
  return owner;
}

// One instrument type's block: declared as the variant of `ecosystem.policies[]` for its type,
// read into policy.*block.
template <typename Block>
InstrumentBlock block(PolicyType type, Block PolicySpec::*member, const char* description,
                      std::vector<std::pair<const char*, const char*>> renamed,
                      std::vector<ElementKey<Block>> keys) {
  return {
      type, description, std::move(renamed), [keys](sim::ObjectSpec& object) { declare_keys(object, keys); },
      [member, keys](const YAML::Node& node, PolicySpec& policy) { read_keys(node, policy.*member, keys); }};
}
}  // namespace

Stage stage_of_trl(int trl) {
  if (trl <= 3) return kResearch;
  if (trl <= 6) return kDevelopment;
  if (trl <= 8) return kCommercialization;
  return kIndustrialization;
}

// Seed 002 names the three paths; the coefficients are assumptions chosen so that supply-led
// fields have slow, capital-heavy, pilot-dependent conversion, demand-iteration fields fast
// cycles driven by user feedback, and demand-pull fields qualification by lead firms.
FieldPattern pattern_by_name(const std::string& pattern) {
  // demand_following (last): supply-led fields push results from labs (low), demand-iteration fields
  // follow user feedback (mid), demand-pull fields work to downstream users' specifications (high).
  // Assumptions ordered as DOMAIN.md describes the patterns; docs/MODEL.md, "Demand-pull research".
  if (pattern == "supply_led") return {0.75, 1.6, 1.5, 0.0, 0.1, 0.2};
  if (pattern == "demand_iteration") return {1.35, 0.6, 0.6, 0.6, 0.1, 0.5};
  return {1.0, 1.0, 1.0, 0.3, 0.6, 0.8};  // demand_pull
}

PilotOwnerEffect pilot_owner_effect(const std::string& owner) {
  if (owner == "university") return {1.0, 1.0};
  if (owner == "lead_firm") return {1.2, 2.0};  // market-run, but users fear the owner learns their know-how
  if (owner == "consortium") return {1.1, 1.5};
  return {1.0, 1.0};  // government
}

const std::vector<std::string>& policy_type_names() {
  static const std::vector<std::string> names = {"rd_grant",
                                                 "challenge_project",
                                                 "consortium",
                                                 "first_unit_insurance",
                                                 "procurement",
                                                 "loan_interest_subsidy",
                                                 "repayable_grant",
                                                 "grant_to_equity",
                                                 "guidance_fund",
                                                 "risk_pool",
                                                 "super_deduction",
                                                 "ip_reform",
                                                 "pilot_capacity",
                                                 "pilot_voucher",
                                                 "pilot_operator_incentive",
                                                 "matching_service",
                                                 "industry_professor",
                                                 "ex_post_reward",
                                                 "thematic_bond",
                                                 "incubator_support",
                                                 "concept_verification_fund"};
  return names;
}

const std::vector<ElementKey<FieldSpec>>& field_keys() {
  using F = FieldSpec;
  static const std::vector<ElementKey<FieldSpec>> table = {
      {"pattern", "", std::string("demand_pull"), 0, 0, &F::pattern,
       "Conversion pattern (seed 002): sets cycle speed, capital intensity, pilot dependence, demand "
       "feedback and lead-firm qualification",
       kFieldPatterns},
      {"weight", "1", 1.0, 0, 1e6, &F::weight, "Share of agents in this field (normalised over fields)"},
      {"demand_growth_per_quarter", "1/quarter", 0.015, -0.5, 0.5, &F::demand_growth_per_quarter,
       "Growth of the field's market demand. Assumption"},
      {"lead_firms", "agents", std::int64_t{0}, 0, 100000, &F::lead_firms,
       "Lead firms of this field placed at set-up in each region besides the region's share of "
       "`lead_firms`, whose fields are drawn by weight (so a field-targeted consortium has a lead firm "
       "to form around: seed 000 names a consortium in each of four domains). 0: none"},
  };
  return table;
}

const std::vector<ElementKey<RegionSpec>>& region_keys() {
  using R = RegionSpec;
  static const std::vector<ElementKey<RegionSpec>> table = {
      {"weight", "1", 1.0, 0, 1e6, &R::weight,
       "Share of agents in this region (normalised); labs and firms follow lab_weight and firm_weight "
       "where those are given"},
      {"lab_weight", "1", -1.0, -1, 1e6, &R::lab_weight,
       "Share of the universities and institutes in this region (normalised over the regions); below 0 (the "
       "default): the region's weight. Seed 003: the capital's universities and CAS institutes sit in its "
       "core, the "
       "space for production in its districts"},
      {"firm_weight", "1", -1.0, -1, 1e6, &R::firm_weight,
       "Share of the lead firms and SMEs in this region (normalised over the regions); below 0 (the "
       "default): the region's weight"},
      {"pilot_platforms", "platforms", std::int64_t{4}, 0, 10000, &R::pilot_platforms,
       "Pilot platforms in the region"},
      {"pilot_slots", "slots/quarter", std::int64_t{80}, 0, 1'000'000, &R::pilot_slots,
       "Capacity of each pilot platform"},
      {"intermediary_strength", "1", 1.0, 0, 100, &R::intermediary_strength,
       "Strength of each of the region's transfer offices: multiplies the matching rate of the labs it "
       "serves"},
      {"lab_budget_multiplier", "1", 1.0, 0, 100, &R::lab_budget_multiplier,
       "Regional science budget relative to the national rule"},
      {"banks", "banks", std::int64_t{2}, 0, 10000, &R::banks, "Banks in the region"},
      {"vc_funds", "funds", std::int64_t{3}, 0, 10000, &R::vc_funds, "VC funds at step 0 in the region"},
      {"transfer_offices", "agents", std::int64_t{4}, 0, 100000, &R::transfer_offices,
       "Tech transfer offices and brokers (intermediary agents); each serves labs of the region up to "
       "transfer_office_capacity deals per quarter"},
      {"expert_services", "agents", std::int64_t{0}, 0, 100000, &R::expert_services,
       "Expert services (intermediary agents); each serves up to expert_service_capacity SMEs per quarter. "
       "Seed 004: an alliance of 192 institutions, 4,081 experts"},
      {"incubators", "agents", std::int64_t{0}, 0, 100000, &R::incubators,
       "Incubators and maker spaces (intermediary agents); each adds incubator_births_per_quarter SME "
       "births, at most incubator_capacity. Seed 004: 15 incubators and 19 maker spaces in Nansha"},
      {"pilot_owner", "", std::string("government"), 0, 0, &R::pilot_owner,
       "Owner and operator of the region's pilot platforms: lead-firm platforms reach more users but leak "
       "more (x1.2 requests, x2 leak risk), consortium ones x1.1 and x1.5. Seed 002 names the problems; "
       "factors assumed",
       kPilotOwners},
      {"concept_verification_centres", "agents", std::int64_t{0}, 0, 100000, &R::concept_verification_centres,
       "Concept-verification centres (概念验证中心, TRL 3-4); each verifies up to "
       "concept_verification_capacity results per quarter. Seed 004 asks for 'a batch' of them in Nansha "
       "without a number"},
      {"concept_verification_owner", "", std::string("government"), 0, 0, &R::concept_verification_owner,
       "Owner of the region's concept-verification centres: who pays concept_verification_owner_budget_yuan "
       "(government: the regional budget; university: the national science budget; lead_firm: private "
       "capital)",
       kConceptVerificationOwners},
      {"new_type_institutes", "agents", std::int64_t{0}, 0, 100000, &R::new_type_institutes,
       "New-type R&D institutions (新型研发机构) in the region, besides its share of `institutes`: "
       "institutes of mixed owners whose staff are paid by results (transfer_effort_new_type, "
       "new_type_institute_max_trl, new_type_institute_budget_yuan, new_type_contract_yuan). Seed 000 "
       "supports firms forming them (以奖代补) without a number"},
      {"researcher_cross_region_share", "1", kLinksResearcherShare, -1, 1, &R::researcher_cross_region_share,
       "The region's own rule for its researchers moving to industry: probability that one goes to a firm "
       "of a region drawn by the links (its own included) rather than of its own region; -1: "
       "region_links.researcher_cross_region_share. Seed 004: Hong Kong's researchers found and join "
       "firms in Nansha (146 professional qualifications recognised across the border, 600+ Hong Kong "
       "and Macao teams in Nansha's 13 youth platforms); value a documented assumption of the scenario"},
      {"researcher_mobility_multiplier", "1", 1.0, 0, 100, &R::researcher_mobility_multiplier,
       "The region's own rule for how readily its labs' researchers move to industry: multiplies "
       "researcher_mobility_rate for its labs (before any industry_professor instrument). Seed 004: Hong "
       "Kong's researchers and youth teams start and join firms across the border; value a documented "
       "assumption of the scenario"},
  };
  return table;
}

const std::vector<ElementKey<PolicySpec>>& policy_keys() {
  using S = PolicySpec;
  static const std::vector<ElementKey<PolicySpec>> table = {
      {"name", "", std::string(""), 0, 0, &S::name, "Label for messages (empty: the type)"},
      {"start_step", "step", std::int64_t{1}, 1, kNoMaximum, &S::start_step,
       "First step the instrument acts"},
      {"end_step", "step", std::int64_t{0}, 0, kNoMaximum, &S::end_step,
       "Last step it acts (0: the end of the run)"},
      {"budget_yuan", "yuan", 0.0, 0, kNoMaximum, &S::budget_yuan,
       "Budget moved from the government to the instrument at start_step"},
      {"mix_share", "1", -1.0, -1, 1, &S::mix_share,
       "Share of the funding mix (ecosystem.mix_total_budget_yuan) this instrument is given as its "
       "budget; -1: not in the mix (it keeps budget_yuan). The shares of the mixed policies must sum to 1 "
       "(within 1e-9), and a mixed policy's budget_yuan must be 0"},
  };
  return table;
}

const std::vector<InstrumentBlock>& instrument_blocks() {
  using T = PolicyType;
  using S = PolicySpec;
  static const std::vector<InstrumentBlock> table = {
      block(T::rd_grant, &S::rd_grant,
            "R&D grant: pays every targeted lab each quarter (and targeted firms when agent_kind is "
            "lead_firm or sme); under milestone evaluation downstream users judge the project (seed 000: "
            "下游评价上游)",
            {{"amount_yuan", "grant_yuan"}, {"multiplier", "milestone_multiplier"}},
            {{"grant_yuan", "yuan/quarter", 0.0, 0, kNoMaximum, &RdGrant::grant_yuan,
              "Grant per targeted agent and quarter, while the budget lasts"},
             {"evaluation",
              "",
              std::string("milestone"),
              0,
              0,
              &RdGrant::evaluation,
              "Who evaluates: downstream users (milestone) or paper counts (paper)",
              {"milestone", "paper"}},
             {"milestone_multiplier", "1", 1.0, 0, 100, &RdGrant::milestone_multiplier,
              "Under milestone evaluation: multiplies targeted labs' transfer effort and their development "
              "share (at most 0.8), while the instrument holds money; refused with evaluation: paper. "
              "Assumption"}}),
      block(T::challenge_project, &S::challenge_project,
            "Challenge-based project (揭榜挂帅/赛马): each quarter candidate results of its field at TRL 3-5 "
            "held by labs or SMEs race on observed quality; the winner gets a contract of prize_yuan and "
            "becomes sponsored. award_share of the contract is paid at award, the rest in equal parts as "
            "the result reaches each TRL step up to target_trl (seed 000: 里程碑式目标管理); a result that "
            "dies forfeits what is left, which stays in the instrument's account",
            {{"amount_yuan", "prize_yuan"}, {"cross_region", "is_cross_region"}},
            {{"prize_yuan", "yuan/quarter", 0.0, 0, kNoMaximum, &ChallengeProject::prize_yuan,
              "Contract sum of the challenge posted each quarter (split between the two winners of a "
              "cross-region challenge); none while the account holds less than it beyond the milestone "
              "payments still owed"},
             {"is_cross_region", "", false, 0, 0, &ChallengeProject::is_cross_region,
              "Teams must span two regions: the best candidates of the two best regions share the prize"},
             {"award_share", "1", 1.0, 0, 1, &ChallengeProject::award_share,
              "Share of the contract paid at award (1: all of it, a prize); the rest is paid at milestones. "
              "Assumption (seed 000: milestone-based management of major projects; seed 001: 揭榜挂帅)"},
             {"target_trl", "TRL", std::int64_t{7}, 6, 9, &ChallengeProject::target_trl,
              "The specification: each TRL step a winning result reaches after the award, up to this one, "
              "pays an equal part of the contract's rest. Assumption (TRL 7: a prototype in its operating "
              "environment)"}}),
      block(
          T::consortium, &S::consortium,
          "Innovation consortia (创新联合体, seed 001: 21 central SOEs lead 24 consortia): at start_step the "
          "instrument funds joint projects, each around a targeted lead firm (出题) with labs and SMEs of "
          "its field, as many as its budget can pay lead_firm_grant_yuan for every quarter to end_step "
          "(at most max_consortia, and no more than the targeted lead firms: the saturation "
          "consortia_count shows). Members form a core layer (紧密合作层: the first core_members recruited) "
          "and a general layer (一般协作层: the rest). Each quarter a project's lead firm receives the "
          "grant and its core member SMEs' matching money for shared R&D; core members get "
          "consortium_bonus and consortium_match_multiplier, general-layer members pay nothing and get "
          "general_layer_weight of that tie, all only while the grant is paid. A project the account can "
          "no longer pay, or after end_step, dissolves; no budget, no project",
          {{"amount_yuan", "lead_firm_grant_yuan"}, {"slots", "max_consortia"}},
          {{"lead_firm_grant_yuan", "yuan/quarter", 0.0, 0, kNoMaximum, &Consortium::lead_firm_grant_yuan,
            "Grant per project and quarter, paid to the project's lead firm for shared R&D; a project is "
            "funded only if the budget covers it for every quarter to end_step (0: no project)"},
           {"max_consortia", "consortia", std::int64_t{0}, 0, kNoMaximum, &Consortium::max_consortia,
            "Projects funded at most (0: as many as the budget pays, one per targeted lead firm)"},
           {"members", "agents", std::int64_t{6}, 1, 1000, &Consortium::members,
            "Labs and SMEs of its field drawn into each consortium at random (fewer when too few are "
            "free, or when members x 20 draws over all labs and firms find no more: a small field fills "
            "less)"},
           {"matching_share", "1", 0.5, 0, 100, &Consortium::matching_share,
            "Members' matching money per yuan of the grant, paid each quarter by the core member SMEs in "
            "equal parts from their own cash to the lead firm's shared R&D; a member SME that cannot pay its "
            "part "
            "leaves the consortium. Assumption (seed 001: members put in their own money)"},
           {"core_members", "agents", std::int64_t{0}, 0, 1000, &Consortium::core_members,
            "Members of the core layer (紧密合作层), the first recruited: they put in the matching money "
            "and get the full tie with the lead firm; the rest form the general layer (一般协作层). "
            "0: every member is core (seed 001 names the two layers, not their sizes)"},
           {"general_layer_weight", "1", 0.3, 0, 1, &Consortium::general_layer_weight,
            "Share of the core's tie a general-layer member gets: of consortium_bonus for its SMEs' "
            "results and of consortium_match_multiplier's excess over 1 for its labs' (0: none, 1: as "
            "the core). Assumption (seed 001: a looser collaboration)"}}),
      block(T::first_unit_insurance, &S::first_unit_insurance,
            "First-of-a-kind insurance (首台套, seed 000): offered, while the instrument's account holds "
            "money, "
            "to the buyers of first units (steps from TRL 6-8 of firms' results) in the targeted regions and "
            "fields. The insurer prices the cover at the unit's failure probability plus "
            "insurance_loading; each buyer takes it when the expected cover beats the premium it pays "
            "(net of the subsidy) and its expected cost of claiming (logit choice, insurance_choice_noise); "
            "an insured unit gets insurance_bonus. Seed 000's 'cover does not reach users' costs, users take "
            "little part' follows from complex claims and a low subsidy",
            {{"rate", "premium_subsidy_share"}},
            {{"premium_subsidy_share", "1", 0.0, 0, 1, &FirstUnitInsurance::premium_subsidy_share,
              "Share of the premium the instrument pays, while it has money"},
             {"claim_complexity", "1", 0.5, 0, 1, &FirstUnitInsurance::claim_complexity,
              "0 simple claims .. 1 unusable: a claim pays the insured value × (1 − claim_complexity/2) and "
              "costs the buyer insurance_claim_cost_share × claim_complexity × the insured value"}}),
      block(
          T::procurement, &S::procurement,
          "Public procurement and demonstration (协议供货目录, seed 000): public buyers spend purchases_yuan "
          "a "
          "quarter on the products of targeted firms, in proportion to their results in use; a firm that "
          "sold to them has a reference customer, which lowers later buyers' risk on its first units "
          "(procurement_bonus). No money, no purchase, no reference",
          {{"amount_yuan", "purchases_yuan"}},
          {{"purchases_yuan", "yuan/quarter", 0.0, 0, kNoMaximum, &Procurement::purchases_yuan,
            "Purchases per quarter, shared among targeted firms by results in use, while the budget lasts"}}),
      block(T::loan_interest_subsidy, &S::loan_interest_subsidy,
            "Loan interest subsidy: pays part of targeted firms' interest to their bank and raises their "
            "loan requests, while it holds money (firms targeted by several: the first funded in "
            "declaration order)",
            {{"rate", "interest_subsidy_share"}},
            {{"interest_subsidy_share", "1", 0.0, 0, 1, &LoanInterestSubsidy::interest_subsidy_share,
              "Share of the interest the instrument pays; loan requests × (1 + 2 × share)"}}),
      block(T::repayable_grant, &S::repayable_grant,
            "Repayable grant: at start_step pays each targeted SME (in firm order, while the budget lasts), "
            "earmarked for R&D (spent in that quarter's R&D budget); the SME repays from later cash",
            {{"amount_yuan", "grant_yuan"}},
            {{"grant_yuan", "yuan", 0.0, 0, kNoMaximum, &RepayableGrant::grant_yuan,
              "Grant per targeted SME, paid once"}}),
      block(T::grant_to_equity, &S::grant_to_equity,
            "Grant turned into equity (拨投结合): at start_step pays each targeted SME (in firm order, while "
            "the budget lasts), earmarked for R&D (spent in that quarter's R&D budget); the grant becomes "
            "government equity when a result of the SME reaches commercialization",
            {{"amount_yuan", "grant_yuan"}},
            {{"grant_yuan", "yuan", 0.0, 0, kNoMaximum, &GrantToEquity::grant_yuan,
              "Grant per targeted SME, paid once"}}),
      block(T::guidance_fund, &S::guidance_fund,
            "Guidance fund (fund of funds): at start_step the money in its account, matched by private "
            "capital, forms VC sub-funds of vc_fund_capital_yuan (seed 004: Nansha's mother fund leveraged > "
            "18 bn yuan); no money, no sub-fund",
            {},
            {{"leverage", "1", 1.0, 1, 100, &GuidanceFund::leverage,
              "Sub-fund capital / government contribution sought; private LPs add (leverage − 1) × the "
              "public money, up to private_commitment_yuan"},
             {"private_commitment_yuan", "yuan", 0.0, 0, kNoMaximum, &GuidanceFund::private_commitment_yuan,
              "Private LP money available to match the public money (0: as much as the leverage asks); "
              "when it runs short the sub-funds are smaller and the realised leverage "
              "(guidance_fund_leverage) falls below the leverage sought. Assumption"}}),
      block(T::risk_pool, &S::risk_pool,
            "Credit risk-compensation pool: pays banks part of the loss on defaulted loans of targeted SMEs, "
            "so banks expect smaller losses and lend more, as far as its balance covers the claims they "
            "expect on it (loss_share x loan_loss_given_default x loan_default_base x loan_term_quarters of "
            "the backed loans outstanding and one new loan; less money, a proportionally smaller share)",
            {{"rate", "loss_share"}},
            {{"loss_share", "1", 0.0, 0, 1, &RiskPool::loss_share,
              "Share of a defaulted loan's loss the pool pays the bank when its balance covers the expected "
              "claims (in proportion when it covers part)"}}),
      block(T::super_deduction, &S::super_deduction,
            "R&D super deduction (加计扣除): targeted firms deduct more than their R&D spending from taxable "
            "profit, which raises their R&D by rd_tax_elasticity. A tax expenditure: the tax forgone is "
            "paid to the treasury from the instrument's budget, and firms deduct only while it holds "
            "money (firms targeted by several: the first funded in declaration order)",
            {{"rate", "extra_deduction_share"}},
            {{"extra_deduction_share", "1", 0.0, 0, 5, &SuperDeduction::extra_deduction_share,
              "R&D deducted in addition to the spending itself, as a share of it (1: a 100% super "
              "deduction)"}}),
      block(T::ip_reform, &S::ip_reform,
            "Ownership reform (赋权): inventors get ownership or long-term use rights, so targeted labs "
            "disclose, license and spin out more. A rule, not money: it spends no budget, and its dose is "
            "transfer_multiplier (1: no effect)",
            {{"multiplier", "transfer_multiplier"}},
            {{"transfer_multiplier", "1", 1.0, 0, 100, &IpReform::transfer_multiplier,
              "Multiplies targeted labs' transfer effort and spin-out rate"}}),
      block(T::pilot_capacity, &S::pilot_capacity,
            "Pilot capacity building: adds slots to every pilot platform of the targeted regions, paid per "
            "added slot; no money, no slot",
            {{"slots", "added_slots"}, {"amount_yuan", "slot_cost_yuan"}},
            {{"added_slots", "slots/quarter", std::int64_t{0}, 0, kNoMaximum, &PilotCapacity::added_slots,
              "Slots added to each platform per quarter"},
             {"slot_cost_yuan", "yuan", 5000.0, 1, kNoMaximum, &PilotCapacity::slot_cost_yuan,
              "Paid to the platform per added slot and quarter (no slot is free: an instrument adds only "
              "the slots its money pays for; default: scenarios/policies/pilot_capacity_doubled.yaml)"}}),
      block(T::pilot_voucher, &S::pilot_voucher,
            "Pilot vouchers: pay part of the pilot fee for users in the targeted regions and fields, which "
            "deters fewer of them ('built but unused', seed 002)",
            {{"rate", "subsidy_share"}},
            {{"subsidy_share", "1", 0.0, 0, 1, &PilotVoucher::subsidy_share,
              "Share of the pilot fee the voucher pays, while the instrument has money"}}),
      block(T::pilot_operator_incentive, &S::pilot_operator_incentive,
            "Incentive for pilot platform operators (seed 002: weak incentives of public platforms): they "
            "reach more users and are paid per pilot served",
            {{"multiplier", "outreach_multiplier"}, {"amount_yuan", "payment_per_pilot_yuan"}},
            {{"outreach_multiplier", "1", 1.0, 0, 100, &PilotOperatorIncentive::outreach_multiplier,
              "Multiplies users' pilot requests in the targeted regions"},
             {"payment_per_pilot_yuan", "yuan", 0.0, 0, kNoMaximum,
              &PilotOperatorIncentive::payment_per_pilot_yuan, "Paid to the platform per pilot served"}}),
      block(
          T::matching_service, &S::matching_service,
          "Matching service (seed 003, seed 004): raises targeted labs' matching with firms, adds deal "
          "capacity to the region's transfer offices and pays them per brokered deal; aimed at SMEs "
          "(agent_kind: sme), it also pays expert services to help them",
          {{"multiplier", "match_multiplier"},
           {"slots", "added_deal_capacity"},
           {"amount_yuan", "payment_per_service_yuan"}},
          {{"match_multiplier", "1", 1.0, 0, 100, &MatchingService::match_multiplier,
            "Multiplies targeted labs' matching rate"},
           {"added_deal_capacity", "deals/quarter", std::int64_t{0}, 0, kNoMaximum,
            &MatchingService::added_deal_capacity,
            "Deals per quarter added to each transfer office of the targeted regions (screening offices)"},
           {"payment_per_service_yuan", "yuan", 0.0, 0, kNoMaximum,
            &MatchingService::payment_per_service_yuan,
            "Paid to the transfer office per brokered deal in the targeted regions (with "
            "screen_for_region: per screened deal); aimed at SMEs, also the part of an expert service's fee "
            "paid per SME served (at most the fee)"},
           {"screen_for_region", "", std::string(""), 0, 0, &MatchingService::screen_for_region,
            "Region whose firms the targeted labs' transfer offices screen results for ('': none). Seed "
            "003: the capital's offices sift university results by the districts' functions, market "
            "prospects and feasibility. A result at TRL 3 or more passes with probability (firms of its "
            "field in that region / firms of that region's largest field) x logistic(quality); a passed "
            "result's matching rate is multiplied by match_multiplier and it is offered to a firm of its "
            "field in that region; each screened deal is paid payment_per_service_yuan. Only then does "
            "match_multiplier act, and only while the instrument holds money"}}),
      block(T::industry_professor, &S::industry_professor,
            "Industry professors (产业教授, seed 000): more researchers of targeted labs move to firms; the "
            "instrument pays a stipend per researcher moved, and the extra moves happen only while it holds "
            "money",
            {{"multiplier", "mobility_multiplier"}, {"amount_yuan", "stipend_yuan"}},
            {{"mobility_multiplier", "1", 1.0, 0, 100, &IndustryProfessor::mobility_multiplier,
              "Multiplies targeted labs' researcher_mobility_rate"},
             {"stipend_yuan", "yuan", 0.0, 0, kNoMaximum, &IndustryProfessor::stipend_yuan,
              "Paid to the receiving firm per researcher moved"}}),
      block(T::ex_post_reward, &S::ex_post_reward,
            "Ex-post reward (以奖代补): pays the firm holding a result when it reaches the rewarded stage "
            "(the policy's stage; any = industrialization); firms anticipate it "
            "(reward_anticipation_share)",
            {{"amount_yuan", "reward_yuan"}},
            {{"reward_yuan", "yuan", 0.0, 0, kNoMaximum, &ExPostReward::reward_yuan,
              "Reward per result reaching the rewarded stage"}}),
      block(T::thematic_bond, &S::thematic_bond,
            "Thematic bonds for industrialization (seed 000): a targeted firm holding a result at TRL 7-8 "
            "issues one bond to private investors, for thematic_bond_term_quarters; the instrument pays part "
            "of the coupon; investors buy bonds only while it holds money",
            {{"amount_yuan", "principal_yuan"}, {"rate", "coupon_share"}},
            {{"principal_yuan", "yuan", 0.0, 0, kNoMaximum, &ThematicBond::principal_yuan,
              "Principal of one bond (0: no bonds)"},
             {"coupon_share", "1", 0.0, 0, 1, &ThematicBond::coupon_share,
              "Share of the coupon (thematic_bond_coupon_per_quarter) the instrument pays, while it has "
              "money"}}),
      block(T::incubator_support, &S::incubator_support,
            "Incubator support (seed 004: incubators and maker spaces): pays the incubators of the targeted "
            "regions payment_per_place_yuan for each place they run, so they run places their fees alone do "
            "not pay for (incubator_place_cost_yuan) and charge founders less (at most the part of the "
            "place cost the payment leaves); founders enter when the help is worth the fee they pay. No "
            "money, no payment: the incubators shrink to the places fees pay (incubate_firms). Incubators "
            "in several such instruments' regions: the first funded in declaration order",
            {},
            {{"payment_per_place_yuan", "yuan", 0.0, 0, kNoMaximum, &IncubatorSupport::payment_per_place_yuan,
              "Paid to the incubator per place it runs (one new firm taken in for a quarter), at most the "
              "place's cost, while the instrument holds money. In prices of step 0, like the fee and the "
              "place cost: paid at the quarter's wage and price level (wage_level)"}}),
      block(T::concept_verification_fund, &S::concept_verification_fund,
            "Concept-verification fund (seed 004: support concept-verification centres with money): pays "
            "the targeted regions' centres per verification, so they verify results whose fee does not "
            "cover the cost (concept_verification_cost_yuan); no money, only what fees pay for",
            {},
            {{"subsidy_per_verification_yuan", "yuan", 0.0, 0, kNoMaximum,
              &ConceptVerificationFund::subsidy_per_verification_yuan,
              "Paid to the centre per verification, while the instrument has money (default: the cost "
              "less the fee of scenarios/examples/concept_verification.yaml)"}}),
  };
  return table;
}

const std::vector<IntegerParameter>& integer_parameters() {
  static const std::vector<IntegerParameter> table = {
      {"universities", "agents", 60, 0, 1'000'000, &P::universities,
       "Universities (national total, split over regions by weight). Assumption, scaled sample"},
      {"institutes", "agents", 40, 0, 1'000'000, &P::institutes,
       "Research institutes incl. CAS-like academies. Assumption, scaled sample"},
      {"lead_firms", "agents", 40, 0, 1'000'000, &P::lead_firms,
       "Lead firms (chain leaders, large SOEs and private leaders). Assumption, scaled sample"},
      {"smes", "agents", 2500, 0, 10'000'000, &P::smes, "SMEs at step 0. Assumption, scaled sample"},
      {"result_max_age_quarters", "quarters", 80, 4, 400, &P::result_max_age_quarters,
       "Age at which a result dies (patent term 20 years)"},
      {"concept_verification_capacity", "results/quarter", 20, 0, 1'000'000,
       &P::concept_verification_capacity,
       "Verifications a concept-verification centre can do per quarter. Assumption"},
      {"new_type_institute_max_trl", "TRL", 7, 3, 9, &P::new_type_institute_max_trl,
       "TRL up to which new-type R&D institutions develop their results (lab_max_trl for other labs): they "
       "do applied research nearer the market. Assumption"},
      {"lab_max_trl", "TRL", 6, 3, 9, &P::lab_max_trl,
       "Highest TRL a university or institute reaches on its own; beyond it a firm must hold the result. "
       "Seed 002: labs do not produce"},
      {"vc_fund_life_quarters", "quarters", 40, 4, 200, &P::vc_fund_life_quarters,
       "Life of a VC fund; it invests in the first half. Assumption (10-year funds)"},
      {"vc_deals_per_quarter", "deals", 2, 0, 100, &P::vc_deals_per_quarter,
       "Candidate SMEs a VC fund screens per quarter. Assumption"},
      {"loan_term_quarters", "quarters", 8, 1, 40, &P::loan_term_quarters, "Term of a bank loan. Assumption"},
      {"transfer_office_capacity", "deals/quarter", 40, 0, 1'000'000, &P::transfer_office_capacity,
       "Deals (licences, assignments, spin-outs) one tech transfer office or broker can close per quarter; "
       "a saturated office lets further matches wait. Assumption (not binding in the national baseline)"},
      {"expert_service_capacity", "firms/quarter", 20, 0, 1'000'000, &P::expert_service_capacity,
       "SMEs one expert service can serve per quarter. Seed 004: 4,081 experts served 2,390 firms; value "
       "assumed"},
      {"incubator_capacity", "firms/quarter", 2, 0, 1'000'000, &P::incubator_capacity,
       "Places of one incubator or maker space: new firms it can take in per quarter (its physical "
       "capacity; the places it runs are those fees and incubator_support pay for, at most these). "
       "Assumption"},
      {"incubation_quarters", "quarters", 8, 0, 400, &P::incubation_quarters,
       "Quarters a firm taken in by an incubator counts as incubated (incubated_exit_multiplier). "
       "Assumption (two years)"},
      {"thematic_bond_term_quarters", "quarters", 12, 1, 80, &P::thematic_bond_term_quarters,
       "Term of a thematic bond for industrialization. Assumption (3-year bonds)"},
  };
  return table;
}

const std::vector<RealParameter>& real_parameters() {
  static const std::vector<RealParameter> table = {
      // R&D funding.
      {"university_budget_yuan", "yuan/quarter", 104900.0, 0, kBig, &P::university_budget_yuan,
       "Government R&D appropriation per university. Calibrated to rd_share_universities (seed 002: 8.3%)"},
      {"institute_budget_yuan", "yuan/quarter", 215800.0, 0, kBig, &P::institute_budget_yuan,
       "Government R&D appropriation per institute. Calibrated to rd_share_institutes (seed 002: 11.6%)"},
      {"lead_firm_rd_intensity", "1", 0.007, 0, 1, &P::lead_firm_rd_intensity,
       "Lead firms' R&D spending / revenue. Calibrated to rd_share_enterprises (seed 002: 77.7%)"},
      {"sme_rd_intensity", "1", 0.0047, 0, 1, &P::sme_rd_intensity,
       "SMEs' R&D spending / revenue. Calibrated with lead_firm_rd_intensity"},
      {"cash_rd_share", "1/quarter", 0.01, 0, 1, &P::cash_rd_share,
       "Share of a firm's cash above one quarter of costs added to its R&D budget (grants, VC and loans "
       "become development spending). Assumption"},
      {"basic_share_university", "1", 0.432, 0, 1, &P::basic_share_university,
       "Share of university R&D that is basic research. Calibrated to basic_research_share (seed 002: 6.7%)"},
      {"basic_share_institute", "1", 0.18, 0, 1, &P::basic_share_institute,
       "Share of institute R&D that is basic research. Calibrated to basic_research_share"},
      {"basic_share_firm", "1", 0.01, 0, 1, &P::basic_share_firm,
       "Share of firm R&D that is basic research. Assumption (firms do little basic research)"},
      {"development_share_lab", "1", 0.15, 0, 1, &P::development_share_lab,
       "Share of a lab's applied R&D spent on developing results it holds (concept verification). "
       "Assumption; the devil river (seed 002)"},
      {"development_share_firm", "1", 0.756, 0, 1, &P::development_share_firm,
       "Share of a firm's R&D spent on developing results it holds. Assumption"},
      // Result generation.
      {"result_cost_basic_yuan", "yuan", 1.5e5, 1, kBig, &P::result_cost_basic_yuan,
       "R&D spending per basic research result. Assumption"},
      {"result_cost_applied_yuan", "yuan", 6e4, 1, kBig, &P::result_cost_applied_yuan,
       "R&D spending per applied research result. Assumption"},
      {"patent_probability_university", "1", 0.35, 0, 1, &P::patent_probability_university,
       "Probability an applied university result is patented. Assumption (universities patent for "
       "evaluation)"},
      {"patent_probability_institute", "1", 0.35, 0, 1, &P::patent_probability_institute,
       "Probability an applied institute result is patented. Assumption"},
      {"patent_probability_firm", "1", 0.8, 0, 1, &P::patent_probability_firm,
       "Probability a firm result is patented. Assumption"},
      {"quality_mean_university", "1", 0.0, -5, 5, &P::quality_mean_university,
       "Mean latent quality (standard normal scale) of university results. Assumption"},
      {"quality_mean_institute", "1", 0.0, -5, 5, &P::quality_mean_institute,
       "Mean latent quality of institute results. Assumption"},
      {"quality_mean_firm", "1", 0.0, -5, 5, &P::quality_mean_firm,
       "Mean latent quality of firm results. Assumption"},
      // Stage transitions.
      {"attempt_rate", "1/quarter", 0.35, 0, 1, &P::attempt_rate,
       "Probability per quarter that a fully funded holder attempts the next TRL step. Assumption "
       "(transfer is long-cycle, seed 004)"},
      {"step_cost_yuan", "yuan", 2500, 0, kBig, &P::step_cost_yuan,
       "Cost of a TRL step at TRL 1, per attempt. Assumption"},
      {"stage_cost_growth", "1", 0.45, 0, 10, &P::stage_cost_growth,
       "Growth of the step cost per TRL level (pilot tests and scale-up are expensive). Assumption"},
      {"success_intercept_research", "logit", 0.5, -10, 10, &P::success_intercept_research,
       "Logit of success of a step within research (to TRL 2-3). Assumption"},
      {"success_intercept_development", "logit", 0.0, -10, 10, &P::success_intercept_development,
       "Logit of success of a step into or within development (to TRL 4-6); the step to TRL 4 is the devil "
       "river. Assumption"},
      {"success_intercept_commercialization", "logit", -1.5, -10, 10, &P::success_intercept_commercialization,
       "Logit of success of a step into or within commercialization (to TRL 7-8); the step to TRL 7 is the "
       "death valley: buyers distrust first units. Assumption"},
      {"success_intercept_industrialization", "logit", -3.71, -10, 10,
       &P::success_intercept_industrialization,
       "Logit of success of the step to TRL 9 (industrialization), the Darwinian sea: scale-up and "
       "competition. Calibrated to applied_industrialized_share (seed 002: about 20% of applied results "
       "form industries)"},
      {"quality_effect", "logit per sd", 0.8, 0, 10, &P::quality_effect,
       "Effect of one standard deviation of latent quality on the logit of success. Assumption"},
      {"lead_firm_capacity_bonus", "logit", 1.0, -10, 10, &P::lead_firm_capacity_bonus,
       "Absorptive capacity of lead firms on the logit of success. Assumption"},
      {"lab_capacity_penalty", "logit", 0.8, 0, 10, &P::lab_capacity_penalty,
       "Labs' lack of engineering capacity on the logit of success beyond research. Assumption"},
      {"verification_bonus", "logit", 1.62, 0, 10, &P::verification_bonus,
       "Pilot verification on the logit of success from development to commercialization. Calibrated "
       "with the national preset to pilot_verified_conversion_rate (seed 002: verified results convert "
       "at 50-80%); weakly identified (docs/MODEL.md section 4 gives its standard error)"},
      {"failure_death_probability", "1", 0.25, 0, 1, &P::failure_death_probability,
       "Probability a failed step kills the result. Assumption"},
      {"shelving_rate", "1/quarter", 0.06, 0, 1, &P::shelving_rate,
       "Hazard that an idle lab result is shelved (no more development by its holder). Assumption"},
      {"patent_lapse_unused", "1/quarter", 0.042, 0, 1, &P::patent_lapse_unused,
       "Hazard that a patent not in use lapses (maintenance fees stop); the result dies. Assumption"},
      {"patent_lapse_used", "1/quarter", 0.005, 0, 1, &P::patent_lapse_used,
       "Hazard that a patent in use lapses (product replaced). Assumption"},
      {"result_death_rate", "1/quarter", 0.008, 0, 1, &P::result_death_rate,
       "Background hazard that a result becomes obsolete. Assumption"},
      // Pilot platforms.
      {"pilot_fee_yuan", "yuan", 30000, 0, kBig, &P::pilot_fee_yuan,
       "Fee per pilot verification. Assumption In prices of step 0: paid at the quarter's wage and price "
       "level (wage_level)."},
      {"pilot_request_rate", "1/quarter", 0.25, 0, 1, &P::pilot_request_rate,
       "Probability per quarter that the holder of an unverified result at TRL 5-6 asks for a pilot, before "
       "the fee deters it. Assumption"},
      {"pilot_willingness_yuan", "yuan", 30000, 1, kBig, &P::pilot_willingness_yuan,
       "Fee at which half of the potential users are deterred ('built but unused', seed 002). Assumption In "
       "prices of step 0: paid at the quarter's wage and price level (wage_level)."},
      {"pilot_fee_sigma", "1", 0.5, 0, 5, &P::pilot_fee_sigma,
       "Log-sd of platforms' fees around pilot_fee_yuan (operators price differently; users go to the "
       "cheapest platform of their field with a free slot and may balk at a dearer one). Assumption"},
      {"pilot_leak_risk", "1", 0.05, 0, 1, &P::pilot_leak_risk,
       "Probability a pilot leaks the user's know-how. Seed 002 names the risk; value assumed"},
      {"pilot_leak_penalty", "sd", 0.5, 0, 10, &P::pilot_leak_penalty, "Quality lost by a leak. Assumption"},
      // Concept-verification centres.
      {"concept_verification_fee_yuan", "yuan", 3000, 0, kBig, &P::concept_verification_fee_yuan,
       "Fee a holder pays a concept-verification centre per verification. Assumption"},
      {"concept_verification_cost_yuan", "yuan", 8000, 0, kBig, &P::concept_verification_cost_yuan,
       "What one verification costs the centre (staff, prototypes); paid from the fee, a "
       "concept_verification_fund's subsidy and the centre's own money. Assumption, about the cost of one "
       "attempt at TRL 3 (step_cost_yuan x (1 + stage_cost_growth)^2 = 5,256 yuan) plus the centre's "
       "overheads"},
      {"concept_verification_owner_budget_yuan", "yuan/quarter", 0, 0, kBig,
       &P::concept_verification_owner_budget_yuan,
       "Money each centre's owner (the region's concept_verification_owner) gives it per quarter; unspent "
       "money stays in the centre. Assumption"},
      {"concept_verification_request_rate", "1/quarter", 0.3, 0, 1, &P::concept_verification_request_rate,
       "Probability per quarter that the holder of a result at TRL 3 asks for a verification when the fee is "
       "nil; the fee deters in proportion to the gain the holder expects (docs/MODEL.md). Assumption"},
      {"concept_verification_quality_threshold", "sd", -1.0, -10, 10,
       &P::concept_verification_quality_threshold,
       "A verified result below this quality is revealed weak and dropped (saving the money its holder "
       "would spend on it); the others move to TRL 4. Assumption: about one in six results at mean quality"},
      // Transfer.
      {"transfer_effort_university", "1", 0.615, 0, 100, &P::transfer_effort_university,
       "Relative effort of university staff to transfer results (paper-based evaluation). Calibrated to "
       "patent_industrialization_rate_universities (seed 002: 3.9%)"},
      {"transfer_effort_new_type", "1", 9.86, 0, 100, &P::transfer_effort_new_type,
       "Relative transfer effort of new-type R&D institutions' staff, paid by results, not papers. "
       "Assumption: twice transfer_effort_institute"},
      {"new_type_institute_budget_yuan", "yuan/quarter", 215800.0, 0, kBig,
       &P::new_type_institute_budget_yuan,
       "Government's appropriation per new-type R&D institution (its public owners' share). Assumption: an "
       "institute's (institute_budget_yuan)"},
      {"new_type_contract_yuan", "yuan/quarter", 100000.0, 0, kBig, &P::new_type_contract_yuan,
       "Contract research a lead firm of its region commissions from each new-type R&D institution per "
       "quarter (its firm owners' share), indexed like appropriations, paid as far as the firm's cash goes. "
       "Assumption"},
      {"transfer_effort_institute", "1", 4.93, 0, 100, &P::transfer_effort_institute,
       "Relative transfer effort of institutes. Calibrated to patent_industrialization_rate_institutes "
       "(13.3%)"},
      {"match_rate", "1/quarter", 0.02, 0, 1, &P::match_rate,
       "Probability per quarter that a lab's patented result meets an interested firm at effort 1. "
       "Assumption"},
      {"licence_fee_yuan", "yuan", 50000, 0, kBig, &P::licence_fee_yuan,
       "Licence or assignment fee. Assumption In prices of step 0: paid at the quarter's wage and price "
       "level (wage_level)."},
      {"assignment_share", "1", 0.3, 0, 1, &P::assignment_share,
       "Share of lab deals that are assignments rather than licences. Assumption"},
      {"spinout_rate", "1", 0.03, 0, 1, &P::spinout_rate,
       "Share of lab deals that found a spin-out instead of going to an existing firm. Assumption"},
      {"inventor_share", "1", 0.3, 0, 1, &P::inventor_share,
       "Share of licence income paid to inventors (leaves the model). Assumption; IP reform raises it"},
      {"same_region_preference", "1", 0.8, 0, 1, &P::same_region_preference,
       "Probability that a lab looks for a partner in its own region. Assumption"},
      {"vc_same_region_share", "1", 0.8, 0, 1, &P::vc_same_region_share,
       "Share of a VC fund's screening in its own region; the rest in other regions (cross-region capital). "
       "Assumption"},
      {"firm_deal_capacity", "deals/quarter", 2, 0, 1000, &P::firm_deal_capacity,
       "Results an SME can take in per quarter (lead firms: 5 times as many). Assumption"},
      // Markets and production.
      {"lead_firm_revenue_yuan", "yuan/quarter", 1e8, 0, kBig, &P::lead_firm_revenue_yuan,
       "Mean initial revenue of a lead firm. Assumption, scaled"},
      {"sme_revenue_yuan", "yuan/quarter", 2e6, 0, kBig, &P::sme_revenue_yuan,
       "Mean initial revenue of an SME. Assumption, scaled"},
      {"revenue_sigma", "1", 0.8, 0, 5, &P::revenue_sigma, "Log-sd of initial firm revenue. Assumption"},
      {"revenue_shock_sigma", "1", 0.05, 0, 2, &P::revenue_shock_sigma,
       "Log-sd of quarterly revenue shocks. Assumption"},
      {"product_revenue_yuan", "yuan/quarter", 3e5, 0, kBig, &P::product_revenue_yuan,
       "Revenue of an industrialized result of average quality at full adoption. Assumption"},
      {"first_unit_revenue_share", "1", 0.2, 0, 1, &P::first_unit_revenue_share,
       "Revenue of a result in commercialization relative to industrialization. Assumption"},
      {"adoption_innovation", "1/quarter", 0.01, 0, 1, &P::adoption_innovation,
       "Bass innovation coefficient of adoption per field. Assumption (Bass 1969 typical p)"},
      {"adoption_imitation", "1/quarter", 0.1, 0, 1, &P::adoption_imitation,
       "Bass imitation coefficient of adoption per field. Assumption (Bass 1969 typical q)"},
      {"productivity_gain_per_result", "1", 0.01, 0, 1, &P::productivity_gain_per_result,
       "Base-revenue productivity gain of a firm per result it uses. Assumption (seed 000: 5G pilots +36%)"},
      {"operating_margin", "1", 0.1, -1, 1, &P::operating_margin,
       "Mean operating margin before R&D. Assumption"},
      {"sme_margin_sigma", "1", 0.06, 0, 1, &P::sme_margin_sigma, "Sd of SMEs' margins. Assumption"},
      {"value_added_share", "1", 0.3, 0, 1, &P::value_added_share, "Value added / revenue. Assumption"},
      {"revenue_per_employee_yuan", "yuan/quarter", 2.5e5, 1, kBig, &P::revenue_per_employee_yuan,
       "Revenue per employee. Assumption"},
      {"tax_rate", "1", 0.25, 0, 1, &P::tax_rate, "Corporate income tax rate (China: 25%)"},
      {"high_tech_tax_rate", "1", 0.15, 0, 1, &P::high_tech_tax_rate,
       "Income tax rate of a recognised high-tech enterprise (China: 15%, 高新技术企业)"},
      {"cash_target_quarters", "quarters", 2, 0, 100, &P::cash_target_quarters,
       "Cash a firm keeps, in quarters of revenue times margin; above it pays out. Assumption"},
      {"payout_share", "1/quarter", 0.3, 0, 1, &P::payout_share, "Share of excess cash paid out. Assumption"},
      // Firm dynamics.
      {"sme_birth_rate", "1/quarter", 0.012, 0, 1, &P::sme_birth_rate,
       "New SMEs per SME per quarter. Assumption"},
      {"entry_room_elasticity", "1", 1.0, 0, 10, &P::entry_room_elasticity,
       "How founders respond to room in a field's market (the unmet share of what its customers can pay, "
       "relative to set-up): the number of new SMEs scales with the fields' mean room to this power "
       "(at most twice sme_birth_rate), and each picks a field in proportion to weight x room^elasticity. "
       "0: entry ignores markets. Assumption"},
      {"sme_seed_capital_yuan", "yuan", 1e6, 0, kBig, &P::sme_seed_capital_yuan,
       "Founders' capital of a new SME or spin-out. Assumption"},
      {"sme_growth_sigma", "1", 0.03, 0, 1, &P::sme_growth_sigma, "Sd of SMEs' quarterly growth. Assumption"},
      {"sme_exit_rate", "1/quarter", 0.01, 0, 1, &P::sme_exit_rate,
       "Background exit hazard of SMEs. Assumption"},
      {"tier_promotion_rate", "1/quarter", 0.1, 0, 1, &P::tier_promotion_rate,
       "Hazard that an SME meeting a rung's or a status's criteria applies and is recognised. Assumption"},
      {"recognition_review_rate", "1/quarter", 0.083, 0, 1, &P::recognition_review_rate,
       "Hazard that a recognition (high-tech, 专精特新, 小巨人) is reviewed; it is lost if the criteria "
       "fail then. Recognitions are valid for three years (高新技术企业认定管理办法), so 1/12"},
      {"high_tech_rd_intensity", "1", 0.004, 0, 1, &P::high_tech_rd_intensity,
       "R&D / revenue (moving averages) a high-tech enterprise needs, with at least one invention patent. "
       "The rule asks 3-5% by size (高新技术企业认定管理办法); the model's SMEs' R&D is scaled to the "
       "national R&D shares, so this threshold is set where the count ratios of docs/MODEL.md hold "
       "(calibrated)"},
      {"specialised_growth", "1", 0.05, -1, 10, &P::specialised_growth,
       "Revenue growth (year over the three-year average) a 专精特新 SME needs, besides being high-tech "
       "and a niche leader. Assumption after the 专精特新 criteria (growth, R&D, IP, specialisation)"},
      {"niche_leader_multiple", "1", 1.5, 0, 100, &P::niche_leader_multiple,
       "Revenue relative to the field's mean SME revenue that makes an SME a niche leader (专精特新 "
       "criterion of market share). Assumption"},
      {"little_giant_multiple", "1", 4.0, 0, 100, &P::little_giant_multiple,
       "The same for a 小巨人 (little giant), which also needs two patents and 1.5 times the high-tech "
       "R&D intensity. Assumption after the 小巨人 criteria"},
      {"unicorn_valuation_yuan", "yuan", 7e9, 0, kBig, &P::unicorn_valuation_yuan,
       "Valuation at a funding round that makes an unlisted firm a unicorn (USD 1 bn, Hurun's definition)"},
      {"ipo_valuation_yuan", "yuan", 1e9, 0, kBig, &P::ipo_valuation_yuan,
       "Valuation a firm needs to list (STAR market standard 1: market value >= 1 bn yuan)"},
      {"ipo_revenue_yuan", "yuan/quarter", 2.5e7, 0, kBig, &P::ipo_revenue_yuan,
       "Quarterly revenue a firm needs to list (STAR market standard 1: revenue >= 100 M yuan a year)"},
      {"ipo_rate", "1/quarter", 0.1, 0, 1, &P::ipo_rate,
       "Hazard that a firm meeting the listing criteria lists (queue and review). Assumption"},
      {"valuation_revenue_multiple", "1", 6.0, 0, 1000, &P::valuation_revenue_multiple,
       "Equity value / annual revenue of a firm that does not grow; growth raises it (valuation = multiple x "
       "annual revenue x (1 + valuation_growth_premium x growth)). Assumption"},
      {"valuation_growth_premium", "1", 10.0, 0, 1000, &P::valuation_growth_premium,
       "Rise of the valuation multiple per unit of revenue growth (year over the three-year average). "
       "Assumption"},
      {"vc_trade_sale_rate", "1/quarter", 0.05, 0, 1, &P::vc_trade_sale_rate,
       "Hazard that a fund sells a holding to an acquirer at its valuation (trade sale) once the fund is "
       "past its investment period. Assumption"},
      // Capacity, investment, markets and prices.
      {"output_capital_ratio", "1/quarter", 0.8, 1e-6, 100, &P::output_capital_ratio,
       "Quarterly sales one yuan of productive capital can make (capital is about a third of a year of "
       "sales). "
       "Assumption"},
      {"depreciation_rate", "1/quarter", 0.025, 0, 1, &P::depreciation_rate,
       "Share of productive capital worn out each quarter (about 10% a year). Assumption"},
      {"capacity_headroom", "1", 1.15, 1, 10, &P::capacity_headroom,
       "Capacity a firm plans relative to the demand it expects; firms start with it. Assumption"},
      {"investment_speed", "1/quarter", 0.5, 0, 1, &P::investment_speed,
       "Share of the gap between planned and installed capital a firm closes in a quarter when it can "
       "finance it. Assumption"},
      {"market_headroom", "1", 1.3, 1, 100, &P::market_headroom,
       "A field's market in money relative to its firms' initial sales, at demand index 1: what all firms' "
       "sales can reach; beyond it they share the market in proportion to what customers ask of each. "
       "Assumption"},
      {"wage_growth_per_quarter", "1/quarter", 0.01, -0.1, 0.5, &P::wage_growth_per_quarter,
       "Growth of the wage and price level, which scales the cost of research results and development "
       "steps, the price of capital and sales per unit of capital, and revenue per employee (about 4% a "
       "year, nominal wages). Fields' demand growth is nominal: real growth is the difference. Assumption"},
      {"rd_propensity_sigma", "1", 0.6, 0, 5, &P::rd_propensity_sigma,
       "Log-sd across SMEs of their R&D intensity relative to sme_rd_intensity (mean 1). Assumption"},
      // Finance.
      {"vc_fund_capital_yuan", "yuan", 5e7, 0, kBig, &P::vc_fund_capital_yuan,
       "Capital of a VC fund. Assumption"},
      {"vc_ticket_yuan", "yuan", 3e6, 0, kBig, &P::vc_ticket_yuan, "VC investment per deal. Assumption"},
      {"vc_quality_threshold", "sd", 0.8, -10, 10, &P::vc_quality_threshold,
       "Quality signal a VC fund needs to invest. Assumption"},
      {"bank_capital_yuan", "yuan", 3e8, 0, kBig, &P::bank_capital_yuan,
       "Lending capacity of a bank. Assumption"},
      {"loan_size_yuan", "yuan", 1e6, 0, kBig, &P::loan_size_yuan,
       "Size of a tech loan to an SME. Assumption"},
      {"loan_rate_per_quarter", "1/quarter", 0.012, 0, 1, &P::loan_rate_per_quarter,
       "Interest rate of tech loans. Assumption (about 5% a year)"},
      {"loan_request_rate", "1/quarter", 0.1, 0, 1, &P::loan_request_rate,
       "Probability per quarter that an SME without a loan asks for one at zero interest cost. Assumption"},
      {"loan_acceptable_loss", "1", 0.01, 0, 1, &P::loan_acceptable_loss,
       "Expected loss per quarter a bank accepts on a loan. Assumption"},
      {"loan_loss_given_default", "1", 0.7, 0, 1, &P::loan_loss_given_default,
       "Loss given default. Assumption"},
      {"collateral_recovery", "1", 0.3, 0, 1, &P::collateral_recovery,
       "Share of a defaulting firm's productive capital (at today's prices) the bank recovers by selling it; "
       "banks count it when they screen (lower loss given default). Assumption"},
      {"loan_default_base", "1/quarter", 0.03, 0, 1, &P::loan_default_base,
       "Default probability a bank expects for a tech SME of tier 0. Assumption"},
      {"insurer_capital_yuan", "yuan", 1e8, 0, kBig, &P::insurer_capital_yuan,
       "Capital of the first-of-a-kind insurer; claims beyond it are not paid. Assumption"},
      {"first_unit_value_steps", "step costs", 10, 0.01, 1000, &P::first_unit_value_steps,
       "Value of a first unit of a result at TRL 6-8, in step costs of its TRL: what first-of-a-kind "
       "insurance "
       "insures and the purchase that makes a public buyer one reference customer. Assumption"},
      {"insurance_loading", "1", 0.3, 0, 10, &P::insurance_loading,
       "The insurer's premium over the expected claim: premium = (1 + loading) × failure probability of the "
       "step × the claim paid. Assumption"},
      {"insurance_claim_cost_share", "1", 0.7, 0, 10, &P::insurance_claim_cost_share,
       "A buyer's cost of pursuing a claim (assessment, documents, delay) per unit of claim_complexity, as a "
       "share of the insured value. Assumption (seed 000: complex claims deter users)"},
      {"insurance_choice_noise", "1", 0.1, 1e-6, 10, &P::insurance_choice_noise,
       "Scale of buyers' idiosyncratic taste in the insurance choice, as a share of the insured value: "
       "take-up "
       "= logistic(failure probability × (claim × (1 − (1 − subsidy) × (1 + loading)) − claim cost) / "
       "(noise × insured value)). Assumption"},
      {"insurance_bonus", "logit", 1.0, 0, 10, &P::insurance_bonus,
       "Buyers' trust in an insured first unit, on the logit of success of its step. Assumption"},
      {"procurement_bonus", "logit", 0.8, 0, 10, &P::procurement_bonus,
       "Reference-customer effect of public purchases on the logit of success of a firm's steps from TRL "
       "6-8, "
       "at saturation: procurement_bonus × u / (1 + u), u = the firm's recent public purchases "
       "(procurement_reference_decay) / the value of a first unit of the result (first_unit_value_steps): "
       "half the bonus after one unit bought. Assumption"},
      {"procurement_reference_decay", "1/quarter", 0.25, 0, 1, &P::procurement_reference_decay,
       "Quarterly decay of a firm's recent public purchases: a reference customer counts for about a year. "
       "Assumption"},
      {"consortium_match_multiplier", "1", 4, 0, 100, &P::consortium_match_multiplier,
       "Matching of a funded consortium's core member labs' results with its lead firm (general-layer labs: "
       "general_layer_weight of its excess over 1). Assumption (seed 001)"},
      {"consortium_bonus", "logit", 0.5, 0, 10, &P::consortium_bonus,
       "First customer inside a funded consortium, on the logit of success of members' steps from TRL 6 "
       "(general-layer members: general_layer_weight of it). "
       "Assumption (seed 001)"},
      {"expert_service_bonus", "logit", 0.4, 0, 10, &P::expert_service_bonus,
       "Expert services for SMEs (a matching_service with agent_kind sme) on the logit of success of the "
       "SMEs' "
       "development steps. Seed 004: 4,081 experts served 2,390 firms; value assumed"},
      {"incubator_births_per_quarter", "firms/quarter", 0.25, 0, 100, &P::incubator_births_per_quarter,
       "New SMEs per incubator or maker space and quarter, on top of sme_birth_rate. Seed 004: 15 "
       "incubators, "
       "19 maker spaces; value assumed"},
      {"intermediary_fee_share", "1", 0.1, 0, 1, &P::intermediary_fee_share,
       "Commission of the transfer office or broker on a licence or assignment fee, paid by the lab. "
       "Assumption"},
      {"direct_match_share", "1", 0.5, 0, 1, &P::direct_match_share,
       "Matching rate of a lab in a region without transfer offices, relative to one served by an office of "
       "strength 1 (direct search, higher frictions). Assumption"},
      {"expert_service_fee_yuan", "yuan", 10000, 0, kBig, &P::expert_service_fee_yuan,
       "Fee of an expert service per SME and quarter; a matching_service for SMEs pays up to its amount_yuan "
       "of it. Assumption In prices of step 0: paid at the quarter's wage and price level (wage_level)."},
      {"expert_request_rate", "1/quarter", 0.05, 0, 1, &P::expert_request_rate,
       "Probability per quarter that an SME developing results hires an expert service at its own cost "
       "(SMEs targeted by a matching_service always ask). Assumption"},
      {"incubator_fee_yuan", "yuan", 50000, 0, kBig, &P::incubator_fee_yuan,
       "List fee an incubated new firm pays its incubator from its founders' capital (less where an "
       "incubator_support payment covers more of the place's cost than the fee leaves). Assumption In "
       "prices of step 0: paid at the quarter's wage and price level (wage_level)."},
      {"incubator_place_cost_yuan", "yuan/quarter", 50000, 0, kBig, &P::incubator_place_cost_yuan,
       "Cost of running one incubator place for a quarter (space, services, staff for the firm taken "
       "in). An incubator runs a place only when the founder's fee and an incubator_support payment "
       "cover it. Assumption: equal to the default fee, so incubators without support run on fees. In "
       "prices of step 0: paid at the quarter's wage and price level (wage_level)."},
      {"incubated_exit_multiplier", "1", 0.5, 0, 1, &P::incubated_exit_multiplier,
       "Multiplies an incubated firm's background exit hazard (sme_exit_rate) for incubation_quarters; "
       "founders weigh the survival it buys, times their firm's valuation at birth, against the fee. "
       "Assumption"},
      {"researcher_mobility_rate", "researchers/quarter", 0.02, 0, 100, &P::researcher_mobility_rate,
       "Researchers per lab and quarter moving to a firm of the lab's region and field (industry professors, "
       "产业教授; an industry_professor instrument multiplies it). Seed 000 names the mechanism; value "
       "assumed"},
      {"tacit_knowledge_bonus", "logit", 0.5, 0, 10, &P::tacit_knowledge_bonus,
       "Tacit knowledge a moved researcher brings to the receiving firm, on the logit of success of its "
       "development steps (decays at tacit_knowledge_decay; at most 3 times the bonus). Seed 000; value "
       "assumed"},
      {"tacit_knowledge_decay", "1/quarter", 0.1, 0, 1, &P::tacit_knowledge_decay,
       "Quarterly decay of a firm's tacit-knowledge bonus and of a lab's industry ties. Assumption"},
      {"mobility_match_effect", "1", 0.2, 0, 10, &P::mobility_match_effect,
       "Rise of a lab's matching rate per researcher it has placed in industry (industry ties, decaying). "
       "Assumption"},
      {"reward_anticipation_share", "1/quarter", 0.25, 0, 1, &P::reward_anticipation_share,
       "Share of an anticipated ex-post reward (以奖代补) a firm adds each quarter to the development budget "
       "of each result one stage short of the rewarded stage. Assumption"},
      {"thematic_bond_coupon_per_quarter", "1/quarter", 0.01, 0, 1, &P::thematic_bond_coupon_per_quarter,
       "Coupon of a thematic bond (before the instrument's coupon subsidy). Assumption (about 4% a year)"},
      {"rd_tax_elasticity", "1", 1.0, 0, 10, &P::rd_tax_elasticity,
       "Elasticity of firm R&D to its after-tax cost. Assumption (literature 0.5-1.5)"},
  };
  return table;
}

void declare_parameters(sim::ObjectSpec& section) {
  for (const auto& p : integer_parameters()) {
    section.integer(p.name, p.unit, p.description)
        .default_value(p.default_value)
        .between(static_cast<double>(p.minimum), static_cast<double>(p.maximum));
  }
  for (const auto& p : real_parameters()) {
    section.real(p.name, p.unit, p.description).default_value(p.default_value).between(p.minimum, p.maximum);
  }

  section
      .object("initial_state",
              "How the economy at step 0 is made: the set-up's agents (no results, loans or holdings yet), "
              "then a spin-up under baseline rules, so that step 0 is a settled economy")
      .integer("spin_up_quarters", "quarters",
               "Quarters the model runs before step 0, not written to the output: no instrument is "
               "active, demand and the wage level are held at their step-0 values, and results, patents, "
               "licences, loans, capacity, ladder tiers and funds' holdings build up (docs/MODEL.md, "
               "section 3.1; 80 is enough for the national baseline's targets to settle)")
      .default_value(std::int64_t{0})
      .between(0, 1000);
  declare_keys(section.map_of_objects("fields",
                                      "Industries by name (empty: clean_energy supply-led, ai "
                                      "demand-iteration, new_materials demand-pull)"),
               field_keys());
  declare_field_links(section);
  declare_demand_pull(section);
  declare_keys(section.map_of_objects(
                   "regions", "Regions by name (empty: one region 'national' with the defaults below)"),
               region_keys());
  declare_region_links(section);

  section
      .real("mix_total_budget_yuan", "yuan",
            "Total budget of the funding mix, shared among the policies that give a mix_share (each is "
            "given mix_share × this as its budget_yuan), so variants that differ only in their shares "
            "spend the same; 0: no mix")
      .default_value(0.0)
      .at_least(0);
  auto& policy = section.list_of_objects(
      "policies",
      "The policy timeline: instruments with start, end, budget, targeting and the keys of their type");
  // A `base:` variant's policies merge with the base's by name (docs/experiments.md).
  policy.keyed_by("name");
  policy
      .choice("type", policy_type_names(),
              "Instrument; its own keys are listed below by type (docs/MODEL.md describes each)")
      .required();
  declare_keys(policy, policy_keys());
  // Targeting: names and choices the reading turns into indices (-1: any).
  policy.text("region", "Targeted region ('' = all)").default_value(std::string(""));
  policy.text("field", "Targeted field ('' = all)").default_value(std::string(""));
  policy.choice("agent_kind", {"any", "university", "institute", "lead_firm", "sme"}, "Targeted agent kind")
      .default_value(std::string("any"));
  policy.integer("tier", "tier", "Targeted SME tier (-1 = any)")
      .default_value(std::int64_t{-1})
      .between(-1, 4);
  policy
      .choice("stage", {"any", "research", "development", "commercialization", "industrialization"},
              "Targeted result stage; ex_post_reward: the stage whose reaching is rewarded (any = "
              "industrialization)")
      .default_value(std::string("any"));
  // Each type's own keys (policy.risk_pool.loss_share); the shared keys of the old form name the
  // key that replaced them.
  const auto& types = policy_type_names();
  for (std::size_t i = 0; i < instrument_blocks().size(); ++i) {
    const InstrumentBlock& instrument = instrument_blocks()[i];
    if (static_cast<std::size_t>(instrument.type) != i) {
      throw std::logic_error("instrument_blocks(): entry " + std::to_string(i) + " is not of type " +
                             types[i]);
    }
    sim::ObjectSpec& keys = policy.variant("type", types[i], instrument.description);
    for (const auto& [old_key, new_key] : instrument.renamed) keys.renamed(old_key, new_key);
    instrument.declare(keys);
  }
}

namespace {

// A policy's optional target (region or field): empty means every one (-1).
int find_name(const std::vector<std::string>& names, const std::string& name, const std::string& what,
              const std::string& path, const sim::SourceLocation& where,
              std::vector<sim::InputProblem>& problems) {
  if (name.empty()) return -1;
  return index_of_name(names, name, what, path, where, problems);
}

int index_of_choice(const std::vector<std::string>& choices, const std::string& value) {
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (choices[i] == value) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

Parameters read_parameters(const sim::Config& config) {
  Parameters p;
  for (const auto& q : integer_parameters())
    p.*(q.member) = config.integer(std::string("ecosystem.") + q.name);
  for (const auto& q : real_parameters()) p.*(q.member) = config.real(std::string("ecosystem.") + q.name);
  p.steps_horizon = config.integer("steps");
  p.spin_up_quarters = config.integer("ecosystem.initial_state.spin_up_quarters");

  for (const auto& entry : config.node("ecosystem.fields")) {
    FieldSpec f;
    f.name = entry.first.as<std::string>();
    read_keys(entry.second, f, field_keys());
    p.fields.push_back(f);
  }
  if (p.fields.empty()) {
    p.fields = {{"clean_energy", "supply_led", 1.0, 0.015, {}},
                {"ai", "demand_iteration", 1.0, 0.02, {}},
                {"new_materials", "demand_pull", 1.0, 0.012, {}}};
  }
  for (auto& f : p.fields) f.coefficients = pattern_by_name(f.pattern);

  for (const auto& entry : config.node("ecosystem.regions")) {
    RegionSpec r;
    r.name = entry.first.as<std::string>();
    read_keys(entry.second, r, region_keys());
    p.regions.push_back(r);
  }
  if (p.regions.empty()) {
    p.regions.push_back(with_defaults(region_keys()));
    p.regions.back().name = "national";
  }

  std::vector<std::string> region_names, field_names;
  for (const auto& r : p.regions) region_names.push_back(r.name);
  for (const auto& f : p.fields) field_names.push_back(f.name);
  std::vector<sim::InputProblem> problems;
  p.field_links = read_field_links(config, field_names, problems);
  p.demand_pull = read_demand_pull(config, field_names, problems);
  p.region_links = read_region_links(config, region_names, problems);
  // Results store their field and region as 16-bit codes.
  if (p.fields.size() > kMaxFields) {
    problems.push_back(
        {config.location("ecosystem.fields"),
         fmt::format("'ecosystem.fields' defines {} fields; at most {} are supported: merge fields "
                     "into broader industries",
                     p.fields.size(), kMaxFields)});
  }
  if (p.regions.size() > kMaxRegions) {
    problems.push_back({config.location("ecosystem.regions"),
                        fmt::format("'ecosystem.regions' defines {} regions; at most {} are supported: merge "
                                    "regions into larger ones",
                                    p.regions.size(), kMaxRegions)});
  }
  const auto policies = config.node("ecosystem.policies");
  for (std::size_t i = 0; i < policies.size(); ++i) {
    const auto& n = policies[i];
    const std::string path = fmt::format("ecosystem.policies[{}]", i);
    // Where each key of this policy was written (file:line:column), for messages.
    const auto where = [&](const char* key) {
      return config.location(fmt::format("ecosystem.policies.{}.{}", i, key));
    };
    PolicySpec s;
    s.type = static_cast<PolicyType>(index_of_choice(policy_type_names(), n["type"].as<std::string>()));
    read_keys(n, s, policy_keys());
    if (s.name.empty()) s.name = n["type"].as<std::string>();
    if (s.end_step == 0) s.end_step = p.steps_horizon;
    if (s.start_step > p.steps_horizon) {
      problems.push_back(
          {where("start_step"),
           fmt::format("'{}.start_step' is {}, after the last step of the run ({}); the policy "
                       "would never act: lower start_step or raise steps",
                       path, s.start_step, p.steps_horizon)});
    }
    if (s.end_step > p.steps_horizon) {
      problems.push_back({where("end_step"),
                          fmt::format("'{}.end_step' is {}, after the last step of the run ({}); use 0 for "
                                      "'until the end'",
                                      path, s.end_step, p.steps_horizon)});
    }
    if (n["end_step"].as<std::int64_t>() != 0 && s.end_step < s.start_step) {
      problems.push_back({where("end_step"), fmt::format("'{}.end_step' ({}) is before its start_step ({})",
                                                         path, s.end_step, s.start_step)});
    }
    s.region = find_name(region_names, n["region"].as<std::string>(), "region", path + ".region",
                         where("region"), problems);
    s.field = find_name(field_names, n["field"].as<std::string>(), "field", path + ".field", where("field"),
                        problems);
    s.agent_kind =
        index_of_choice({"university", "institute", "lead_firm", "sme"}, n["agent_kind"].as<std::string>());
    s.tier = static_cast<int>(n["tier"].as<std::int64_t>());
    s.stage = index_of_choice({"research", "development", "commercialization", "industrialization"},
                              n["stage"].as<std::string>());
    instrument_blocks()[static_cast<std::size_t>(s.type)].read(n, s);
    s.matching_service.screen_region =
        find_name(region_names, s.matching_service.screen_for_region, "region", path + ".screen_for_region",
                  where("screen_for_region"), problems);
    // Paper evaluation has no milestones: a multiplier given for them would be silently ignored.
    if (const auto written = where("milestone_multiplier");
        s.type == PolicyType::rd_grant && s.rd_grant.evaluation == "paper" &&
        (written.line > 0 || written.origin.rfind("--set", 0) == 0)) {
      problems.push_back({written, fmt::format("'{}.milestone_multiplier' applies only under evaluation: "
                                               "milestone, and this grant's evaluation is paper: remove "
                                               "milestone_multiplier or set evaluation: milestone",
                                               path)});
    }
    p.policies.push_back(s);
  }
  apply_funding_mix(config.real("ecosystem.mix_total_budget_yuan"), config, p.policies, problems);
  // One message per problem, in the order they were written.
  std::stable_sort(problems.begin(), problems.end(),
                   [](const sim::InputProblem& a, const sim::InputProblem& b) {
                     return std::tie(a.where.origin, a.where.line, a.where.column) <
                            std::tie(b.where.origin, b.where.line, b.where.column);
                   });
  if (!problems.empty()) throw sim::InputError(problems);
  return p;
}

}  // namespace models::ecosystem
