// Metrics and event tables.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "models/ecosystem/draws.hpp"
#include "models/ecosystem/ecosystem.hpp"
#include "sim/core/parallel.hpp"

namespace models::ecosystem {

// Members of active consortia by layer (lead firms, which set the problems, are in neither).
struct ConsortiumLayers {
  std::int64_t core = 0, general = 0;
};
static ConsortiumLayers consortium_layers(const Labs& labs, const Firms& firms) {
  ConsortiumLayers layers;
  auto count = [&](std::int64_t id, std::uint8_t general) {
    if (id < 0) return;
    (general != 0 ? layers.general : layers.core) += 1;
  };
  for (std::size_t i = 0; i < labs.size(); ++i) count(labs.consortium[i], labs.consortium_general[i]);
  for (std::size_t i = 0; i < firms.size(); ++i)
    if (firms.kind[i] == kSme) count(firms.consortium[i], firms.consortium_general[i]);
  return layers;
}

// Money flows by region pair (regions linked), only with two or more regions: for each ordered pair
// (from, to), the diagonal included, the licence fees and the VC that regions^2 x 2 series hold.
static std::vector<sim::MetricInfo> region_pair_metrics(const std::vector<RegionSpec>& regions) {
  std::vector<sim::MetricInfo> m;
  if (regions.size() < 2) return m;
  for (const RegionSpec& from : regions) {
    for (const RegionSpec& to : regions) {
      const std::string pair = "region_flow." + from.name + "." + to.name;
      m.push_back({pair + ".licence_yuan", "yuan/quarter",
                   "Licence and assignment fees firms of region '" + from.name + "' paid labs of region '" +
                       to.name + "' (money flows from the licensee's region to the lab's)"});
      m.push_back({pair + ".vc_yuan", "yuan/quarter",
                   "VC tickets funds of region '" + from.name + "' invested in SMEs of region '" + to.name +
                       "' (the off-diagonal pairs sum to cross_region_vc_yuan)"});
    }
  }
  return m;
}

// The values of region_pair_metrics, in its order.
static void measure_region_pairs(const RegionPairFlows& flows, std::size_t regions, std::span<double> values,
                                 std::size_t& k) {
  if (regions < 2) return;
  for (std::size_t pair = 0; pair < regions * regions; ++pair) {
    values[k++] = flows.licence_yuan[pair];
    values[k++] = flows.vc_yuan[pair];
  }
}

std::vector<sim::MetricInfo> EcosystemModel::metrics() const {
  std::vector<sim::MetricInfo> m = {
      {"rd_share_enterprises", "1", "R&D spending performed by firms / total R&D spending"},
      {"rd_share_institutes", "1", "R&D spending performed by research institutes / total"},
      {"rd_share_universities", "1", "R&D spending performed by universities / total"},
      {"basic_research_share", "1", "Basic research spending / total R&D spending"},
      {"patent_industrialization_rate", "1", "Share of live invention patents in industrial use"},
      {"patent_industrialization_rate_universities", "1", "The same for patents originating in universities"},
      {"patent_industrialization_rate_institutes", "1", "The same for patents originating in institutes"},
      {"rd_spending_total", "yuan/quarter", "R&D spending of all performers in the quarter"},
      {"value_added", "yuan/quarter", "Value added of all firms in the quarter"},
      {"rd_intensity", "1", "R&D spending / value added"},
      {"results_by_stage_research", "results", "Live results at TRL 1-3"},
      {"results_by_stage_development", "results", "Live results at TRL 4-6"},
      {"results_by_stage_commercialization", "results", "Live results at TRL 7-8"},
      {"results_by_stage_industrialization", "results", "Live results at TRL 9"},
      {"results_applied_share", "1",
       "Results that reached commercialization (applied in production) / results created, cumulative"},
      {"applied_industrialized_share", "1",
       "Results that reached industrialization / results that reached commercialization, cumulative"},
      {"pilot_verified_conversion_rate", "1",
       "Of verified results that left development, the share that reached commercialization (cumulative)"},
      {"unverified_conversion_rate", "1", "The same for unverified results"},
      {"pilot_utilization", "1", "Pilot slots used / slots offered in the quarter"},
      {"patents_live", "patents", "Live invention patents"},
      {"patents_in_use", "patents", "Live invention patents in industrial use"},
      {"sme_count", "firms", "SMEs"},
  };
  for (const char* tier : kTierNames)
    m.push_back({std::string("sme_count_") + tier, "firms", std::string("SMEs in tier ") + tier});
  const std::vector<sim::MetricInfo> rest = {
      {"sme_births", "firms/quarter", "New SMEs incl. spin-outs"},
      {"sme_deaths", "firms/quarter", "SME exits"},
      {"spinouts", "firms/quarter", "Spin-outs from labs"},
      {"vc_invested", "yuan/quarter", "VC investment in the quarter"},
      {"guidance_fund_leverage", "1",
       "Leverage realised: capital paid into guidance sub-funds (public and private) / public money paid in "
       "(0 without a guidance fund or its money)"},
      {"bank_loans_outstanding", "yuan", "Bank loans to SMEs outstanding"},
      {"loan_default_rate", "1/quarter", "Defaults in the quarter / loans outstanding"},
      {"risk_pool_paid", "yuan/quarter", "Risk-compensation pool payments to banks"},
      {"first_unit_insurance_takeup", "1", "First-of-a-kind insurance taken / offered in the quarter"},
      {"procurement_spend", "yuan/quarter", "Public procurement of new products"},
      {"consortia_count", "consortia", "Active innovation consortia"},
      {"consortium_core_members", "agents",
       "Labs and SMEs in the core layer (紧密合作层) of active consortia: they pay the matching money"},
      {"consortium_general_members", "agents",
       "Labs and SMEs in the general layer (一般协作层) of active consortia: they pay nothing, weaker tie"},
      {"government_spending", "yuan/quarter", "Government appropriations and policy payouts in the quarter"},
      {"money_total", "yuan", "Money held by all agents (= injected - sunk)"},
      {"ledger_residual", "yuan", "Sum of all account balances (0 when money is conserved)"},
      {"licences", "deals/quarter", "Licences, assignments and spin-outs of lab results"},
      {"cross_field_licences", "deals/quarter",
       "Of the licences and assignments, those to a firm of another field than the result's, through "
       "technology proximity (ecosystem.field_links)"},
      {"cross_region_deals", "deals/quarter",
       "Of the licences and assignments, those whose lab and firm are in different regions (deal search "
       "beyond the lab's region, weighted by ecosystem.region_links; consortium partners included)"},
      {"cross_region_vc_yuan", "yuan/quarter",
       "VC tickets invested in SMEs outside the fund's region (screening beyond the fund's region, "
       "weighted by ecosystem.region_links)"},
      {"intermediate_demand_yuan", "yuan/quarter",
       "Demand pulled along the industrial chain: what the new products of industrialised results need "
       "of the supplying fields, (I - A)^-1 f - f summed over fields (ecosystem.field_links)"},
      {"new_product_demand_yuan", "yuan/quarter",
       "What customers buy of the new products of results in use (after the market's share): the final "
       "demand "
       "that pulls intermediate_demand_yuan along the industrial chain (ecosystem.field_links)"},
      {"topic_shifts", "labs/quarter",
       "Labs that changed field in the quarter, towards fields with posted needs (ecosystem.demand_pull)"},
      {"posted_demand_yuan", "yuan",
       "Rewards of firms' open posted needs (需求包, 出题) held in escrow at the quarter's end "
       "(ecosystem.demand_pull)"},
      {"demand_pulled_deals", "deals/quarter",
       "Lab results assigned to the firm whose posted need they answered, the reward paid; also counted "
       "in licences (ecosystem.demand_pull)"},
      {"government_equity", "yuan", "Grants converted to equity (grant-to-equity), cumulative"},
      {"results_alive", "results", "Live results"},
      {"firm_revenue_total", "yuan/quarter", "Revenue of all firms"},
      {"patent_industrialization_rate_firms", "1",
       "Share of live invention patents originating in firms that are in use"},
      {"patent_share_universities", "1", "Share of live invention patents originating in universities"},
      {"patent_share_institutes", "1", "Share of live invention patents originating in institutes"},
      {"pilot_verifications", "results/quarter", "Results verified on pilot platforms in the quarter"},
      {"brokered_deals", "deals/quarter", "Lab deals closed through tech transfer offices and brokers"},
      {"transfer_office_utilization", "1",
       "Deals closed by transfer offices / their capacity in the quarter"},
      {"expert_service_firms_served", "firms/quarter", "SMEs served by expert services"},
      {"incubator_births", "firms/quarter",
       "New SMEs founded in incubators and maker spaces: founders who took a place that fees and "
       "incubator_support paid for (incubate_firms)"},
      {"incubator_utilization", "1",
       "Firms taken in by incubators / their places (incubator_capacity summed) in the quarter; 1: "
       "every place taken (physical capacity binds)"},
      {"researchers_moved", "researchers/quarter",
       "Researchers moving from labs to firms (industry professors, talent mobility)"},
      {"cross_region_researcher_moves", "researchers/quarter",
       "Researchers moving from labs to firms of another region (researcher_cross_region_share of the "
       "lab's region or of region_links); part of researchers_moved"},
      {"ex_post_rewards_paid", "yuan/quarter", "Ex-post rewards (以奖代补) paid to firms"},
      {"thematic_bonds_outstanding", "yuan", "Principal of thematic bonds outstanding"},
      {"thematic_bonds_issued", "yuan/quarter", "Principal of thematic bonds issued in the quarter"},
      {"thematic_bond_defaults", "bonds/quarter", "Thematic bonds defaulted in the quarter"},
      {"pilot_platforms_underused", "1",
       "Share of pilot platforms using less than half of their slots in the quarter (built but unused)"},
      {"investment", "yuan/quarter", "Firms' capital spending on productive capacity"},
      {"capital_stock", "yuan", "Firms' productive capital, at step-0 prices"},
      {"sme_investment", "yuan/quarter", "SMEs' capital spending on productive capacity"},
      {"sme_capital_stock", "yuan", "SMEs' productive capital, at step-0 prices"},
      {"sme_revenue_total", "yuan/quarter", "Revenue of all SMEs"},
      {"capacity_utilization", "1", "Firms' sales / the sales their capital could make"},
      {"revenue_to_market", "1", "Firms' sales / what the fields' markets can pay (size x demand index)"},
      {"demand_to_market", "1",
       "What customers asked of firms / what the fields' markets can pay (above 1: firms share the market)"},
      {"employees_total", "persons", "Employees of all firms"},
      {"labour_productivity", "yuan/person/quarter", "Firms' revenue per employee"},
      {"wage_level", "1", "Wage and price level (1 at step 0)"},
      {"sme_count_specialised", "firms", "SMEs with the 专精特新 status (little giants included)"},
      {"sme_count_little_giant", "firms", "SMEs with the 小巨人 (little giant) status"},
      {"tier_promotions", "firms/quarter", "SMEs moving up the ladder in the quarter"},
      {"tier_demotions", "firms/quarter", "SMEs losing a rung (a recognition that failed its review)"},
      {"exits_ipo", "firms/quarter", "Listings (IPOs) in the quarter"},
      {"exits_trade_sale", "holdings/quarter", "VC holdings sold to acquirers in the quarter"},
      {"exits_write_off", "holdings/quarter", "VC holdings written off as their firm exits"},
      {"vc_exit_proceeds", "yuan/quarter", "Money VC funds received from listings and trade sales"},
      {"vc_holdings_at_cost", "yuan", "VC funds' holdings in firms at cost, not yet exited"},
      {"government_equity_outstanding", "yuan",
       "The government's equity: grant-to-equity stakes at firms' valuations and its share of guidance "
       "sub-funds (cash and holdings at cost)"},
      {"government_equity_returned", "yuan/quarter",
       "Money returned to instruments from the government's equity (stakes sold, sub-funds closed)"},
      {"concept_verification_requests", "results/quarter",
       "Holders of results at TRL 3 asking a concept-verification centre (their fee against the gain they "
       "expect)"},
      {"concept_verifications", "results/quarter",
       "Results verified by concept-verification centres in the quarter (moved to TRL 4 or dropped)"},
      {"concept_verification_drops", "results/quarter",
       "Verified results revealed weak and dropped in the quarter (concept_verification_quality_threshold)"},
      {"new_type_institute_deals", "deals/quarter",
       "Licences, assignments and spin-outs of results of new-type R&D institutions (新型研发机构)"},
      {"new_type_institute_contract_income", "yuan/quarter",
       "Contract research lead firms paid new-type R&D institutions in the quarter"},
      {"screened_deals", "deals/quarter",
       "Licences and assignments of results that transfer offices screened for the firms of another "
       "region (matching_service screen_for_region, seed 003), paid per deal by the service"},
  };
  m.insert(m.end(), rest.begin(), rest.end());
  for (const FieldSpec& field : p_.fields)
    m.push_back({"intermediate_demand_yuan." + field.name, "yuan/quarter",
                 "Demand pulled along the industrial chain for the products of field '" + field.name +
                     "' (a supplier of the others' new products): its part of intermediate_demand_yuan "
                     "(ecosystem.field_links)"});
  const auto pairs = region_pair_metrics(p_.regions);
  m.insert(m.end(), pairs.begin(), pairs.end());
  const auto instruments = instrument_metrics(p_.policies);
  m.insert(m.end(), instruments.begin(), instruments.end());
  return m;
}

void EcosystemModel::measure(std::span<double> values) const {
  const double rd_total =
      flows_.rd_spending[0] + flows_.rd_spending[1] + flows_.rd_spending[2] + flows_.rd_spending[3];
  auto share = [](double a, double b) { return b > 0 ? a / b : 0.0; };
  const std::size_t n = results_.size();
  struct PatentCounts {
    std::array<std::int64_t, kPerformers> live{}, used{};
    std::array<std::int64_t, kStages> by_stage{};
    PatentCounts& operator+=(const PatentCounts& o) {
      for (int k = 0; k < kPerformers; ++k) live[k] += o.live[k], used[k] += o.used[k];
      for (int k = 0; k < kStages; ++k) by_stage[k] += o.by_stage[k];
      return *this;
    }
  };
  const auto counts = sim::deterministic_accumulate<PatentCounts>(n, [&](PatentCounts& c, std::size_t i) {
    c.by_stage[results_.stage[i] < kStages ? results_.stage[i] : 0] += 1;
    if (results_.ip_status[i] != kUnprotected) {
      c.live[results_.origin[i]] += 1;
      c.used[results_.origin[i]] += results_.is_in_use[i];
    }
  });
  const auto live = counts.live[0] + counts.live[1] + counts.live[2] + counts.live[3];
  const auto used = counts.used[0] + counts.used[1] + counts.used[2] + counts.used[3];
  struct FirmCounts {
    std::array<std::int64_t, kTiers> tiers{};
    std::int64_t smes = 0, loans = 0, specialised = 0, little_giants = 0;
    // Summed in chunk order (sim/core/parallel.hpp): the same on any thread count.
    double revenue = 0, bonds = 0, capital = 0, employees = 0, government_stakes = 0;
    double sme_revenue = 0, sme_capital = 0, sme_investment = 0;
    FirmCounts& operator+=(const FirmCounts& o) {
      for (std::size_t t = 0; t < tiers.size(); ++t) tiers[t] += o.tiers[t];
      smes += o.smes, loans += o.loans, revenue += o.revenue, bonds += o.bonds;
      specialised += o.specialised, little_giants += o.little_giants;
      capital += o.capital, employees += o.employees, government_stakes += o.government_stakes;
      sme_revenue += o.sme_revenue, sme_capital += o.sme_capital, sme_investment += o.sme_investment;
      return *this;
    }
  };
  const auto firms =
      sim::deterministic_accumulate<FirmCounts>(firms_.size(), [&](FirmCounts& c, std::size_t i) {
        c.revenue += firms_.revenue[i];
        c.bonds += firms_.thematic_bond[i];
        c.capital += firms_.capital[i];
        c.employees += firms_.employees[i];
        c.government_stakes += firms_.government_stake[i] * firms_.valuation[i];
        if (firms_.kind[i] != kSme) return;
        ++c.smes;
        c.sme_revenue += firms_.revenue[i];
        c.sme_capital += firms_.capital[i];
        c.sme_investment += firms_.investment[i];
        c.tiers[static_cast<std::size_t>(firms_.tier[i])] += 1;
        c.specialised += (firms_.status[i] & kSpecialised) ? 1 : 0;
        c.little_giants += (firms_.status[i] & kLittleGiant) ? 1 : 0;
        if (firms_.loan[i] > 0) ++c.loans;
      });
  const auto& [tiers, smes, loans, specialised, little_giants, revenue, bonds, capital, employees,
               government_stakes, sme_revenue, sme_capital, sme_investment] = firms;
  double outstanding = 0;
  for (std::size_t b = 0; b < banks_.size(); ++b) outstanding += banks_.loans_outstanding[b];
  std::size_t k = 0;
  values[k++] = share(flows_.rd_spending[kLeadFirm] + flows_.rd_spending[kSme], rd_total);
  values[k++] = share(flows_.rd_spending[kInstitute], rd_total);
  values[k++] = share(flows_.rd_spending[kUniversity], rd_total);
  values[k++] = share(flows_.basic_spending, rd_total);
  values[k++] = share(static_cast<double>(used), static_cast<double>(live));
  values[k++] =
      share(static_cast<double>(counts.used[kUniversity]), static_cast<double>(counts.live[kUniversity]));
  values[k++] =
      share(static_cast<double>(counts.used[kInstitute]), static_cast<double>(counts.live[kInstitute]));
  values[k++] = rd_total;
  values[k++] = flows_.value_added;
  values[k++] = share(rd_total, flows_.value_added);
  for (int s = 0; s < kStages; ++s)
    values[k++] = static_cast<double>(counts.by_stage[static_cast<std::size_t>(s)]);
  values[k++] = share(static_cast<double>(totals_.reached_commercialization),
                      static_cast<double>(totals_.results_created));
  values[k++] = share(static_cast<double>(totals_.reached_industrialization),
                      static_cast<double>(totals_.reached_commercialization));
  values[k++] = share(static_cast<double>(totals_.converted_verified),
                      static_cast<double>(totals_.left_development_verified));
  values[k++] = share(static_cast<double>(totals_.converted_unverified),
                      static_cast<double>(totals_.left_development_unverified));
  values[k++] = share(static_cast<double>(flows_.pilot_served), static_cast<double>(flows_.pilot_capacity));
  values[k++] = static_cast<double>(live);
  values[k++] = static_cast<double>(used);
  values[k++] = static_cast<double>(smes);
  for (int t = 0; t < kTiers; ++t) values[k++] = static_cast<double>(tiers[static_cast<std::size_t>(t)]);
  values[k++] = static_cast<double>(flows_.sme_births);
  values[k++] = static_cast<double>(flows_.sme_deaths);
  values[k++] = static_cast<double>(flows_.spinouts);
  values[k++] = flows_.vc_invested;
  values[k++] = share(totals_.guidance_subfund_yuan, totals_.guidance_government_yuan);
  values[k++] = outstanding;
  values[k++] =
      share(static_cast<double>(flows_.loans_defaulted), static_cast<double>(loans + flows_.loans_defaulted));
  values[k++] = flows_.risk_pool_paid;
  values[k++] =
      share(static_cast<double>(flows_.insurance_taken), static_cast<double>(flows_.insurance_offered));
  values[k++] = flows_.procurement_spend;
  values[k++] = static_cast<double>(consortia_count_);
  const ConsortiumLayers layers = consortium_layers(labs_, firms_);
  values[k++] = static_cast<double>(layers.core);
  values[k++] = static_cast<double>(layers.general);
  values[k++] = flows_.government_spending;
  const sim::Ledger::Totals money = ledger_.totals();
  values[k++] = to_yuan(money.held);
  values[k++] = to_yuan(money.held - money.injected + money.sunk);
  values[k++] = static_cast<double>(flows_.licences);
  values[k++] = static_cast<double>(flows_.cross_field_licences);
  values[k++] = static_cast<double>(flows_.cross_region_deals);
  values[k++] = flows_.cross_region_vc_yuan;
  values[k++] = flows_.intermediate_demand;
  values[k++] = flows_.new_product_demand;
  values[k++] = static_cast<double>(flows_.topic_shifts);
  values[k++] = accounts_.posted_needs >= 0
                    ? to_yuan(ledger_.balance(static_cast<sim::AccountId>(accounts_.posted_needs)))
                    : 0.0;
  values[k++] = static_cast<double>(flows_.demand_pulled_deals);
  values[k++] = totals_.government_equity_yuan;
  values[k++] = static_cast<double>(n);
  values[k++] = revenue;
  values[k++] = share(static_cast<double>(counts.used[kLeadFirm] + counts.used[kSme]),
                      static_cast<double>(counts.live[kLeadFirm] + counts.live[kSme]));
  values[k++] = share(static_cast<double>(counts.live[kUniversity]), static_cast<double>(live));
  values[k++] = share(static_cast<double>(counts.live[kInstitute]), static_cast<double>(live));
  values[k++] = static_cast<double>(flows_.pilot_served);
  values[k++] = static_cast<double>(flows_.brokered_deals);
  values[k++] =
      share(static_cast<double>(flows_.brokered_deals), static_cast<double>(flows_.broker_capacity));
  values[k++] = static_cast<double>(flows_.expert_firms_served);
  values[k++] = static_cast<double>(flows_.incubator_births);
  values[k++] =
      share(static_cast<double>(flows_.incubator_births), static_cast<double>(flows_.incubator_places));
  values[k++] = static_cast<double>(flows_.researchers_moved);
  values[k++] = static_cast<double>(flows_.cross_region_researcher_moves);
  values[k++] = flows_.ex_post_rewards_paid;
  values[k++] = bonds;
  values[k++] = flows_.thematic_bonds_issued;
  values[k++] = static_cast<double>(flows_.thematic_bond_defaults);
  std::int64_t underused = 0;
  for (std::size_t p = 0; p < platforms_.effective_slots.size() && p < platforms_.size(); ++p) {
    if (2 * platforms_.served[p] < platforms_.effective_slots[p]) ++underused;
  }
  values[k++] = share(static_cast<double>(underused), static_cast<double>(platforms_.size()));
  double market = 0;
  for (std::size_t f = 0; f < markets_.size.size(); ++f)
    market += markets_.size[f] * markets_.demand_index[f];
  double at_cost = 0, government_in_funds = 0;
  for (std::size_t f = 0; f < funds_.size(); ++f) {
    at_cost += funds_.invested[f];
    government_in_funds +=
        funds_.government_share[f] *
        (to_yuan(ledger_.balance(static_cast<sim::AccountId>(funds_.account[f]))) + funds_.invested[f]);
  }
  values[k++] = flows_.investment;
  values[k++] = capital;
  values[k++] = sme_investment;
  values[k++] = sme_capital;
  values[k++] = sme_revenue;
  values[k++] = share(flows_.sales, flows_.capacity);
  values[k++] = share(flows_.sales, market);
  values[k++] = share(flows_.demand, market);
  values[k++] = employees;
  values[k++] = share(revenue, employees);
  values[k++] = markets_.wage_level;
  values[k++] = static_cast<double>(specialised);
  values[k++] = static_cast<double>(little_giants);
  values[k++] = static_cast<double>(flows_.promotions);
  values[k++] = static_cast<double>(flows_.demotions);
  values[k++] = static_cast<double>(flows_.ipos);
  values[k++] = static_cast<double>(flows_.trade_sales);
  values[k++] = static_cast<double>(flows_.write_offs);
  values[k++] = flows_.vc_exit_proceeds;
  values[k++] = at_cost;
  values[k++] = government_stakes + government_in_funds;
  values[k++] = flows_.government_equity_returned;
  values[k++] = static_cast<double>(flows_.concept_verification_requests);
  values[k++] = static_cast<double>(flows_.concept_verifications);
  values[k++] = static_cast<double>(flows_.concept_verification_drops);
  values[k++] = static_cast<double>(flows_.new_type_institute_deals);
  values[k++] = flows_.new_type_contract_income;
  values[k++] = static_cast<double>(flows_.screened_deals);
  for (std::size_t f = 0; f < p_.fields.size(); ++f)
    values[k++] = f < markets_.intermediate_demand.size() ? markets_.intermediate_demand[f] : 0.0;
  measure_region_pairs(region_flows_, p_.regions.size(), values, k);
  for (std::size_t policy = 0; policy < p_.policies.size(); ++policy) {
    values[k++] = to_yuan(instrument_accounts_.committed(policy));
    values[k++] = to_yuan(instrument_accounts_.spent(policy));
    values[k++] = to_yuan(instrument_accounts_.returned(policy));
    values[k++] = to_yuan(ledger_.balance(
        static_cast<sim::AccountId>(accounts_.first_policy_account + static_cast<std::int64_t>(policy))));
    values[k++] = static_cast<double>(instrument_accounts_.beneficiaries(policy));
  }
}

double EcosystemModel::metric(const std::string& name) const {
  const auto infos = metrics();
  std::vector<double> values(infos.size());
  measure(values);
  for (std::size_t m = 0; m < infos.size(); ++m) {
    if (infos[m].name == name) return values[m];
  }
  throw std::logic_error("ecosystem: no metric '" + name + "'");
}

std::vector<const sim::Population*> EcosystemModel::populations() const {
  return {&firms_.population,          &labs_.population,  &results_.population, &platforms_.population,
          &intermediaries_.population, &funds_.population, &banks_.population};
}

std::size_t EcosystemModel::agent_count() const {
  return results_.size() + firms_.size() + labs_.size() + platforms_.size() + intermediaries_.size() +
         funds_.size() + banks_.size();
}

std::vector<std::pair<std::string, sim::TableRows>> EcosystemModel::take_events() {
  const auto replicate = static_cast<std::int64_t>(streams_.replicate());
  sim::TableRows transitions{replicate, step_, {}, {}};
  // Small codes as bytes: a full-scale run writes over a million transitions a step, and on two
  // cores compressing them competes with the model for CPU. to_stage needs a sign (-1: died).
  std::vector<std::uint8_t> from, trl, origin, verified;
  std::vector<std::int8_t> to;
  std::vector<std::int16_t> field;
  for (const auto& e : events_.transitions) {
    transitions.ids.push_back(e.result);
    from.push_back(e.from_stage);
    to.push_back(e.to_stage == kDeadStage ? std::int8_t{-1} : static_cast<std::int8_t>(e.to_stage));
    trl.push_back(e.trl);
    origin.push_back(e.origin);
    field.push_back(e.field);
    verified.push_back(e.is_verified);
  }
  transitions.columns = {{"from_stage", "stage", "Stage before", from},
                         {"to_stage", "stage", "Stage after (-1: the result died)", to},
                         {"trl", "TRL", "TRL after", trl},
                         {"origin", "kind", "Performer that produced the result", origin},
                         {"field", "index", "Field", field},
                         {"is_verified", "flag", "Pilot-verified", verified}};
  sim::TableRows deals{replicate, step_, {}, {}};
  std::vector<std::int32_t> kind;
  std::vector<std::int64_t> buyer, seller, result;
  std::vector<double> amount;
  for (std::size_t d = 0; d < events_.deals.size(); ++d) {
    deals.ids.push_back(events_.deal_ids[d]);
    kind.push_back(events_.deals[d].kind);
    buyer.push_back(events_.deals[d].buyer);
    seller.push_back(events_.deals[d].seller);
    result.push_back(events_.deals[d].result);
    amount.push_back(events_.deals[d].amount_yuan);
  }
  deals.columns = {
      {"kind", "kind", "0 licence, 1 assignment, 2 spin-out, 3 VC investment, 4 loan", kind},
      {"buyer", "id", "Firm (licence, assignment, spin-out), fund (investment) or bank (loan)", buyer},
      {"seller", "id", "Lab (licence, assignment, spin-out) or firm receiving money", seller},
      {"result", "id", "Result (-1 for investments and loans)", result},
      {"amount_yuan", "yuan", "Fee, investment or principal", amount}};
  for (auto& column : transitions.columns) {
    if (column.name == "from_stage" || column.name == "to_stage") column.labels = labels_.stages;
    if (column.name == "origin") column.labels = labels_.performers;
    if (column.name == "field") column.labels = labels_.fields;
  }
  deals.columns.front().labels = labels_.deal_kinds;  // "kind"
  events_.transitions.clear();
  events_.deals.clear();
  events_.deal_ids.clear();
  std::vector<std::pair<std::string, sim::TableRows>> out;
  out.emplace_back("transition", std::move(transitions));
  out.emplace_back("deal", std::move(deals));
  return out;
}

}  // namespace models::ecosystem
