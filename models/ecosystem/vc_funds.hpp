#pragma once
// Venture capital funds, including guidance-fund sub-funds: raised with a vintage, they invest in
// the first half of their life, exit by listing, trade sale or write-off, and pay their limited
// partners (private and, for sub-funds, the government) at its end (invest_venture_capital).
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
  // Cold: the government's part (guidance sub-funds) and the portfolio at cost.
  std::vector<double>& government_share = population.field<double>("government_share");
  std::vector<std::int32_t>& policy = population.field<std::int32_t>("policy");  // guidance_fund, -1 none
  std::vector<double>& invested = population.field<double>("invested");

 private:
  // The fields in the order of the output file's /agents/vc_fund/ (the order of add_field).
  static sim::Population declare_fields() {
    sim::Population funds("vc_fund");
    funds.add_field<std::int32_t>("region", {"index", "Region", true});
    funds.add_field<std::int32_t>("field", {"index", "Targeted field (-1 any)", true});
    funds.add_field<std::int64_t>("vintage", {"step", "Step the fund was raised", true});
    funds.add_field<std::uint8_t>("is_guided", {"flag", "Sub-fund of a guidance fund", true});
    funds.add_field<std::int64_t>("account", {"id", "Ledger account", false});
    funds.add_field<double>("government_share",
                            {"1", "Share of the fund's capital from the government (guidance fund)", true});
    funds.add_field<std::int32_t>("policy", {"index", "guidance_fund instrument (-1 none)", false});
    funds.add_field<double>("invested", {"yuan", "Holdings in firms at cost, not yet exited", true});
    return funds;
  }
};

}  // namespace models::ecosystem
