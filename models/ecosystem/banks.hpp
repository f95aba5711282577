#pragma once
// Banks: each lends to the SMEs of its region (lend_and_settle_loans). They never exit.
#include <cstdint>
#include <vector>

#include "models/ecosystem/agent_rows.hpp"

namespace models::ecosystem {

struct Banks : AgentRows {
  Banks() : AgentRows(declare_fields()) {}

  // All hot: 20 bytes per bank.
  std::vector<std::int32_t>& region = population.field<std::int32_t>("region");
  std::vector<double>& loans_outstanding = population.field<double>("loans_outstanding");
  std::vector<std::int64_t>& account = population.field<std::int64_t>("account");

  // Cold: bank rows by region, in row order (banks never exit, so set-up builds it once).
  std::vector<std::vector<std::uint32_t>> by_region;

  // Whether firms of `region` have a bank to borrow from.
  [[nodiscard]] bool has_lender_in(std::int32_t region) const {
    return !by_region[static_cast<std::size_t>(region)].empty();
  }
  // The bank that lends to a firm of `firm_region`: one of the region's banks, fixed by the firm's id
  // (-1 when the region has none). Lending, repayment and default all deal with this one.
  [[nodiscard]] std::int64_t lender_of(std::int32_t firm_region, sim::AgentId firm) const {
    if (!has_lender_in(firm_region)) return -1;
    const auto& banks = by_region[static_cast<std::size_t>(firm_region)];
    return static_cast<std::int64_t>(banks[static_cast<std::size_t>(firm % banks.size())]);
  }

 private:
  // The fields in the order of the output file's /agents/bank/ (the order of add_field).
  static sim::Population declare_fields() {
    sim::Population banks("bank");
    banks.add_field<std::int32_t>("region", {"index", "Region", true});
    banks.add_field<double>("loans_outstanding", {"yuan", "Loans outstanding", true});
    banks.add_field<std::int64_t>("account", {"id", "Ledger account", false});
    return banks;
  }
};

}  // namespace models::ecosystem
