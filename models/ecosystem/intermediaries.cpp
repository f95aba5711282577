// Intermediaries (seed 004): tech transfer offices and brokers that close lab-firm deals, expert
// services that help SMEs develop their results, incubators and maker spaces that take in new
// firms. Each is an agent with a region, a capacity per quarter, a fee and a ledger account; it is
// paid by fees and by matching_service instruments and spends its income on operations.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "models/ecosystem/draws.hpp"
#include "models/ecosystem/ecosystem.hpp"

namespace models::ecosystem {

// Set-up: each region's `transfer_offices`, `expert_services` and `incubators` as agents, in
// region order, offices first.
void EcosystemModel::create_intermediaries() {
  offices_by_region_.assign(p_.regions.size(), {});
  experts_by_region_.assign(p_.regions.size(), {});
  for (std::size_t r = 0; r < p_.regions.size(); ++r) {
    const auto& region = p_.regions[r];
    const std::int64_t counts[3] = {region.transfer_offices, region.expert_services, region.incubators};
    const char* names[3] = {"transfer office", "expert service", "incubator"};
    for (int kind : {kTransferOffice, kExpertService, kIncubator}) {
      for (std::int64_t k = 0; k < counts[kind]; ++k) {
        const std::size_t i = intermediaries_.spawn();
        i_kind_[i] = u8(kind);
        i_region_[i] = static_cast<std::int32_t>(r);
        i_capacity_[i] = kind == kTransferOffice  ? p_.transfer_office_capacity
                         : kind == kExpertService ? p_.expert_service_capacity
                                                  : p_.incubator_capacity;
        i_strength_[i] = kind == kTransferOffice ? region.intermediary_strength : 1.0;
        i_fee_yuan_[i] = kind == kExpertService ? p_.expert_service_fee_yuan
                         : kind == kIncubator   ? p_.incubator_fee_yuan
                                                : 0.0;
        i_commission_share_[i] = kind == kTransferOffice ? p_.intermediary_fee_share : 0.0;
        i_account_[i] = ledger_.open_account(
            {fmt::format("{} {}", names[kind], intermediaries_.id(i)), sim::AccountKind::holding, false});
        if (kind == kTransferOffice) offices_by_region_[r].push_back(static_cast<std::uint32_t>(i));
        if (kind == kExpertService) experts_by_region_[r].push_back(static_cast<std::uint32_t>(i));
      }
    }
  }
  i_effective_capacity_.assign(intermediaries_.size(), 0);
}

// Part of "apply_policies": every lab is served by one transfer office of its region (by lab id,
// so a lab keeps its office); its matching multiplier is the office's strength, or
// `direct_match_share` where the region has no office, times its industry ties. Offices' capacity
// of the quarter is their own plus the slots of a matching_service of their region.
void EcosystemModel::assign_transfer_offices() {
  const std::size_t n_labs = labs_.size();
  l_office_.assign(n_labs, -1);
  l_match_mult_.resize(n_labs);
  for (std::size_t i = 0; i < n_labs; ++i) {
    const auto& offices = offices_by_region_[static_cast<std::size_t>(l_region_[i])];
    double strength = p_.direct_match_share;
    if (!offices.empty()) {
      const std::uint32_t office = offices[labs_.id(i) % offices.size()];
      l_office_[i] = static_cast<std::int32_t>(office);
      strength = i_strength_[office];
    }
    l_match_mult_[i] = strength * (1.0 + p_.mobility_match_effect * l_industry_ties_[i]);
  }
  for (std::size_t k = 0; k < intermediaries_.size(); ++k) {
    i_served_[k] = 0;
    i_effective_capacity_[k] = i_capacity_[k];
  }
}

// Phase "run_expert_services" — reads SMEs' development needs (index_holdings) and the expert-
// service instruments; SMEs developing results ask for experts (always when a matching_service for
// SMEs pays, otherwise with `expert_request_rate` at their own cost), are served in a random
// priority order (a draw per firm) by the region's expert services up to their capacity, and pay
// the fee (the instrument pays up to its payment_per_service_yuan of it). Writes f_has_experts_ (read by
// advance_results: `expert_service_bonus`) and the services' accounts.
void EcosystemModel::run_expert_services(const sim::PhaseContext& context) {
  f_has_experts_.assign(firms_.size(), 0);
  struct Request {
    double priority;
    std::uint32_t firm;
  };
  std::vector<Request> requests;
  for (std::size_t r = 0; r < p_.regions.size(); ++r) {
    const auto& services = experts_by_region_[r];
    if (services.empty()) continue;
    requests.clear();
    for (const std::uint32_t f : smes_by_region_[r]) {
      if (f_need_[f] <= 0) continue;
      auto rng = context.rng(firms_.id(f), sim::purpose_id("expert_request"));
      const double priority = rng.uniform();
      if (f_expert_policy_[f] < 0 && !rng.bernoulli(p_.expert_request_rate)) continue;
      requests.push_back({priority, f});
    }
    std::stable_sort(requests.begin(), requests.end(),
                     [](const Request& a, const Request& b) { return a.priority < b.priority; });
    std::size_t next = 0;
    for (const std::uint32_t k : services) {
      while (i_served_[k] < i_effective_capacity_[k] && next < requests.size()) {
        const std::uint32_t f = requests[next++].firm;
        const double fee = i_fee_yuan_[k];
        const std::int32_t policy = f_expert_policy_[f];
        double covered = 0;
        if (policy >= 0) {
          covered = std::min(
              {fee, p_.policies[static_cast<std::size_t>(policy)].matching_service.payment_per_service_yuan,
               balance(first_policy_account_ + policy)});
        }
        if (balance(f_account_[f]) + 0.005 < fee - covered) continue;  // cannot pay: not served
        if (policy >= 0) pay(first_policy_account_ + policy, i_account_[k], covered);
        pay_up_to(f_account_[f], i_account_[k], fee - covered);
        i_served_[k] += 1;
        f_has_experts_[f] = 1;
        flows_.expert_firms_served += 1;
      }
    }
  }
  for (std::size_t k = 0; k < intermediaries_.size(); ++k) {
    if (i_kind_[k] == kExpertService) pay(i_account_[k], costs_sink_, balance(i_account_[k]));
  }
}

// Part of "update_firm_ladder": each incubator and maker space takes in
// Poisson(`incubator_births_per_quarter`) new SMEs, at most its capacity; each pays the fee from its
// founders' capital. Incubators spend their income on operations.
void EcosystemModel::incubate_firms(const sim::PhaseContext& context) {
  for (std::size_t k = 0; k < intermediaries_.size(); ++k) {
    if (i_kind_[k] != kIncubator) continue;
    auto rng = context.rng(intermediaries_.id(k), sim::purpose_id("incubator_births"));
    const std::int64_t births = std::min(i_capacity_[k], poisson(rng, p_.incubator_births_per_quarter));
    for (std::int64_t b = 0; b < births; ++b) {
      const int field = pick_field(rng);
      const std::size_t f = spawn_firm(kSme, i_region_[k], field,
                                       p_.sme_revenue_yuan * 0.3 * std::exp(0.5 * rng.normal()), step_, rng);
      pay_up_to(f_account_[f], i_account_[k], i_fee_yuan_[k]);
      i_served_[k] += 1;
      flows_.sme_births += 1;
      flows_.incubator_births += 1;
    }
    pay(i_account_[k], costs_sink_, balance(i_account_[k]));
  }
}

}  // namespace models::ecosystem
