#pragma once
// Venture capital funds, including guidance-fund sub-funds: raised with a vintage, they invest in
// the first half of their life and pay out at its end (invest_venture_capital).
#include <cstdint>
#include <vector>

#include "models/ecosystem/agent_rows.hpp"

namespace models::ecosystem {

struct VcFunds : AgentRows {
  VcFunds() : AgentRows(declare_fields()) {}

  // All hot (invest_venture_capital reads them all): 25 bytes per fund.
  std::vector<std::int32_t>& region = population.field<std::int32_t>("region");
  std::vector<std::int32_t>& field = population.field<std::int32_t>("field");      // targeted, -1 any
  std::vector<std::int64_t>& vintage = population.field<std::int64_t>("vintage");  // step raised
  std::vector<std::uint8_t>& is_guided = population.field<std::uint8_t>("is_guided");
  std::vector<std::int64_t>& account = population.field<std::int64_t>("account");

 private:
  // The fields in the order of the output file's /agents/vc_fund/ (the order of add_field).
  static sim::Population declare_fields() {
    sim::Population funds("vc_fund");
    funds.add_field<std::int32_t>("region", {"index", "Region", true});
    funds.add_field<std::int32_t>("field", {"index", "Targeted field (-1 any)", true});
    funds.add_field<std::int64_t>("vintage", {"step", "Step the fund was raised", true});
    funds.add_field<std::uint8_t>("is_guided", {"flag", "Sub-fund of a guidance fund", true});
    funds.add_field<std::int64_t>("account", {"id", "Ledger account", false});
    return funds;
  }
};

}  // namespace models::ecosystem
