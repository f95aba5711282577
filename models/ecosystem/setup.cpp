// Set-up of a replicate and the births of firms and VC funds.
#include "models/ecosystem/setup.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "models/ecosystem/draws.hpp"
#include "models/ecosystem/stream_purposes.hpp"

namespace models::ecosystem {

void open_fixed_accounts(const Parameters& p, FixedAccounts& accounts, Payments& payments) {
  sim::Ledger& ledger = payments.ledger();
  accounts.regions = static_cast<std::int64_t>(p.regions.size());
  accounts.policies = static_cast<std::int64_t>(p.policies.size());
  accounts.government_budget =
      ledger.open_account({"national government budget (source)", sim::AccountKind::source, true});
  accounts.first_regional_budget = static_cast<std::int64_t>(ledger.account_count());
  for (const auto& region : p.regions) {
    ledger.open_account(
        {"government budget of " + region.name + " (source)", sim::AccountKind::source, true});
  }
  accounts.private_capital =
      ledger.open_account({"private capital (source)", sim::AccountKind::source, true});
  accounts.market = ledger.open_account({"customers (source)", sim::AccountKind::source, true});
  accounts.rd_sink = ledger.open_account({"R&D consumption (sink)", sim::AccountKind::sink, false});
  accounts.costs_sink = ledger.open_account({"operating costs (sink)", sim::AccountKind::sink, false});
  accounts.payout_sink = ledger.open_account({"payouts to owners (sink)", sim::AccountKind::sink, false});
  accounts.losses_sink = ledger.open_account({"losses (sink)", sim::AccountKind::sink, false});
  accounts.inventors_sink = ledger.open_account({"inventors (sink)", sim::AccountKind::sink, false});
  accounts.government = ledger.open_account({"government treasury", sim::AccountKind::holding, false});
  accounts.insurer = ledger.open_account({"first-of-a-kind insurer", sim::AccountKind::holding, false});
  payments.pay(accounts.private_capital, accounts.insurer, p.insurer_capital_yuan);
  accounts.bondholders = ledger.open_account({"thematic bond holders", sim::AccountKind::holding, false});
  accounts.first_policy_account = static_cast<std::int64_t>(ledger.account_count());
  for (const auto& policy : p.policies) {
    ledger.open_account({"policy " + policy.name, sim::AccountKind::holding, false});
  }
  if (p.demand_pull.posts_needs()) {
    accounts.posted_needs = static_cast<std::int64_t>(
        ledger.open_account({"posted needs (escrow)", sim::AccountKind::holding, false}));
  }
  accounts.first_agent_account = static_cast<sim::AccountId>(ledger.account_count());
}

std::size_t FirmBirths::spawn(const FirmSpec& spec, sim::PhiloxStream& rng) {
  const std::size_t i = add_rows(1);
  set_up(i, spec, rng);
  return i;
}

void FirmBirths::set_up(std::size_t i, const FirmSpec& spec, sim::PhiloxStream& rng) {
  firms.kind[i] = spec.kind;
  firms.region[i] = spec.region;
  firms.field[i] = spec.field;
  firms.tier[i] = spec.kind == kLeadFirm ? kListed : kTechSme;
  firms.base_revenue[i] = spec.revenue_yuan;
  firms.revenue[i] = spec.revenue_yuan;
  firms.margin[i] =
      spec.kind == kLeadFirm ? p.operating_margin : p.operating_margin + p.sme_margin_sigma * rng.normal();
  firms.rd_propensity[i] = spec.kind == kLeadFirm
                               ? 1.0
                               : std::exp(p.rd_propensity_sigma * rng.normal() -
                                          0.5 * p.rd_propensity_sigma * p.rd_propensity_sigma);
  firms.employees[i] = spec.revenue_yuan / p.revenue_per_employee_yuan;
  // A firm starts with the capacity it plans for its revenue at demand index 1 (founders bring it;
  // a firm born when demand has grown has to invest to serve it).
  firms.capital[i] = p.capacity_headroom * spec.revenue_yuan / p.output_capital_ratio;
  firms.revenue_trend[i] = spec.revenue_yuan;
  firms.revenue_trend_slow[i] = spec.revenue_yuan;
  firms.valuation[i] = p.valuation_revenue_multiple * 4.0 * spec.revenue_yuan;
  firms.loan_due[i] = 0;
  firms.consortium[i] = -1;
  firms.vc_fund[i] = -1;
  firms.equity_policy[i] = -1;
  firms.repayable_policy[i] = -1;
  firms.incubated_until[i] = kNeverIncubated;  // incubate_firms sets it for the firms it takes in
  firms.account[i] =
      payments.ledger().open_account({fmt::format("firm {}", firms.id(i)), sim::AccountKind::holding, false});
  const double seed =
      spec.kind == kLeadFirm ? spec.revenue_yuan : std::max(p.sme_seed_capital_yuan, spec.revenue_yuan);
  payments.pay(payments.accounts().private_capital, firms.account[i], seed);
  firms.cash[i] = payments.balance(firms.account[i]);
}

std::size_t FirmBirths::add_rows(std::size_t count) {
  const std::size_t first = firms.spawn(count);
  // A firm born inside a step (spin-out) has neutral per-step scratch values until the next step.
  // The per-firm arrays grow by a quarter when full, as the firms' columns do (sim::Population),
  // instead of doubling.
  const std::size_t n = firms.size();
  const auto grow = [&](auto& values, auto neutral) {
    if (values.size() >= n) return;
    if (n > values.capacity()) values.reserve(std::max(n, values.capacity() + values.capacity() / 4));
    values.resize(n, neutral);
  };
  for (auto* v :
       {&incentives.extra_grant, &incentives.consortium_received, &incentives.deduction,
        &incentives.interest_subsidy, &incentives.risk_pool_share, &budgets.basic_spend, &budgets.new_spend,
        &budgets.dev_budget, &budgets.grants_received, &holdings.product_value, &budgets.need}) {
    grow(*v, 0.0);
  }
  grow(holdings.best_quality, -1e9);
  grow(incentives.risk_pool_policy, -1);
  grow(incentives.interest_subsidy_policy, -1);
  grow(incentives.deduction_policy, -1);
  grow(conditions.is_distressed, 0);
  grow(conditions.has_experts, 0);
  grow(incentives.expert_policy, -1);
  grow(holdings.commercializing, 0);
  grow(holdings.patents, 0);
  return first;
}

int pick_field(const Parameters& p, sim::PhiloxStream& rng) {
  double field_weight = 0;
  for (const auto& f : p.fields) field_weight += f.weight;
  const std::size_t n = p.fields.size();
  return static_cast<int>(draw_by_weight(
      n, [&](std::size_t f) { return p.fields[f].weight; }, field_weight, rng, n - 1));
}

// A firm of step 0: its revenue drawn around the kind's mean from its own stream.
static void spawn_setup_firm(const Parameters& p, FirmBirths& births, int kind, int region, int field,
                             sim::PhiloxStream& rng) {
  const double mean = kind == kLeadFirm ? p.lead_firm_revenue_yuan : p.sme_revenue_yuan;
  const double revenue =
      mean * std::exp(p.revenue_sigma * rng.normal() - 0.5 * p.revenue_sigma * p.revenue_sigma);
  births.spawn({static_cast<Performer>(kind), region, field, revenue}, rng);
}

// Set-up's marker for a new-type R&D institution (stored as kind institute, flag new_type).
constexpr int kNewTypeInstitute = kPerformers;

// A region's share of labs or of firms: its lab_weight or firm_weight, its weight where that is
// not given (below 0), normalised over the regions.
static std::vector<double> region_shares(const Parameters& p, double RegionSpec::*kind_weight) {
  const auto weight_of = [&](const RegionSpec& r) { return r.*kind_weight >= 0 ? r.*kind_weight : r.weight; };
  double total = 0;
  for (const auto& r : p.regions) total += weight_of(r);
  std::vector<double> shares;
  for (const auto& r : p.regions) shares.push_back(total > 0 ? weight_of(r) / total : 0.0);
  return shares;
}

void create_labs_and_firms(const Parameters& p, const sim::RandomStreams& streams, Labs& labs,
                           FirmBirths& births, Payments& payments) {
  const std::vector<double> lab_shares = region_shares(p, &RegionSpec::lab_weight);
  const std::vector<double> firm_shares = region_shares(p, &RegionSpec::firm_weight);
  for (std::size_t r = 0; r < p.regions.size(); ++r) {
    const auto count = [](double share, std::int64_t total) {
      return static_cast<std::int64_t>(std::llround(share * static_cast<double>(total)));
    };
    // Universities, institutes, then the region's new-type R&D institutions (kind institute).
    for (int kind : {int{kUniversity}, int{kInstitute}, kNewTypeInstitute}) {
      const std::int64_t n = kind == kNewTypeInstitute
                                 ? p.regions[r].new_type_institutes
                                 : count(lab_shares[r], kind == kUniversity ? p.universities : p.institutes);
      const double mean_budget = kind == kUniversity  ? p.university_budget_yuan
                                 : kind == kInstitute ? p.institute_budget_yuan
                                                      : p.new_type_institute_budget_yuan;
      for (std::int64_t k = 0; k < n; ++k) {
        const std::size_t i = labs.spawn();
        auto rng = streams.stream(0, kSetupLabDraws, labs.id(i));
        labs.kind[i] = u8(kind == kNewTypeInstitute ? kInstitute : kind);
        labs.is_new_type[i] = u8(kind == kNewTypeInstitute);
        labs.region[i] = static_cast<std::int32_t>(r);
        labs.field[i] = pick_field(p, rng);
        labs.budget_yuan[i] =
            mean_budget * p.regions[r].lab_budget_multiplier * std::exp(0.3 * rng.normal() - 0.045);
        labs.consortium[i] = -1;
        labs.account[i] = payments.ledger().open_account(
            {fmt::format("lab {}", labs.id(i)), sim::AccountKind::holding, false});
      }
    }
    const auto spawn_drawn_firms = [&](int kind, std::int64_t n) {
      for (std::int64_t k = 0; k < n; ++k) {
        auto rng = streams.stream(0, kSetupFirmDraws, births.firms.next_id());
        spawn_setup_firm(p, births, kind, static_cast<int>(r), pick_field(p, rng), rng);
      }
    };
    spawn_drawn_firms(kLeadFirm, count(firm_shares[r], p.lead_firms));
    // The fields' own lead firms (fields.<name>.lead_firms) after the drawn ones: a scenario
    // without them draws and numbers its firms as before.
    for (std::size_t f = 0; f < p.fields.size(); ++f) {
      for (std::int64_t k = 0; k < p.fields[f].lead_firms; ++k) {
        auto rng = streams.stream(0, kSetupFirmDraws, births.firms.next_id());
        spawn_setup_firm(p, births, kLeadFirm, static_cast<int>(r), static_cast<int>(f), rng);
      }
    }
    spawn_drawn_firms(kSme, count(firm_shares[r], p.smes));
  }
}

std::size_t spawn_vc_fund(VcFunds& funds, sim::Ledger& ledger, const VcFundSpec& spec) {
  const std::size_t i = funds.spawn();
  funds.region[i] = spec.region;
  funds.field[i] = spec.field;
  funds.vintage[i] = spec.vintage;
  funds.is_guided[i] = spec.is_guided ? 1 : 0;
  funds.policy[i] = spec.policy;
  funds.account[i] =
      ledger.open_account({fmt::format("vc fund {}", funds.id(i)), sim::AccountKind::holding, false});
  return i;
}

// A region without a bank of its own borrows from the banks of the nearest region that has banks
// (region_links: the highest weight, then the first such region; none when cross_region_scale or its
// proximities are 0).
static void lend_to_regions_without_banks(const RegionLinkSpec& links,
                                          std::vector<std::vector<std::uint32_t>>& by_region) {
  std::vector<bool> has_banks(by_region.size());
  for (std::size_t r = 0; r < by_region.size(); ++r) has_banks[r] = !by_region[r].empty();
  for (std::size_t r = 0; r < by_region.size(); ++r) {
    if (has_banks[r]) continue;
    const int nearest = nearest_linked_region(links, static_cast<int>(r), has_banks);
    if (nearest >= 0) by_region[r] = by_region[static_cast<std::size_t>(nearest)];
  }
}

void create_platforms_banks_funds(const Parameters& p, const sim::RandomStreams& streams,
                                  PilotPlatforms& platforms, Banks& banks, VcFunds& funds,
                                  Payments& payments) {
  sim::Ledger& ledger = payments.ledger();
  const sim::AccountId private_capital = payments.accounts().private_capital;
  banks.by_region.assign(p.regions.size(), {});
  for (std::size_t r = 0; r < p.regions.size(); ++r) {
    const auto& region = p.regions[r];
    for (std::int64_t k = 0; k < region.pilot_platforms; ++k) {
      const std::size_t i = platforms.spawn();
      platforms.region[i] = static_cast<std::int32_t>(r);
      // Pilot lines are field-specific (seed 002: paths differ by field): the region's platforms
      // serve its fields in turn, so demand for them differs by field.
      platforms.field[i] = static_cast<std::int32_t>(k % static_cast<std::int64_t>(p.fields.size()));
      platforms.slots[i] = region.pilot_slots;
      auto rng = streams.stream(0, kSetupPlatformDraws, platforms.id(i));
      platforms.fee[i] = p.pilot_fee_yuan * std::exp(p.pilot_fee_sigma * rng.normal() -
                                                     0.5 * p.pilot_fee_sigma * p.pilot_fee_sigma);
      platforms.owner[i] = static_cast<std::uint8_t>(
          std::find(kPilotOwners.begin(), kPilotOwners.end(), region.pilot_owner) - kPilotOwners.begin());
      platforms.account[i] = ledger.open_account(
          {fmt::format("pilot platform {}", platforms.id(i)), sim::AccountKind::holding, false});
    }
    for (int f = 0; f < static_cast<int>(p.fields.size()); ++f) {
      std::vector<std::uint32_t> own, any;
      for (std::size_t k = 0; k < platforms.size(); ++k) {
        if (platforms.region[k] != static_cast<std::int32_t>(r)) continue;
        any.push_back(static_cast<std::uint32_t>(k));
        if (platforms.field[k] == f) own.push_back(static_cast<std::uint32_t>(k));
      }
      auto& usable = own.empty() ? any : own;
      std::stable_sort(usable.begin(), usable.end(),
                       [&](std::uint32_t a, std::uint32_t b) { return platforms.fee[a] < platforms.fee[b]; });
      double fee = p.pilot_fee_yuan;
      if (!usable.empty()) {
        fee = 0;
        for (const std::uint32_t k : usable) fee += platforms.fee[k] / static_cast<double>(usable.size());
      }
      platforms.by_cell.push_back(usable);
      platforms.expected_fee_by_cell.push_back(fee);
    }
    for (std::int64_t k = 0; k < region.banks; ++k) {
      const std::size_t i = banks.spawn();
      banks.region[i] = static_cast<std::int32_t>(r);
      banks.account[i] =
          ledger.open_account({fmt::format("bank {}", banks.id(i)), sim::AccountKind::holding, false});
      payments.pay(private_capital, banks.account[i], p.bank_capital_yuan);
      banks.by_region[r].push_back(static_cast<std::uint32_t>(i));
    }
    for (std::int64_t k = 0; k < region.vc_funds; ++k) {
      // Staggered vintages so that funds invest and close throughout the run.
      // (Relative to the first quarter the model runs, the first of the spin-up if there is one.)
      const std::int64_t vintage =
          -(k * p.vc_fund_life_quarters) / std::max<std::int64_t>(1, region.vc_funds) - p.spin_up_quarters;
      const std::size_t i = spawn_vc_fund(funds, ledger, {static_cast<int>(r), -1, vintage, false});
      payments.pay(private_capital, funds.account[i], p.vc_fund_capital_yuan);
    }
  }
  lend_to_regions_without_banks(p.region_links, banks.by_region);
}

void create_intermediaries(const Parameters& p, Intermediaries& intermediaries, sim::Ledger& ledger) {
  intermediaries.offices_by_region.assign(p.regions.size(), {});
  intermediaries.experts_by_region.assign(p.regions.size(), {});
  for (std::size_t r = 0; r < p.regions.size(); ++r) {
    const auto& region = p.regions[r];
    const std::int64_t counts[3] = {region.transfer_offices, region.expert_services, region.incubators};
    const char* names[3] = {"transfer office", "expert service", "incubator"};
    for (int kind : {kTransferOffice, kExpertService, kIncubator}) {
      for (std::int64_t k = 0; k < counts[kind]; ++k) {
        const std::size_t i = intermediaries.spawn();
        intermediaries.kind[i] = u8(kind);
        intermediaries.region[i] = static_cast<std::int32_t>(r);
        intermediaries.capacity[i] = kind == kTransferOffice  ? p.transfer_office_capacity
                                     : kind == kExpertService ? p.expert_service_capacity
                                                              : p.incubator_capacity;
        intermediaries.strength[i] = kind == kTransferOffice ? region.intermediary_strength : 1.0;
        intermediaries.fee_yuan[i] = kind == kExpertService ? p.expert_service_fee_yuan
                                     : kind == kIncubator   ? p.incubator_fee_yuan
                                                            : 0.0;
        intermediaries.commission_share[i] = kind == kTransferOffice ? p.intermediary_fee_share : 0.0;
        intermediaries.account[i] = ledger.open_account(
            {fmt::format("{} {}", names[kind], intermediaries.id(i)), sim::AccountKind::holding, false});
        if (kind == kTransferOffice)
          intermediaries.offices_by_region[r].push_back(static_cast<std::uint32_t>(i));
        if (kind == kExpertService)
          intermediaries.experts_by_region[r].push_back(static_cast<std::uint32_t>(i));
      }
    }
  }
  intermediaries.effective_capacity.assign(intermediaries.size(), 0);
}

}  // namespace models::ecosystem
