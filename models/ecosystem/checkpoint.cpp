// The ecosystem model's checkpoint: every member that carries over from one step to the next, in
// one fixed order (sim::Model::save_state). Per-step scratch is saved too where a phase might read
// last quarter's values before writing this quarter's (budgets, incentives, holdings, views): a
// few vectors per agent cost little next to the populations, and leaving one out that a phase does
// read would break the resumed run's bit-identity silently. Not saved: the proposal buffers and
// per-thread totals (emptied or reset before every use), the instruments' quarterly accounts
// (zeroed by begin_step before every step; measured before the checkpoint is written) and what the
// constructor rebuilds from the scenario (parameters, streams, scheduler, fixed accounts, labels).
#include <cstdint>
#include <istream>
#include <ostream>

#include "models/ecosystem/ecosystem.hpp"
#include "sim/core/binary_io.hpp"

namespace models::ecosystem {

namespace {

using sim::binary::read;
using sim::binary::read_nested;
using sim::binary::read_vector;
using sim::binary::write;
using sim::binary::write_nested;
using sim::binary::write_vector;

// A marker between the sections: a reader out of step with the writer (a member added to one side
// only) stops at the first section it misreads, naming it.
void write_section(std::ostream& out, std::uint32_t section) { write(out, 0xEC05'0000u + section); }
void expect_section(std::istream& in, std::uint32_t section, const char* name) {
  if (read<std::uint32_t>(in, name) != 0xEC05'0000u + section)
    throw sim::binary::ReadError(std::string("ecosystem checkpoint: section '") + name +
                                 "' is not where expected");
}

}  // namespace

void EcosystemModel::save_state(std::ostream& out) const {
  write_section(out, 1);
  write(out, step_);
  write(out, flows_);
  write_vector(out, region_flows_.licence_yuan);
  write_vector(out, region_flows_.vc_yuan);
  write(out, totals_);
  write(out, consortia_count_);
  write_vector(out, challenge_contracts_);
  write_vector(out, posted_needs_.open);
  write(out, step_costs_.level());
  ledger_.save_state(out);

  write_section(out, 2);
  results_.population.save_state(out);
  write_vector(out, result_scratch_.owner_index);
  write_vector(out, result_scratch_.dies);
  write_vector(out, result_scratch_.wants_pilot);

  write_section(out, 3);
  labs_.population.save_state(out);
  write_vector(out, lab_incentives_.office);
  for (const auto* values :
       {&lab_incentives_.effort_mult, &lab_incentives_.spinout_mult, &lab_incentives_.match_mult,
        &lab_incentives_.extra_grant, &lab_incentives_.dev_share, &lab_incentives_.mobility_mult,
        &lab_budgets_.basic_spend, &lab_budgets_.new_spend, &lab_budgets_.dev_budget, &lab_budgets_.need})
    write_vector(out, *values);
  write_vector(out, lab_incentives_.professor_policy);

  write_section(out, 4);
  firms_.population.save_state(out);
  for (const auto* values :
       {&firm_incentives_.extra_grant, &firm_incentives_.consortium_received, &firm_budgets_.grants_received,
        &firm_incentives_.deduction, &firm_incentives_.interest_subsidy, &firm_incentives_.risk_pool_share,
        &firm_budgets_.basic_spend, &firm_budgets_.new_spend, &firm_budgets_.dev_budget, &firm_budgets_.need,
        &firm_holdings_.product_value, &firm_holdings_.best_quality})
    write_vector(out, *values);
  for (const auto* values : {&firm_incentives_.interest_subsidy_policy, &firm_incentives_.risk_pool_policy,
                             &firm_incentives_.expert_policy, &firm_incentives_.deduction_policy,
                             &firm_holdings_.patents, &firm_holdings_.commercializing})
    write_vector(out, *values);
  write_vector(out, firm_conditions_.is_distressed);
  write_vector(out, firm_conditions_.has_experts);
  write_nested(out, firm_index_.by_cell);
  write_nested(out, firm_index_.smes_by_region);
  write_vector(out, exited_firm_ids_);

  write_section(out, 5);
  platforms_.population.save_state(out);
  write_vector(out, platforms_.effective_slots);
  write_nested(out, platforms_.by_cell);
  write_vector(out, platforms_.expected_fee_by_cell);
  write(out, platforms_.price_level);
  intermediaries_.population.save_state(out);
  write_vector(out, intermediaries_.effective_capacity);
  write_nested(out, intermediaries_.offices_by_region);
  write_nested(out, intermediaries_.experts_by_region);
  write(out, intermediaries_.price_level);
  funds_.population.save_state(out);
  banks_.population.save_state(out);
  write_nested(out, banks_.by_region);

  write_section(out, 6);
  write_nested(out, cell_policies_.voucher);
  write_vector(out, cell_policies_.insurance);
  write_vector(out, cell_policies_.procurement);
  write_vector(out, region_policies_.outreach);
  write_nested(out, region_policies_.pilot_operator);
  write_nested(out, region_policies_.pilot_capacity);
  write_nested(out, region_policies_.matching);
  write_vector(out, holder_views_.labs);
  write_vector(out, holder_views_.firms);
  for (const auto* values : {&markets_.demand_index, &markets_.adoption, &markets_.demand_growth,
                             &markets_.size, &markets_.intermediate_demand})
    write_vector(out, *values);
  write(out, markets_.wage_level);
  write_vector(out, events_.transitions);
  write_vector(out, events_.deals);
  write_vector(out, events_.deal_ids);
  write(out, events_.next_deal_id);
  write_section(out, 7);
}

void EcosystemModel::restore_state(std::istream& in) {
  expect_section(in, 1, "totals and ledger");
  step_ = read<std::int64_t>(in, "step");
  flows_ = read<Flows>(in, "flows");
  region_flows_.regions = p_.regions.size();
  read_vector(in, region_flows_.licence_yuan, "region flows");
  read_vector(in, region_flows_.vc_yuan, "region flows");
  totals_ = read<Totals>(in, "totals");
  consortia_count_ = read<std::int64_t>(in, "consortia");
  read_vector(in, challenge_contracts_, "challenge contracts");
  read_vector(in, posted_needs_.open, "posted needs");
  step_costs_.set_level(read<double>(in, "cost level"));
  ledger_.restore_state(in);

  expect_section(in, 2, "results");
  results_.population.restore_state(in);
  read_vector(in, result_scratch_.owner_index, "result scratch");
  read_vector(in, result_scratch_.dies, "result scratch");
  read_vector(in, result_scratch_.wants_pilot, "result scratch");

  expect_section(in, 3, "labs");
  labs_.population.restore_state(in);
  read_vector(in, lab_incentives_.office, "lab incentives");
  for (auto* values :
       {&lab_incentives_.effort_mult, &lab_incentives_.spinout_mult, &lab_incentives_.match_mult,
        &lab_incentives_.extra_grant, &lab_incentives_.dev_share, &lab_incentives_.mobility_mult,
        &lab_budgets_.basic_spend, &lab_budgets_.new_spend, &lab_budgets_.dev_budget, &lab_budgets_.need})
    read_vector(in, *values, "lab incentives and budgets");
  read_vector(in, lab_incentives_.professor_policy, "lab incentives");

  expect_section(in, 4, "firms");
  firms_.population.restore_state(in);
  for (auto* values :
       {&firm_incentives_.extra_grant, &firm_incentives_.consortium_received, &firm_budgets_.grants_received,
        &firm_incentives_.deduction, &firm_incentives_.interest_subsidy, &firm_incentives_.risk_pool_share,
        &firm_budgets_.basic_spend, &firm_budgets_.new_spend, &firm_budgets_.dev_budget, &firm_budgets_.need,
        &firm_holdings_.product_value, &firm_holdings_.best_quality})
    read_vector(in, *values, "firm incentives, budgets and holdings");
  for (auto* values : {&firm_incentives_.interest_subsidy_policy, &firm_incentives_.risk_pool_policy,
                       &firm_incentives_.expert_policy, &firm_incentives_.deduction_policy,
                       &firm_holdings_.patents, &firm_holdings_.commercializing})
    read_vector(in, *values, "firm incentives and holdings");
  read_vector(in, firm_conditions_.is_distressed, "firm conditions");
  read_vector(in, firm_conditions_.has_experts, "firm conditions");
  read_nested(in, firm_index_.by_cell, "firm index");
  read_nested(in, firm_index_.smes_by_region, "firm index");
  read_vector(in, exited_firm_ids_, "exited firms");

  expect_section(in, 5, "platforms, intermediaries, funds and banks");
  platforms_.population.restore_state(in);
  read_vector(in, platforms_.effective_slots, "platforms");
  read_nested(in, platforms_.by_cell, "platforms");
  read_vector(in, platforms_.expected_fee_by_cell, "platforms");
  platforms_.price_level = read<double>(in, "platforms");
  intermediaries_.population.restore_state(in);
  read_vector(in, intermediaries_.effective_capacity, "intermediaries");
  read_nested(in, intermediaries_.offices_by_region, "intermediaries");
  read_nested(in, intermediaries_.experts_by_region, "intermediaries");
  intermediaries_.price_level = read<double>(in, "intermediaries");
  funds_.population.restore_state(in);
  banks_.population.restore_state(in);
  read_nested(in, banks_.by_region, "banks");

  expect_section(in, 6, "policies, markets and events");
  read_nested(in, cell_policies_.voucher, "cell policies");
  read_vector(in, cell_policies_.insurance, "cell policies");
  read_vector(in, cell_policies_.procurement, "cell policies");
  read_vector(in, region_policies_.outreach, "region policies");
  read_nested(in, region_policies_.pilot_operator, "region policies");
  read_nested(in, region_policies_.pilot_capacity, "region policies");
  read_nested(in, region_policies_.matching, "region policies");
  read_vector(in, holder_views_.labs, "holder views");
  read_vector(in, holder_views_.firms, "holder views");
  for (auto* values : {&markets_.demand_index, &markets_.adoption, &markets_.demand_growth, &markets_.size,
                       &markets_.intermediate_demand})
    read_vector(in, *values, "markets");
  markets_.wage_level = read<double>(in, "markets");
  read_vector(in, events_.transitions, "events");
  read_vector(in, events_.deals, "events");
  read_vector(in, events_.deal_ids, "events");
  events_.next_deal_id = read<std::uint64_t>(in, "events");
  expect_section(in, 7, "end");
}

}  // namespace models::ecosystem
