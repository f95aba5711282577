// The firm ladder of seed 004 (科技型中小企业 -> 高新技术企业 -> 独角兽企业 -> 上市企业) with the
// statuses 专精特新 and 小巨人 beside it, each granted on its own criteria; listings and the equity
// they return; firm exits and births.
#include <algorithm>
#include <cmath>
#include <vector>

#include "models/ecosystem/draws.hpp"
#include "models/ecosystem/phases.hpp"
#include "models/ecosystem/stream_purposes.hpp"
#include "sim/core/parallel.hpp"

namespace models::ecosystem {

namespace {

// What the recognitions look at, from a firm's moving averages and holdings.
struct LadderCriteria {
  bool is_high_tech, is_specialised, is_little_giant, is_unicorn, can_list;
};

// Revenue growth: the year's moving average over the three-year one, minus 1.
double revenue_growth(const Firms& firms, std::size_t i) {
  return firms.revenue_trend_slow[i] > 0 ? firms.revenue_trend[i] / firms.revenue_trend_slow[i] - 1.0 : 0.0;
}

LadderCriteria criteria_of(const Parameters& p, const FieldMarkets& markets, const Firms& firms,
                           const FirmHoldings& holdings, std::size_t i, double field_mean_revenue) {
  const double revenue = firms.revenue_trend[i];
  const double rd_intensity = revenue > 0 ? firms.rd_trend[i] / revenue : 0.0;
  const double growth = revenue_growth(firms, i);
  const std::int32_t patents = holdings.patents[i];
  LadderCriteria c{};
  c.is_high_tech = rd_intensity >= p.high_tech_rd_intensity && patents >= 1;
  c.is_specialised = c.is_high_tech && growth >= p.specialised_growth &&
                     revenue >= p.niche_leader_multiple * field_mean_revenue;
  c.is_little_giant = c.is_specialised && patents >= 2 && rd_intensity >= 1.5 * p.high_tech_rd_intensity &&
                      revenue >= p.little_giant_multiple * field_mean_revenue;
  c.is_unicorn = firms.vc_fund[i] >= 0 && firms.valuation[i] >= p.unicorn_valuation_yuan;
  c.can_list = firms.valuation[i] >= p.ipo_valuation_yuan &&
               firms.revenue[i] >= p.ipo_revenue_yuan * markets.wage_level;
  return c;
}

// Equity value from revenue and its growth (year over the three-year average).
double valuation_of(const Parameters& p, const Firms& firms, std::size_t i) {
  const double growth = revenue_growth(firms, i);
  return p.valuation_revenue_multiple * 4.0 * firms.revenue_trend[i] *
         (1.0 + p.valuation_growth_premium * std::max(0.0, growth));
}

// A recognition the firm holds is reviewed at recognition_review_rate and lost if the criteria fail;
// one it meets is applied for and granted at tier_promotion_rate.
bool recognised(const Parameters& p, sim::PhiloxStream& rng, bool holds, bool meets) {
  if (holds) return meets || !rng.bernoulli(p.recognition_review_rate);
  return meets && rng.bernoulli(p.tier_promotion_rate);
}

// The room founders see in each field: the share of what its customers can pay (size x demand
// index) that firms' sales leave unmet, relative to that share at set-up (1 - 1/market_headroom),
// so 1 in a field as open as at the start and 0 in a saturated one.
std::vector<double> market_room(const Parameters& p, const FieldMarkets& markets, const Firms& firms) {
  std::vector<double> sales(p.fields.size(), 0.0);
  for (std::size_t i = 0; i < firms.size(); ++i)
    sales[static_cast<std::size_t>(firms.field[i])] += firms.revenue[i];
  const double open_at_start = 1.0 - 1.0 / p.market_headroom;
  std::vector<double> room(p.fields.size(), 1.0);
  for (std::size_t f = 0; f < room.size() && open_at_start > 0; ++f) {
    const double market = markets.size[f] * markets.demand_index[f];
    room[f] = market > 0 ? std::max(0.0, 1.0 - sales[f] / market) / open_at_start : 0.0;
  }
  return room;
}

// Entry follows expected profits: the number of founders scales with the fields' mean room
// (weighted by the fields' weights), capped at twice the base rate; `entry_room_elasticity` 0 turns
// it off.
double entry_multiplier(const Parameters& p, const std::vector<double>& room) {
  double weighted = 0, weights = 0;
  for (std::size_t f = 0; f < room.size(); ++f) {
    weighted += p.fields[f].weight * room[f];
    weights += p.fields[f].weight;
  }
  const double mean_room = weights > 0 ? weighted / weights : 1.0;
  return std::min(2.0, std::pow(mean_room, p.entry_room_elasticity));
}

// A founder picks a field in proportion to its weight times its room to the elasticity: saturated
// markets attract no one. The room is that of the step, so the pulls are computed once for all
// of the step's founders.
struct EntryPull {
  std::vector<double> by_field;
  double total = 0;
};

EntryPull entry_pull(const Parameters& p, const std::vector<double>& room) {
  EntryPull pull{std::vector<double>(room.size()), 0.0};
  for (std::size_t f = 0; f < room.size(); ++f)
    pull.total += pull.by_field[f] = p.fields[f].weight * std::pow(room[f], p.entry_room_elasticity);
  return pull;
}

int pick_entry_field(const Parameters& p, const EntryPull& pull, sim::PhiloxStream& rng) {
  if (pull.total <= 0) return pick_field(p, rng);
  const std::size_t fields = pull.by_field.size();
  return static_cast<int>(draw_by_weight(
      fields, [&](std::size_t f) { return pull.by_field[f]; }, pull.total, rng, fields - 1));
}

}  // namespace

// Phase "update_firm_ladder" — SMEs' valuations follow their revenue and growth; they are
// recognised as high-tech enterprises, 专精特新 and 小巨人 on those criteria (and lose recognitions
// that fail a review); VC-backed firms valued at unicorn_valuation_yuan are unicorns; firms meeting
// the listing criteria list (their VC funds and the government sell their stakes at the listing);
// SMEs exit when distressed or by background hazard (loans default, the risk pool pays its share);
// new SMEs enter, on their own and through incubators (incubate_firms).
void update_firm_ladder(const sim::PhaseContext& context, const Parameters& p, const FieldMarkets& markets,
                        FirmBirths& firm_births, const FirmIndex& firm_index, VcFunds& funds, Banks& banks,
                        Intermediaries& intermediaries, std::vector<sim::AgentId>& exited_firm_ids,
                        Payments& payments, Flows& flows) {
  Firms& firms = firm_births.firms;
  const FirmHoldings& holdings = firm_births.holdings;
  const FirmIncentives& firm_incentives = firm_births.incentives;
  FirmConditions& firm_conditions = firm_births.conditions;
  const std::size_t n = firms.size();
  // The field's mean SME revenue: niche leaders are measured against it.
  std::vector<double> field_revenue(p.fields.size(), 0.0), field_smes(p.fields.size(), 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    if (firms.kind[i] != kSme) continue;
    field_revenue[static_cast<std::size_t>(firms.field[i])] += firms.revenue_trend[i];
    field_smes[static_cast<std::size_t>(firms.field[i])] += 1;
  }
  for (std::size_t f = 0; f < field_revenue.size(); ++f)
    field_revenue[f] = field_smes[f] > 0 ? field_revenue[f] / field_smes[f] : 0.0;
  // Each SME decides in parallel (its own random stream); the payments of listings and exits then
  // follow in firm order, as they move money between firms, funds, banks, the pool and instruments.
  enum : std::uint8_t { kLists = 1, kExits = 2, kPromoted = 4, kDemoted = 8 };
  std::vector<std::uint8_t> actions(n, 0);
  sim::parallel_for_each_index(n, [&](std::size_t i) {
    if (firms.kind[i] != kSme) return;
    auto rng = context.rng(firms.id(i));
    if (firms.tier[i] < kListed)
      firms.valuation[i] = std::max(firms.valuation[i] * 0.9, valuation_of(p, firms, i));
    const LadderCriteria c =
        criteria_of(p, markets, firms, holdings, i, field_revenue[static_cast<std::size_t>(firms.field[i])]);
    const int tier = firms.tier[i];
    int next = tier;
    if (tier < kListed) {
      const bool high_tech = recognised(p, rng, tier >= kHighTech, c.is_high_tech);
      const bool unicorn = recognised(p, rng, tier == kUnicorn, c.is_unicorn);
      next = unicorn ? kUnicorn : high_tech ? kHighTech : kTechSme;
      if (c.can_list && rng.bernoulli(p.ipo_rate)) {
        next = kListed;
        actions[i] |= kLists;
      }
    }
    if (next > tier) actions[i] |= kPromoted;
    if (next < tier) actions[i] |= kDemoted;
    firms.tier[i] = next;
    // Statuses, for SMEs not listed.
    const bool specialised =
        next < kListed && recognised(p, rng, (firms.status[i] & kSpecialised) != 0, c.is_specialised);
    const bool little_giant =
        specialised && recognised(p, rng, (firms.status[i] & kLittleGiant) != 0, c.is_little_giant);
    firms.status[i] =
        static_cast<std::uint8_t>((specialised ? kSpecialised : 0) | (little_giant ? kLittleGiant : 0));
    double hazard = p.sme_exit_rate * (tier == kTechSme ? 1.0 : 0.5);
    // An incubator's help while the firm is incubated (incubate_firms).
    if (firms.incubated_until[i] >= context.step) hazard *= p.incubated_exit_multiplier;
    if (firm_conditions.is_distressed[i] || rng.bernoulli(hazard)) actions[i] |= kExits;
  });
  const FixedAccounts& accounts = payments.accounts();
  for (std::size_t i = 0; i < n; ++i) {
    flows.promotions += (actions[i] & kPromoted) ? 1 : 0;
    flows.demotions += (actions[i] & kDemoted) ? 1 : 0;
    if (actions[i] & kLists) {
      // At the listing, public investors buy the VC funds' and the government's stakes.
      flows.ipos += 1;
      if (firms.vc_fund[i] >= 0) sell_vc_holding(funds, firms, payments, flows, i);
      if (firms.government_stake[i] > 0)
        sell_government_stake(firms, payments, flows, i, accounts.private_capital);
    }
    if (actions[i] & kExits)
      exit_firm(p, markets.wage_level, firms, firm_incentives, firm_conditions, banks, funds, exited_firm_ids,
                payments, flows, i);
  }
  const std::vector<double> room = market_room(p, markets, firms);
  const double entry = entry_multiplier(p, room);
  const EntryPull pull = entry_pull(p, room);
  firms.remove_marked();
  // A region's founders are born together (their rows added at once), each drawing its field and
  // revenue and then its own values from the region's stream.
  for (std::size_t r = 0; r < p.regions.size(); ++r) {
    auto rng = context.rng(r, kSmeBirthsDraws);
    const std::int64_t births =
        poisson(rng, entry * p.sme_birth_rate * static_cast<double>(firm_index.smes_by_region[r].size()));
    if (births <= 0) continue;
    firm_births.spawn_many(static_cast<std::size_t>(births), rng, [&](sim::PhiloxStream& founder_rng) {
      const int field = pick_entry_field(p, pull, founder_rng);
      const double revenue = p.sme_revenue_yuan * 0.3 * std::exp(0.5 * founder_rng.normal());
      return FirmSpec{kSme, static_cast<int>(r), field, revenue};
    });
    flows.sme_births += births;
  }
  incubate_firms(context, p, firm_births, intermediaries, payments, flows);
  // Each firm's cash from its account: reads only, so in parallel.
  sim::parallel_for_each_index(firms.size(),
                               [&](std::size_t i) { firms.cash[i] = payments.balance(firms.account[i]); });
}

}  // namespace models::ecosystem
