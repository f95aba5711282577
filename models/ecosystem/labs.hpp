#pragma once
// Universities and public research institutes ("labs"): funded by appropriations, they perform
// research, hold results up to lab_max_trl and transfer them to firms (technology_transfer.cpp).
// Labs never exit, so rows are stable.
#include <cstdint>
#include <vector>

#include "models/ecosystem/agent_rows.hpp"

namespace models::ecosystem {

struct Labs : AgentRows {
  Labs() : AgentRows(declare_fields()) {}

  // Hot: read by most phases: 34 bytes per lab.
  std::vector<std::uint8_t>& kind = population.field<std::uint8_t>("kind");  // kUniversity, kInstitute
  std::vector<std::int32_t>& region = population.field<std::int32_t>("region");
  std::vector<std::int32_t>& field = population.field<std::int32_t>("field");
  std::vector<std::int64_t>& consortium = population.field<std::int64_t>("consortium");  // -1 none
  // 1: a member of its consortium's general layer (weaker tie); 0: core (or none).
  std::vector<std::uint8_t>& consortium_general = population.field<std::uint8_t>("consortium_general");
  std::vector<std::int64_t>& account = population.field<std::int64_t>("account");
  std::vector<double>& industry_ties = population.field<double>("industry_ties");  // researchers placed
  // 1: a new-type R&D institution (新型研发机构, new_type_institutes.hpp), kind institute.
  std::vector<std::uint8_t>& is_new_type = population.field<std::uint8_t>("new_type");
  // Cold: the appropriation (fund_research) and the cash after the step (retire_results).
  std::vector<double>& budget_yuan = population.field<double>("budget_yuan");
  std::vector<double>& cash = population.field<double>("cash");

 private:
  // The fields in the order of the output file's /agents/lab/ (the order of add_field).
  static sim::Population declare_fields() {
    sim::Population labs("lab");
    labs.add_field<std::uint8_t>("kind", {"kind", "0 university, 1 institute", true});
    labs.add_field<std::int32_t>("region", {"index", "Region", true});
    labs.add_field<std::int32_t>("field", {"index", "Main field", true});
    labs.add_field<double>("budget_yuan", {"yuan/quarter", "Government R&D appropriation", true});
    labs.add_field<double>("cash", {"yuan", "Cash after the step", true});
    labs.add_field<std::int64_t>("consortium",
                                 {"id", "Consortium membership: instrument × 2^32 + number (-1 none)", true});
    labs.add_field<std::uint8_t>("consortium_general",
                                 {"flag", "1: in its consortium's general layer; 0: core or none", false});
    labs.add_field<std::int64_t>("account", {"id", "Ledger account", false});
    labs.add_field<double>("industry_ties",
                           {"researchers", "Researchers placed in firms (talent mobility), decaying", true});
    labs.add_field<std::uint8_t>("new_type", {"flag", "1: a new-type R&D institution (新型研发机构)", true});
    return labs;
  }
};

// Per lab, set each step by apply_policies (not in snapshots): what the policy mix and the lab's
// transfer office do to it this quarter.
struct LabIncentives {
  std::vector<std::int32_t> office;  // intermediary row of its transfer office, -1 none
  // Transfer effort and spin-out multipliers (evaluation regime, IP reform), matching multiplier
  // (office strength, industry ties, matching services).
  std::vector<double> effort_mult, spinout_mult, match_mult;
  std::vector<double> extra_grant;  // rd_grant money it may draw this quarter, yuan
  std::vector<double> dev_share;    // share of applied spending on development of its results
  // Talent mobility: researcher moves multiplier and the industry_professor instrument paying, -1 none.
  std::vector<double> mobility_mult;
  std::vector<std::int32_t> professor_policy;
};

// Per lab, each step: its research spending split (fund_research) and its need of development
// money for the results it holds (index_holdings), in yuan.
struct LabBudgets {
  std::vector<double> basic_spend, new_spend, dev_budget;
  std::vector<double> need;
};

}  // namespace models::ecosystem
