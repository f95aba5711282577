#pragma once
// Intermediaries (seed 004): tech transfer offices and brokers, expert services, incubators and
// maker spaces. They never exit, so rows are stable.
#include <cstdint>
#include <vector>

#include "models/ecosystem/agent_rows.hpp"

namespace models::ecosystem {

struct Intermediaries : AgentRows {
  Intermediaries() : AgentRows(declare_fields()) {}

  // All hot (the phases that use intermediaries read most of them): 53 bytes per agent.
  std::vector<std::uint8_t>& kind = population.field<std::uint8_t>("kind");  // kTransferOffice, ...
  std::vector<std::int32_t>& region = population.field<std::int32_t>("region");
  // Deals (offices) or firms (expert services, incubators) per quarter.
  std::vector<std::int64_t>& capacity = population.field<std::int64_t>("capacity");
  std::vector<double>& strength = population.field<double>("strength");  // offices: multiplies matching
  std::vector<double>& fee_yuan = population.field<double>("fee_yuan");  // expert services, incubators
  std::vector<double>& commission_share = population.field<double>("commission_share");  // offices
  std::vector<std::int64_t>& served = population.field<std::int64_t>("served");
  std::vector<std::int64_t>& account = population.field<std::int64_t>("account");

  // Capacity of the quarter: capacity plus a matching_service's slots (apply_policies).
  std::vector<std::int64_t> effective_capacity;
  // Rows of each region's transfer offices and expert services, from set-up.
  std::vector<std::vector<std::uint32_t>> offices_by_region, experts_by_region;
  // The wage and price level of the quarter (1 at step 0): fees (`fee_yuan`, in prices of step 0) and
  // the licence fees of the deals offices broker are paid at it. Set by the model every step.
  double price_level = 1.0;

 private:
  // The fields in the order of the output file's /agents/intermediary/ (the order of add_field).
  static sim::Population declare_fields() {
    sim::Population intermediaries("intermediary");
    intermediaries.add_field<std::uint8_t>(
        "kind", {"kind", "0 transfer office or broker, 1 expert service, 2 incubator", true});
    intermediaries.add_field<std::int32_t>("region", {"index", "Region", true});
    intermediaries.add_field<std::int64_t>(
        "capacity",
        {"per quarter", "Deals (offices) or firms (expert services, incubators) per quarter", true});
    intermediaries.add_field<double>(
        "strength", {"1", "Offices: multiplies the matching rate of the labs they serve", true});
    intermediaries.add_field<double>("fee_yuan",
                                     {"yuan", "Expert services and incubators: fee per firm served", true});
    intermediaries.add_field<double>("commission_share",
                                     {"1", "Offices: share of the deal fee they earn", true});
    intermediaries.add_field<std::int64_t>(
        "served", {"per quarter", "Deals closed or firms served in the quarter", true});
    intermediaries.add_field<std::int64_t>("account", {"id", "Ledger account", false});
    return intermediaries;
  }
};

}  // namespace models::ecosystem
