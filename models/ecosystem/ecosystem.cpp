#include "models/ecosystem/ecosystem.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "models/ecosystem/draws.hpp"
#include "sim/core/parallel.hpp"

namespace models::ecosystem {

EcosystemModel::EcosystemModel(Parameters parameters, const sim::ReplicateContext& context)
    : p_(std::move(parameters)),
      streams_(context.seed, context.replicate),
      scheduler_(streams_),
      check_every_phase_(context.check_invariants_every_phase),
      r_origin_(results_.add_field<std::uint8_t>(
          "origin",
          {"kind", "Performer that produced it: 0 university, 1 institute, 2 lead firm, 3 SME", true})),
      r_region_(results_.add_field<std::int16_t>("region", {"index", "Region of the producer", true})),
      r_field_(results_.add_field<std::int16_t>("field", {"index", "Field (industry)", true})),
      // A normal draw per result: deflate would take as long on it as on all the flags together and
      // save about a tenth, so snapshots store it as it is.
      r_quality_(results_.add_field<double>("quality",
                                            {"sd", "Latent quality (standard normal scale)", true, false})),
      r_trl_(results_.add_field<std::uint8_t>("trl", {"TRL", "Technology readiness level 1-9", true})),
      r_stage_(results_.add_field<std::uint8_t>(
          "stage", {"stage", "0 research, 1 development, 2 commercialization, 3 industrialization", true})),
      r_ip_(results_.add_field<std::uint8_t>(
          "ip_status", {"status", "0 unprotected, 1 patented, 2 licensed, 3 assigned", true})),
      r_owner_(results_.add_field<std::int64_t>("owner", {"id", "Id of the holding lab or firm", true})),
      r_owner_is_firm_(
          results_.add_field<std::uint8_t>("owner_is_firm", {"flag", "1 if a firm holds it, 0 a lab", true})),
      r_is_verified_(
          results_.add_field<std::uint8_t>("is_verified", {"flag", "Verified on a pilot platform", true})),
      r_is_applied_(results_.add_field<std::uint8_t>("is_applied",
                                                     {"flag", "Applied (1) or basic (0) research", true})),
      r_is_shelved_(results_.add_field<std::uint8_t>(
          "is_shelved", {"flag", "Shelved by a lab: no more development", true})),
      r_is_in_use_(results_.add_field<std::uint8_t>(
          "is_in_use", {"flag", "Held by a firm at TRL >= 7 (industrial use)", true})),
      r_is_sponsored_(
          results_.add_field<std::uint8_t>("is_sponsored", {"flag", "Backed by a challenge prize", true})),
      r_age_(results_.add_field<std::int16_t>("age", {"quarters", "Age", true})),
      r_investment_(
          results_.add_field<double>("investment_yuan", {"yuan", "Cumulative development investment", true})),
      l_kind_(labs_.add_field<std::uint8_t>("kind", {"kind", "0 university, 1 institute", true})),
      l_region_(labs_.add_field<std::int32_t>("region", {"index", "Region", true})),
      l_field_(labs_.add_field<std::int32_t>("field", {"index", "Main field", true})),
      l_budget_(
          labs_.add_field<double>("budget_yuan", {"yuan/quarter", "Government R&D appropriation", true})),
      l_cash_(labs_.add_field<double>("cash", {"yuan", "Cash after the step", true})),
      l_consortium_(
          labs_.add_field<std::int32_t>("consortium", {"index", "Consortium membership (-1 none)", true})),
      l_account_(labs_.add_field<std::int64_t>("account", {"id", "Ledger account", false})),
      l_industry_ties_(labs_.add_field<double>(
          "industry_ties", {"researchers", "Researchers placed in firms (talent mobility), decaying", true})),
      f_kind_(firms_.add_field<std::uint8_t>("kind", {"kind", "2 lead firm, 3 SME", true})),
      f_region_(firms_.add_field<std::int32_t>("region", {"index", "Region", true})),
      f_field_(firms_.add_field<std::int32_t>("field", {"index", "Field", true})),
      f_tier_(firms_.add_field<std::int32_t>(
          "tier",
          {"tier", "0 tech SME, 1 little giant, 2 high-tech, 3 unicorn, 4 listed (lead firms 4)", true})),
      f_base_revenue_(firms_.add_field<double>(
          "base_revenue", {"yuan/quarter", "Revenue of the existing business at demand index 1", false})),
      f_revenue_(firms_.add_field<double>("revenue", {"yuan/quarter", "Revenue of the quarter", true})),
      f_margin_(firms_.add_field<double>("margin", {"1", "Operating margin before R&D", false})),
      f_employees_(firms_.add_field<double>("employees", {"persons", "Employees", true})),
      f_cash_(firms_.add_field<double>("cash", {"yuan", "Cash after the step", true})),
      f_rd_spending_(
          firms_.add_field<double>("rd_spending", {"yuan/quarter", "R&D spending of the quarter", true})),
      f_loan_(firms_.add_field<double>("loan", {"yuan", "Bank loan outstanding", true})),
      f_loan_due_(firms_.add_field<std::int32_t>("loan_due", {"step", "Step the loan is due", false})),
      f_consortium_(
          firms_.add_field<std::int32_t>("consortium", {"index", "Consortium membership (-1 none)", true})),
      f_repayable_(
          firms_.add_field<double>("repayable_grant", {"yuan", "Repayable grant outstanding", false})),
      f_equity_grant_(firms_.add_field<double>("equity_grant",
                                               {"yuan", "Grant that converts to equity on success", false})),
      f_results_in_use_(firms_.add_field<std::int32_t>("results_in_use",
                                                       {"results", "Results it uses in production", true})),
      f_vc_fund_(firms_.add_field<std::int64_t>("vc_fund", {"id", "Last VC investor (-1 none)", false})),
      f_vc_invested_(firms_.add_field<double>("vc_invested", {"yuan", "VC money received", true})),
      f_account_(firms_.add_field<std::int64_t>("account", {"id", "Ledger account", false})),
      f_tacit_knowledge_(firms_.add_field<double>(
          "tacit_knowledge", {"logit", "Tacit knowledge of researchers it received, decaying", true})),
      f_thematic_bond_(
          firms_.add_field<double>("thematic_bond", {"yuan", "Thematic bond principal outstanding", true})),
      f_bond_unspent_(firms_.add_field<double>(
          "bond_unspent", {"yuan", "Bond proceeds not yet spent on development", false})),
      f_bond_due_(firms_.add_field<std::int32_t>("bond_due", {"step", "Step the bond matures", false})),
      f_bond_policy_(firms_.add_field<std::int32_t>(
          "bond_policy", {"index", "thematic_bond instrument of the bond", false})),
      p_region_(platforms_.add_field<std::int32_t>("region", {"index", "Region", true})),
      p_field_(platforms_.add_field<std::int32_t>("field", {"index", "Field its pilot lines serve", true})),
      p_slots_(platforms_.add_field<std::int64_t>("slots", {"slots/quarter", "Base capacity", true})),
      p_served_(platforms_.add_field<std::int64_t>("served", {"users", "Users served in the quarter", true})),
      p_fee_(platforms_.add_field<double>("fee", {"yuan", "Fee per verification", true})),
      p_owner_(platforms_.add_field<std::uint8_t>(
          "owner", {"kind", "0 government, 1 university, 2 lead firm, 3 consortium", true})),
      p_account_(platforms_.add_field<std::int64_t>("account", {"id", "Ledger account", false})),
      i_kind_(intermediaries_.add_field<std::uint8_t>(
          "kind", {"kind", "0 transfer office or broker, 1 expert service, 2 incubator", true})),
      i_region_(intermediaries_.add_field<std::int32_t>("region", {"index", "Region", true})),
      i_capacity_(intermediaries_.add_field<std::int64_t>(
          "capacity",
          {"per quarter", "Deals (offices) or firms (expert services, incubators) per quarter", true})),
      i_strength_(intermediaries_.add_field<double>(
          "strength", {"1", "Offices: multiplies the matching rate of the labs they serve", true})),
      i_fee_yuan_(intermediaries_.add_field<double>(
          "fee_yuan", {"yuan", "Expert services and incubators: fee per firm served", true})),
      i_commission_share_(intermediaries_.add_field<double>(
          "commission_share", {"1", "Offices: share of the deal fee they earn", true})),
      i_served_(intermediaries_.add_field<std::int64_t>(
          "served", {"per quarter", "Deals closed or firms served in the quarter", true})),
      i_account_(intermediaries_.add_field<std::int64_t>("account", {"id", "Ledger account", false})),
      v_region_(funds_.add_field<std::int32_t>("region", {"index", "Region", true})),
      v_field_(funds_.add_field<std::int32_t>("field", {"index", "Targeted field (-1 any)", true})),
      v_vintage_(funds_.add_field<std::int64_t>("vintage", {"step", "Step the fund was raised", true})),
      v_is_guided_(
          funds_.add_field<std::uint8_t>("is_guided", {"flag", "Sub-fund of a guidance fund", true})),
      v_account_(funds_.add_field<std::int64_t>("account", {"id", "Ledger account", false})),
      b_region_(banks_.add_field<std::int32_t>("region", {"index", "Region", true})),
      b_outstanding_(banks_.add_field<double>("loans_outstanding", {"yuan", "Loans outstanding", true})),
      b_account_(banks_.add_field<std::int64_t>("account", {"id", "Ledger account", false})) {
  open_fixed_accounts();
  create_labs_and_firms();
  create_platforms_banks_funds();
  create_intermediaries();
  const std::size_t fields = p_.fields.size();
  demand_index_.assign(fields, 1.0);
  fill_step_cost_table();
  adoption_.assign(fields, 0.05);
  industrialized_count_.assign(fields, 0);
  for (const auto& f : p_.fields) demand_growth_.push_back(f.demand_growth_per_quarter);

  scheduler_.add_phase("apply_policies", [this](const sim::PhaseContext& c) { apply_policies(c); });
  scheduler_.add_phase("fund_research", [this](const sim::PhaseContext& c) { fund_research(c); });
  scheduler_.add_phase("generate_results", [this](const sim::PhaseContext& c) { generate_results(c); });
  scheduler_.add_phase("index_holdings", [this](const sim::PhaseContext& c) { index_holdings(c); });
  scheduler_.add_phase("move_researchers", [this](const sim::PhaseContext& c) { move_researchers(c); });
  scheduler_.add_phase("run_expert_services", [this](const sim::PhaseContext& c) { run_expert_services(c); });
  scheduler_.add_phase("anticipate_rewards", [this](const sim::PhaseContext& c) { anticipate_rewards(c); });
  scheduler_.add_phase("finance_thematic_bonds",
                       [this](const sim::PhaseContext& c) { finance_thematic_bonds(c); });
  scheduler_.add_phase("advance_results", [this](const sim::PhaseContext& c) { advance_results(c); });
  scheduler_.add_phase("run_pilot_platforms", [this](const sim::PhaseContext& c) { run_pilot_platforms(c); });
  scheduler_.add_phase("run_challenges_and_consortia",
                       [this](const sim::PhaseContext& c) { run_challenges_and_consortia(c); });
  scheduler_.add_phase("match_results", [this](const sim::PhaseContext& c) { match_results(c); });
  scheduler_.add_phase("invest_venture_capital",
                       [this](const sim::PhaseContext& c) { invest_venture_capital(c); });
  scheduler_.add_phase("lend_and_settle_loans",
                       [this](const sim::PhaseContext& c) { lend_and_settle_loans(c); });
  scheduler_.add_phase("produce_and_sell", [this](const sim::PhaseContext& c) { produce_and_sell(c); });
  scheduler_.add_phase("update_firm_ladder", [this](const sim::PhaseContext& c) { update_firm_ladder(c); });
  scheduler_.add_phase("retire_results", [this](const sim::PhaseContext& c) { retire_results(c); });
  if (check_every_phase_) {
    scheduler_.set_invariant_check(
        [this](std::int64_t step, const std::string& phase) { check_invariants(step, phase); });
  }
}

// ---------------------------------------------------------------------------------------------
// Set-up

void EcosystemModel::open_fixed_accounts() {
  government_budget_ =
      ledger_.open_account({"national government budget (source)", sim::AccountKind::source, true});
  first_regional_budget_ = static_cast<std::int64_t>(ledger_.account_count());
  for (const auto& region : p_.regions) {
    ledger_.open_account(
        {"government budget of " + region.name + " (source)", sim::AccountKind::source, true});
  }
  private_capital_ = ledger_.open_account({"private capital (source)", sim::AccountKind::source, true});
  market_ = ledger_.open_account({"customers (source)", sim::AccountKind::source, true});
  rd_sink_ = ledger_.open_account({"R&D consumption (sink)", sim::AccountKind::sink, false});
  costs_sink_ = ledger_.open_account({"operating costs (sink)", sim::AccountKind::sink, false});
  payout_sink_ = ledger_.open_account({"payouts to owners (sink)", sim::AccountKind::sink, false});
  losses_sink_ = ledger_.open_account({"losses (sink)", sim::AccountKind::sink, false});
  inventors_sink_ = ledger_.open_account({"inventors (sink)", sim::AccountKind::sink, false});
  government_ = ledger_.open_account({"government treasury", sim::AccountKind::holding, false});
  insurer_ = ledger_.open_account({"first-of-a-kind insurer", sim::AccountKind::holding, false});
  pay(private_capital_, insurer_, p_.insurer_capital_yuan);
  bondholders_ = ledger_.open_account({"thematic bond holders", sim::AccountKind::holding, false});
  first_policy_account_ = static_cast<std::int64_t>(ledger_.account_count());
  for (const auto& policy : p_.policies) {
    ledger_.open_account({"policy " + policy.name, sim::AccountKind::holding, false});
  }
  first_agent_account_ = static_cast<sim::AccountId>(ledger_.account_count());
}

std::size_t EcosystemModel::spawn_firm(Performer kind, int region, int field, double revenue_yuan,
                                       std::int64_t step, sim::PhiloxStream& rng) {
  const std::size_t i = firms_.spawn();
  f_kind_[i] = kind;
  f_region_[i] = region;
  f_field_[i] = field;
  f_tier_[i] = kind == kLeadFirm ? kTiers - 1 : 0;
  f_base_revenue_[i] = revenue_yuan;
  f_revenue_[i] = revenue_yuan;
  f_margin_[i] =
      kind == kLeadFirm ? p_.operating_margin : p_.operating_margin + p_.sme_margin_sigma * rng.normal();
  f_employees_[i] = revenue_yuan / p_.revenue_per_employee_yuan;
  f_loan_due_[i] = 0;
  f_consortium_[i] = -1;
  f_vc_fund_[i] = -1;
  f_account_[i] =
      ledger_.open_account({fmt::format("firm {}", firms_.id(i)), sim::AccountKind::holding, false});
  const double seed = kind == kLeadFirm ? revenue_yuan : std::max(p_.sme_seed_capital_yuan, revenue_yuan);
  pay(private_capital_, f_account_[i], seed);
  f_cash_[i] = balance(f_account_[i]);
  // A firm born inside a step (spin-out) has neutral per-step scratch values until the next step.
  const std::size_t n = firms_.size();
  for (auto* v : {&f_extra_grant_, &f_deduction_, &f_interest_subsidy_, &f_risk_pool_share_, &f_basic_spend_,
                  &f_new_spend_, &f_dev_budget_, &f_product_value_, &f_need_}) {
    if (v->size() < n) v->resize(n, 0.0);
  }
  if (f_best_quality_.size() < n) f_best_quality_.resize(n, -1e9);
  if (f_risk_pool_policy_.size() < n) f_risk_pool_policy_.resize(n, -1);
  if (f_is_distressed_.size() < n) f_is_distressed_.resize(n, 0);
  if (f_has_experts_.size() < n) f_has_experts_.resize(n, 0);
  if (f_expert_policy_.size() < n) f_expert_policy_.resize(n, -1);
  if (f_commercializing_.size() < n) f_commercializing_.resize(n, 0);
  (void)step;
  return i;
}

// A field drawn with probability proportional to its weight (one uniform draw).
int EcosystemModel::pick_field(sim::PhiloxStream& rng) const {
  double field_weight = 0;
  for (const auto& f : p_.fields) field_weight += f.weight;
  double u = rng.uniform() * field_weight;
  for (std::size_t f = 0; f < p_.fields.size(); ++f) {
    u -= p_.fields[f].weight;
    if (u < 0) return static_cast<int>(f);
  }
  return static_cast<int>(p_.fields.size()) - 1;
}

void EcosystemModel::create_labs_and_firms() {
  double region_weight = 0;
  for (const auto& r : p_.regions) region_weight += r.weight;
  for (std::size_t r = 0; r < p_.regions.size(); ++r) {
    const double share = region_weight > 0 ? p_.regions[r].weight / region_weight : 0.0;
    const auto count = [&](std::int64_t total) {
      return static_cast<std::int64_t>(std::llround(share * static_cast<double>(total)));
    };
    for (int kind : {kUniversity, kInstitute}) {
      const std::int64_t n = count(kind == kUniversity ? p_.universities : p_.institutes);
      for (std::int64_t k = 0; k < n; ++k) {
        const std::size_t i = labs_.spawn();
        auto rng = streams_.stream(0, sim::purpose_id("setup/lab"), labs_.id(i));
        l_kind_[i] = u8(kind);
        l_region_[i] = static_cast<std::int32_t>(r);
        l_field_[i] = pick_field(rng);
        l_budget_[i] = (kind == kUniversity ? p_.university_budget_yuan : p_.institute_budget_yuan) *
                       p_.regions[r].lab_budget_multiplier * std::exp(0.3 * rng.normal() - 0.045);
        l_consortium_[i] = -1;
        l_account_[i] =
            ledger_.open_account({fmt::format("lab {}", labs_.id(i)), sim::AccountKind::holding, false});
      }
    }
    for (int kind : {kLeadFirm, kSme}) {
      const std::int64_t n = count(kind == kLeadFirm ? p_.lead_firms : p_.smes);
      for (std::int64_t k = 0; k < n; ++k) {
        auto rng = streams_.stream(0, sim::purpose_id("setup/firm"), firms_.next_id());
        const int field = pick_field(rng);
        const double mean = kind == kLeadFirm ? p_.lead_firm_revenue_yuan : p_.sme_revenue_yuan;
        const double revenue =
            mean * std::exp(p_.revenue_sigma * rng.normal() - 0.5 * p_.revenue_sigma * p_.revenue_sigma);
        spawn_firm(static_cast<Performer>(kind), static_cast<int>(r), field, revenue, 0, rng);
      }
    }
  }
}

std::size_t EcosystemModel::spawn_vc_fund(int region, int field, double capital_yuan, std::int64_t vintage,
                                          bool is_guided) {
  const std::size_t i = funds_.spawn();
  v_region_[i] = region;
  v_field_[i] = field;
  v_vintage_[i] = vintage;
  v_is_guided_[i] = is_guided ? 1 : 0;
  v_account_[i] =
      ledger_.open_account({fmt::format("vc fund {}", funds_.id(i)), sim::AccountKind::holding, false});
  (void)capital_yuan;
  return i;
}

void EcosystemModel::create_platforms_banks_funds() {
  for (std::size_t r = 0; r < p_.regions.size(); ++r) {
    const auto& region = p_.regions[r];
    for (std::int64_t k = 0; k < region.pilot_platforms; ++k) {
      const std::size_t i = platforms_.spawn();
      p_region_[i] = static_cast<std::int32_t>(r);
      // Pilot lines are field-specific (seed 002: paths differ by field): the region's platforms
      // serve its fields in turn, so demand for them differs by field.
      p_field_[i] = static_cast<std::int32_t>(k % static_cast<std::int64_t>(p_.fields.size()));
      p_slots_[i] = region.pilot_slots;
      auto rng = streams_.stream(0, sim::purpose_id("setup/platform"), platforms_.id(i));
      p_fee_[i] = p_.pilot_fee_yuan *
                  std::exp(p_.pilot_fee_sigma * rng.normal() - 0.5 * p_.pilot_fee_sigma * p_.pilot_fee_sigma);
      p_owner_[i] = static_cast<std::uint8_t>(
          std::find(kPilotOwners.begin(), kPilotOwners.end(), region.pilot_owner) - kPilotOwners.begin());
      p_account_[i] = ledger_.open_account(
          {fmt::format("pilot platform {}", platforms_.id(i)), sim::AccountKind::holding, false});
    }
    for (int f = 0; f < static_cast<int>(p_.fields.size()); ++f) {
      std::vector<std::uint32_t> own, any;
      for (std::size_t k = 0; k < platforms_.size(); ++k) {
        if (p_region_[k] != static_cast<std::int32_t>(r)) continue;
        any.push_back(static_cast<std::uint32_t>(k));
        if (p_field_[k] == f) own.push_back(static_cast<std::uint32_t>(k));
      }
      auto& usable = own.empty() ? any : own;
      std::stable_sort(usable.begin(), usable.end(),
                       [&](std::uint32_t a, std::uint32_t b) { return p_fee_[a] < p_fee_[b]; });
      double fee = p_.pilot_fee_yuan;
      if (!usable.empty()) {
        fee = 0;
        for (const std::uint32_t k : usable) fee += p_fee_[k] / static_cast<double>(usable.size());
      }
      platforms_by_cell_.push_back(usable);
      cell_expected_pilot_fee_.push_back(fee);
    }
    for (std::int64_t k = 0; k < region.banks; ++k) {
      const std::size_t i = banks_.spawn();
      b_region_[i] = static_cast<std::int32_t>(r);
      b_account_[i] =
          ledger_.open_account({fmt::format("bank {}", banks_.id(i)), sim::AccountKind::holding, false});
      pay(private_capital_, b_account_[i], p_.bank_capital_yuan);
    }
    for (std::int64_t k = 0; k < region.vc_funds; ++k) {
      // Staggered vintages so that funds invest and close throughout the run.
      const std::int64_t vintage =
          -(k * p_.vc_fund_life_quarters) / std::max<std::int64_t>(1, region.vc_funds);
      const std::size_t i = spawn_vc_fund(static_cast<int>(r), -1, p_.vc_fund_capital_yuan, vintage, false);
      pay(private_capital_, v_account_[i], p_.vc_fund_capital_yuan);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Money

// A payment's amount in whole fen; a non-finite amount is a bug in the model, reported with the
// accounts involved.
Fen EcosystemModel::payment_fen(std::int64_t from, std::int64_t to, double yuan) const {
  if (!std::isfinite(yuan)) {
    throw std::logic_error(fmt::format("step {}: payment of {} yuan from '{}' to '{}'", step_, yuan,
                                       ledger_.account(static_cast<sim::AccountId>(from)).owner,
                                       ledger_.account(static_cast<sim::AccountId>(to)).owner));
  }
  return to_fen(yuan);
}

void EcosystemModel::count_government_spending(std::int64_t from, std::int64_t to, Fen fen,
                                               double& spending) const {
  if ((is_government_budget(from) && !is_policy_account(to)) || is_policy_account(from))
    spending += to_yuan(fen);
}

// Whether a payer can pay at most its balance: holdings without an overdraft line (sources and
// overdraft lines pay whatever is asked).
bool EcosystemModel::is_capped_by_balance(std::int64_t from) const {
  const auto& spec = ledger_.account(static_cast<sim::AccountId>(from));
  return spec.kind == sim::AccountKind::holding && !spec.may_go_negative;
}

void EcosystemModel::pay(std::int64_t from, std::int64_t to, double yuan) {
  const Fen fen = payment_fen(from, to, yuan);
  if (fen <= 0) return;
  ledger_.transfer(static_cast<sim::AccountId>(from), static_cast<sim::AccountId>(to), fen);
  count_government_spending(from, to, fen, flows_.government_spending);
}

// Pays what the payer holds, at most `yuan`; returns what moved.
double EcosystemModel::pay_up_to(std::int64_t from, std::int64_t to, double yuan) {
  const double amount = is_capped_by_balance(from) ? std::min(yuan, balance(from)) : yuan;
  if (amount <= 0.005) return 0.0;
  pay(from, to, amount);
  return to_yuan(to_fen(amount));
}

void EcosystemModel::pay(ChunkPayments& chunk, std::int64_t from, std::int64_t to, double yuan) const {
  const Fen fen = payment_fen(from, to, yuan);
  if (fen <= 0) return;
  chunk.ledger.transfer(static_cast<sim::AccountId>(from), static_cast<sim::AccountId>(to), fen);
  count_government_spending(from, to, fen, chunk.government_spending);
}

// As pay_up_to; the payer is one of the chunk's own accounts or a source.
double EcosystemModel::pay_up_to(ChunkPayments& chunk, std::int64_t from, std::int64_t to,
                                 double yuan) const {
  const double amount = is_capped_by_balance(from) ? std::min(yuan, balance(chunk, from)) : yuan;
  if (amount <= 0.005) return 0.0;
  pay(chunk, from, to, amount);
  return to_yuan(to_fen(amount));
}

double EcosystemModel::step_cost(int trl, int field) const {
  return step_cost_table_[static_cast<std::size_t>(field) * 10 + static_cast<std::size_t>(trl)];
}

// The cost of the step from each TRL, grown by stage_cost_growth per level and scaled by the
// field's capital intensity; a table because every result needs it every step.
void EcosystemModel::fill_step_cost_table() {
  step_cost_table_.assign(p_.fields.size() * 10, 0.0);
  for (std::size_t field = 0; field < p_.fields.size(); ++field) {
    for (int trl = 1; trl <= 9; ++trl) {
      step_cost_table_[field * 10 + static_cast<std::size_t>(trl)] =
          p_.step_cost_yuan * std::pow(1.0 + p_.stage_cost_growth, trl - 1) *
          p_.fields[field].coefficients.capital_intensity;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Phases

void EcosystemModel::step(std::int64_t step) {
  step_ = step;
  scheduler_.run_step(step);
}

// ---------------------------------------------------------------------------------------------
// Metrics, events, invariants

void EcosystemModel::check_invariants(std::int64_t step, const std::string& phase) const {
  ledger_.check_conservation(step, phase);
  if (check_every_phase_) {
    results_.check_invariants();
    firms_.check_invariants();
    labs_.check_invariants();
  }
  // The first result (in row order) with a TRL outside 1-9, found in parallel.
  std::vector<std::size_t> first_bad(sim::chunk_count(results_.size()), results_.size());
  sim::parallel_for_chunks(results_.size(), [&](const sim::Chunk& chunk) {
    for (std::size_t i = chunk.begin; i != chunk.end; ++i) {
      if (r_trl_[i] < 1 || r_trl_[i] > 9) {
        first_bad[chunk.index] = i;
        return;
      }
    }
  });
  for (const std::size_t i : first_bad) {
    if (i == results_.size()) continue;
    throw std::logic_error(
        fmt::format("step {}, phase {}: result {} has TRL {}", step, phase, results_.id(i), r_trl_[i]));
  }
}

std::uint64_t EcosystemModel::state_hash() const {
  std::uint64_t hash = 1469598103934665603ULL;
  auto mix = [&](const auto& values) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(values.data());
    for (std::size_t k = 0; k < values.size() * sizeof(values[0]); ++k)
      hash = (hash ^ bytes[k]) * 1099511628211ULL;
  };
  mix(results_.ids());
  mix(r_trl_);
  mix(r_quality_);
  mix(r_owner_);
  mix(r_ip_);
  mix(firms_.ids());
  mix(f_revenue_);
  mix(f_tier_);
  mix(f_loan_);
  mix(f_tacit_knowledge_);
  mix(f_thematic_bond_);
  mix(i_served_);
  std::vector<Fen> balances(ledger_.account_count());
  for (std::size_t a = 0; a < balances.size(); ++a)
    balances[a] = ledger_.balance(static_cast<sim::AccountId>(a));
  mix(balances);
  return hash;
}

namespace {

// Bytes one replicate holds at its largest: about 100 bytes per result (fields, scratch and a
// snapshot row) with up to 20 live results per agent (the national baseline holds about 8), and
// about 600 bytes per agent (fields, scratch, ledger account with its owner name). Reading the
// parameters here also makes `innosim check` report undefined regions and fields in policies.
std::uint64_t estimate_memory_bytes(const sim::Config& config) {
  const Parameters parameters = read_parameters(config);
  const auto agents = static_cast<std::uint64_t>(parameters.universities + parameters.institutes +
                                                 parameters.lead_firms + parameters.smes);
  return agents * (20 * 100 + 600) + (1u << 20);
}

std::string describe_findings(const std::vector<sim::MetricInfo>& metrics,
                              const std::vector<std::vector<double>>& series) {
  auto last = [&](const std::string& name) {
    for (std::size_t m = 0; m < metrics.size(); ++m) {
      if (metrics[m].name == name && !series[m].empty()) return series[m].back();
    }
    return 0.0;
  };
  return fmt::format(
      "Found (replicate means, last step): firms perform {:.1f}% of R&D, institutes {:.1f}%, universities "
      "{:.1f}%; "
      "basic research is {:.1f}%. {:.1f}% of live invention patents are in industrial use (universities "
      "{:.1f}%, "
      "institutes {:.1f}%). {:.1f}% of results reached production and {:.1f}% of those an industry; "
      "pilot-verified "
      "results converted at {:.0f}% vs {:.0f}% unverified, with pilot platforms {:.0f}% utilised. SMEs: "
      "{:.0f} "
      "({:.0f} little giants); R&D intensity {:.2f}%.",
      100 * last("rd_share_enterprises"), 100 * last("rd_share_institutes"),
      100 * last("rd_share_universities"), 100 * last("basic_research_share"),
      100 * last("patent_industrialization_rate"), 100 * last("patent_industrialization_rate_universities"),
      100 * last("patent_industrialization_rate_institutes"), 100 * last("results_applied_share"),
      100 * last("applied_industrialized_share"), 100 * last("pilot_verified_conversion_rate"),
      100 * last("unverified_conversion_rate"), 100 * last("pilot_utilization"), last("sme_count"),
      last("sme_count_little_giant"), 100 * last("rd_intensity"));
}

}  // namespace

sim::ModelDefinition definition() {
  sim::ModelDefinition model;
  model.name = "ecosystem";
  model.summary =
      "Innovation ecosystem: research results through the three valleys, actors, finance and policy "
      "instruments";
  model.declare_parameters = declare_parameters;
  model.create = [](const sim::Config& config,
                    const sim::ReplicateContext& context) -> std::unique_ptr<sim::Model> {
    return std::make_unique<EcosystemModel>(read_parameters(config), context);
  };
  model.describe_findings = describe_findings;
  model.estimate_memory_bytes = estimate_memory_bytes;
  model.size_parameter = "ecosystem.smes";
  return model;
}

}  // namespace models::ecosystem
