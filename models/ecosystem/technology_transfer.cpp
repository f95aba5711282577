// Technology transfer: licences, assignments and spin-outs of lab results.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <stdexcept>

#include "models/ecosystem/draws.hpp"
#include "models/ecosystem/new_type_institutes.hpp"
#include "models/ecosystem/phases.hpp"
#include "models/ecosystem/stream_purposes.hpp"
#include "sim/core/parallel.hpp"

namespace models::ecosystem {

// The field whose firms a matched result of `field` is offered to: field g with weight
// proximity(field, g) (1 for the field itself, 0 for unrelated ones: never). Draws only when the
// scenario links the result's field to another by proximity.
static int field_searched(const FieldLinkSpec& links, int field, sim::PhiloxStream& rng) {
  if (!links.has_proximity()) return field;
  const auto own = static_cast<std::size_t>(field);
  double total = 0;
  for (std::size_t g = 0; g < links.fields; ++g) total += links.proximity_of(own, g);
  if (total <= 1.0) return field;  // near to no other field: no draw, the same streams as unlinked
  return static_cast<int>(draw_by_weight(
      links.fields, [&](std::size_t g) { return links.proximity_of(own, g); }, total, rng, own));
}

// The screening services of the quarter (seed 003), read by every result's proposal.
struct Screening {
  // Per region of the labs, the first matching_service in declaration order with a screen_for_region
  // that targets the region and still holds money; -1 none.
  std::vector<std::int32_t> by_region;
  // Per cell (region, field), how well a result of the field fits the region's needs (符合区县功能定位):
  // the region's firms of that field relative to those of its largest field (1 for its main field, 0 for
  // a field it has no firm of). Filled only when some region screens.
  std::vector<double> fit;
};

static Screening screening_of_quarter(const Parameters& p, const RegionPolicies& region_policies,
                                      const Payments& payments, const FirmIndex& firm_index) {
  Screening screening{std::vector<std::int32_t>(p.regions.size(), -1), {}};
  for (std::size_t r = 0; r < p.regions.size(); ++r) {
    screening.by_region[r] =
        first_funded(region_policies.matching[r], p, payments,
                     [](const PolicySpec& policy) { return policy.matching_service.screen_region >= 0; });
  }
  if (std::all_of(screening.by_region.begin(), screening.by_region.end(), [](auto s) { return s < 0; }))
    return screening;
  const CellIndex cell{static_cast<int>(p.fields.size())};
  screening.fit.assign(p.regions.size() * p.fields.size(), 0.0);
  for (int r = 0; r < static_cast<int>(p.regions.size()); ++r) {
    const auto firms_in = [&](int f) {
      return firm_index.by_cell[static_cast<std::size_t>(cell(r, f))].size();
    };
    std::size_t largest = 0;
    for (int f = 0; f < cell.fields; ++f) largest = std::max(largest, firms_in(f));
    if (largest == 0) continue;
    for (int f = 0; f < cell.fields; ++f)
      screening.fit[static_cast<std::size_t>(cell(r, f))] =
          static_cast<double>(firms_in(f)) / static_cast<double>(largest);
  }
  return screening;
}

// Whether the lab's transfer office, screening for policy `screener`'s region, passes result i: a
// result that is feasible (TRL 3 or more), fits the region's fields and has market prospects (its
// quality). Draws only for labs with a funded screening service and an office.
static bool is_screened(const Parameters& p, const Results& results, const Screening& screening,
                        std::int32_t screener, std::size_t i, sim::PhiloxStream& rng) {
  if (results.trl[i] < 3) return false;
  const CellIndex cell{static_cast<int>(p.fields.size())};
  const int region = p.policies[static_cast<std::size_t>(screener)].matching_service.screen_region;
  return rng.bernoulli(screening.fit[static_cast<std::size_t>(cell(region, results.field[i]))] *
                       logistic(results.quality[i]));
}

// Whether result i is on offer for a deal: patented, held by a lab that is still there, TRL 2 or
// more. Checked before propose_deal is called: only a few results in a hundred are on offer.
static bool is_on_offer(const Results& results, const ResultScratch& result_scratch, std::size_t i) {
  return !result_scratch.dies[i] && !results.owner_is_firm[i] && results.ip_status[i] == kPatented &&
         results.trl[i] >= 2;
}

// Whether firms hold all of results i..i+7 (one load for eight flags): none of them is on offer.
static bool are_eight_firm_held(const Results& results, std::size_t i) {
  std::uint64_t flags = 0;
  std::memcpy(&flags, results.owner_is_firm.data() + i, sizeof flags);
  return flags == 0x0101010101010101ULL;
}

// Whether lab-held patented result i (is_on_offer) meets a firm this quarter, and which: a firm row, kSpinout
// for a spin-out, or -1 for no match; `screened` says whether the screening service of the
// lab's region (`screening`) passed it for its region's firms. Reads only; called in parallel.
static std::int64_t propose_deal(const sim::PhaseContext& context, const Parameters& p,
                                 const Results& results, const ResultScratch& result_scratch,
                                 const Labs& labs, const LabIncentives& lab_incentives, const Firms& firms,
                                 const FirmIndex& firm_index, const Screening& screening, std::size_t i,
                                 std::int64_t spinout, bool& screened) {
  const CellIndex cell{static_cast<int>(p.fields.size())};
  screened = false;
  const std::uint32_t o = result_scratch.owner_index[i];
  auto rng = context.rng(results.id(i));
  const double effort = lab_transfer_effort(p, labs, o);
  const bool member = labs.consortium[o] >= 0;
  double rate = p.match_rate * effort * lab_incentives.effort_mult[o] * lab_incentives.match_mult[o] * 2.0 *
                logistic(results.quality[i] + 0.3 * (results.trl[i] - 3));
  if (member) rate *= consortium_match(p, labs.consortium[o], labs.consortium_general[o]);
  // A consortium's results go to its lead firm; the others may be screened by the lab's office.
  const std::int32_t screener = screening.by_region[static_cast<std::size_t>(labs.region[o])];
  if (!member && screener >= 0 && lab_incentives.office[o] >= 0 &&
      targets(p.policies[static_cast<std::size_t>(screener)], labs.region[o], results.field[i], labs.kind[o],
              -1, -1)) {
    screened = is_screened(p, results, screening, screener, i, rng);
    if (screened) rate *= p.policies[static_cast<std::size_t>(screener)].matching_service.match_multiplier;
  }
  if (!rng.bernoulli(std::min(1.0, rate))) return -1;
  if (rng.bernoulli(std::min(1.0, p.spinout_rate * lab_incentives.spinout_mult[o]))) return spinout;
  if (member) {
    for (std::size_t f = 0; f < firms.size(); ++f) {
      if (firms.kind[f] == kLeadFirm && firms.consortium[f] == labs.consortium[o])
        return static_cast<std::int64_t>(f);
    }
  }
  // A screened result is offered to a firm of its field in the region it was screened for.
  if (screened) {
    const int region = p.policies[static_cast<std::size_t>(screener)].matching_service.screen_region;
    const auto& candidates = firm_index.by_cell[static_cast<std::size_t>(cell(region, results.field[i]))];
    if (candidates.empty()) return -1;
    return candidates[rng.uniform_below(candidates.size())];
  }
  // Beyond its own region, a lab searches the regions near it (region_links; uniform without links).
  int region = labs.region[o];
  if (!rng.bernoulli(p.same_region_preference)) region = draw_linked_region(p.region_links, region, rng);
  const int field = field_searched(p.field_links, results.field[i], rng);
  const auto& candidates = firm_index.by_cell[static_cast<std::size_t>(cell(region, field))];
  if (candidates.empty()) return -1;
  return candidates[rng.uniform_below(candidates.size())];
}

// Whether a deal of result i (of lab row o) with firm row `firm` crosses fields through technology
// proximity (a consortium's lead firm is its labs' partner whatever its field).
static bool is_cross_field(const FieldLinkSpec& links, const Results& results, const Labs& labs,
                           const Firms& firms, std::size_t i, std::uint32_t o, std::size_t firm) {
  return links.has_proximity() && firms.field[firm] != results.field[i] &&
         !(labs.consortium[o] >= 0 && firms.consortium[firm] == labs.consortium[o]);
}

// What a licence across fields costs relative to one within the field: the lab adapts the result to
// the other field's use, the more the farther apart the fields.
static double cross_field_fee_factor(const FieldLinkSpec& links, int from, int to) {
  return 1.0 + links.cross_field_fee_premium *
                   (1.0 - links.proximity_of(static_cast<std::size_t>(from), static_cast<std::size_t>(to)));
}

// Phase "match_results" — technology transfer. Lab-held patented results meet firms with a
// probability set by the lab's transfer effort (evaluation regime, IP reform), its transfer
// office, matching services, industry ties, consortium ties and quality (proposals per result, in
// parallel); deals are resolved in result order: the lab's office closes deals up to its capacity
// (a saturated office lets matches wait), firms take results up to their capacity and cash, pay
// the fee (inventors get their share, the office its commission), or the result founds a spin-out.
void match_results(const sim::PhaseContext& context, const Parameters& p, Results& results,
                   const ResultScratch& result_scratch, const Labs& labs, const LabIncentives& lab_incentives,
                   FirmBirths& firm_births, const FirmIndex& firm_index, Intermediaries& intermediaries,
                   const RegionPolicies& region_policies, sim::ProposalBuffer<DealProposal>& deal_buffer,
                   Payments& payments, Events& events, Flows& flows, RegionPairFlows& region_flows) {
  const FixedAccounts& accounts = payments.accounts();
  Firms& firms = firm_births.firms;
  const std::size_t n = results.size();
  constexpr std::int64_t kSpinout = -2;
  // A matched result proposes a deal with a target firm row (or a spin-out), per chunk; deals
  // are then resolved in result order.
  const Screening screening = screening_of_quarter(p, region_policies, payments, firm_index);
  deal_buffer.begin(n);
  sim::parallel_for_chunks(n, [&](const sim::Chunk& chunk) {
    auto& proposals = deal_buffer.chunk(chunk);
    for (std::size_t i = chunk.begin; i != chunk.end; ++i) {
      // Firms' results are born next to each other: skip eight firm-held rows at a time.
      if (i + 8 <= chunk.end && are_eight_firm_held(results, i)) {
        i += 7;
        continue;
      }
      if (!is_on_offer(results, result_scratch, i)) continue;
      bool screened = false;
      const std::int64_t target = propose_deal(context, p, results, result_scratch, labs, lab_incentives,
                                               firms, firm_index, screening, i, kSpinout, screened);
      if (target != -1) proposals.push_back({static_cast<std::uint32_t>(i), target, screened});
    }
  });
  std::vector<std::int32_t> taken(firms.size(), 0);
  const std::size_t firms_before = firms.size();
  for (const auto& [i, target, screened] : deal_buffer.gather()) {
    const std::uint32_t o = result_scratch.owner_index[i];
    auto rng = context.rng(results.id(i), kDealTermsDraws);
    double fee = p.licence_fee_yuan * intermediaries.price_level * std::exp(0.5 * results.quality[i]);
    std::size_t firm = 0;
    std::int32_t kind = kLicence;
    // A saturated office lets the match wait (the result stays with the lab).
    const std::int32_t office = lab_incentives.office[o];
    if (target == kSpinout) {
      if (office >= 0 && intermediaries.served[office] >= intermediaries.effective_capacity[office]) continue;
      firm = firm_births.spawn({kSme, labs.region[o], results.field[i], 0.25 * p.sme_revenue_yuan}, rng);
      kind = kSpinout;
      flows.spinouts += 1;
      flows.sme_births += 1;
    } else {
      firm = static_cast<std::size_t>(target);
      const bool cross_field = is_cross_field(p.field_links, results, labs, firms, i, o, firm);
      if (cross_field) fee *= cross_field_fee_factor(p.field_links, results.field[i], firms.field[firm]);
      const double capacity = p.firm_deal_capacity * (firms.kind[firm] == kLeadFirm ? 5.0 : 1.0);
      if (firm >= firms_before || taken[firm] >= capacity) continue;
      if (payments.balance(firms.account[firm]) < fee) continue;
      if (office >= 0 && intermediaries.served[office] >= intermediaries.effective_capacity[office]) continue;
      taken[firm] += 1;
      if (cross_field) flows.cross_field_licences += 1;
      if (firms.region[firm] != labs.region[o]) flows.cross_region_deals += 1;
      kind = rng.bernoulli(p.assignment_share) ? kAssignment : kLicence;
      payments.pay(firms.account[firm], labs.account[o], fee);
      region_flows.add_licence(firms.region[firm], labs.region[o], fee);
      payments.pay(labs.account[o], accounts.inventors_sink, fee * p.inventor_share);
      if (office >= 0)
        payments.pay(labs.account[o], intermediaries.account[office],
                     fee * intermediaries.commission_share[office]);
    }
    results.owner[i] = static_cast<std::int64_t>(firms.id(firm));
    results.owner_is_firm[i] = 1;
    results.ip_status[i] = kind == kLicence ? kLicensed : kAssigned;
    results.is_shelved[i] = 0;
    flows.licences += 1;
    if (labs.is_new_type[o]) flows.new_type_institute_deals += 1;
    if (office >= 0) {
      intermediaries.served[office] += 1;
      flows.brokered_deals += 1;
      // A screened deal is paid by the screening service; any other by the first matching service
      // (declaration order) that targets the lab and the result's field, screens for no region and
      // still has money (stacking).
      const int field = results.field[i];  // a structured binding cannot be captured (clang 14)
      const bool is_screened_deal = screened && target != kSpinout;
      if (is_screened_deal) flows.screened_deals += 1;
      const std::int32_t matching =
          is_screened_deal
              ? screening.by_region[static_cast<std::size_t>(labs.region[o])]
              : first_funded(region_policies.matching[static_cast<std::size_t>(labs.region[o])], p, payments,
                             [&](const PolicySpec& policy) {
                               return policy.matching_service.screen_region < 0 &&
                                      targets(policy, labs.region[o], field, labs.kind[o], -1, -1);
                             });
      if (matching >= 0) {
        payments.pay_up_to(
            accounts.first_policy_account + matching, intermediaries.account[office],
            p.policies[static_cast<std::size_t>(matching)].matching_service.payment_per_service_yuan);
      }
    }
    events.record_deal({kind, static_cast<std::int64_t>(firms.id(firm)),
                        static_cast<std::int64_t>(labs.id(o)), static_cast<std::int64_t>(results.id(i)),
                        kind == kSpinout ? 0.0 : fee});
  }
  // Offices spend their commissions and service fees on operations.
  for (std::size_t k = 0; k < intermediaries.size(); ++k) {
    if (intermediaries.kind[k] != kTransferOffice) continue;
    flows.broker_capacity += intermediaries.effective_capacity[k];
    payments.pay(intermediaries.account[k], accounts.costs_sink, payments.balance(intermediaries.account[k]));
  }
}

}  // namespace models::ecosystem
