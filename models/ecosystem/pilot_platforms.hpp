#pragma once
// Pilot platforms (中试平台): field-specific pilot lines of a region that verify results at TRL
// 5-6 for a fee (run_pilot_platforms). They never exit, so rows are stable.
#include <cstdint>
#include <vector>

#include "models/ecosystem/agent_rows.hpp"

namespace models::ecosystem {

struct PilotPlatforms : AgentRows {
  PilotPlatforms() : AgentRows(declare_fields()) {}

  // Hot: run_pilot_platforms reads them all: 41 bytes per platform.
  std::vector<std::int32_t>& region = population.field<std::int32_t>("region");
  std::vector<std::int32_t>& field = population.field<std::int32_t>("field");  // its pilot lines serve
  std::vector<std::int64_t>& slots = population.field<std::int64_t>("slots");  // base capacity per quarter
  std::vector<std::int64_t>& served = population.field<std::int64_t>("served");
  std::vector<double>& fee = population.field<double>("fee");                  // yuan per verification
  std::vector<std::uint8_t>& owner = population.field<std::uint8_t>("owner");  // index of kPilotOwners
  std::vector<std::int64_t>& account = population.field<std::int64_t>("account");

  // Capacity of the quarter: slots plus a pilot_capacity instrument's (run_pilot_platforms).
  std::vector<std::int64_t> effective_slots;
  // Per (region, field), from set-up: platforms a result of that cell can use, cheapest first (its
  // field's, or every platform of the region where none serves the field), and their mean fee
  // (users' expected fee; pilot_fee_yuan where the region has none).
  std::vector<std::vector<std::uint32_t>> by_cell;
  std::vector<double> expected_fee_by_cell;
  // The wage and price level of the quarter (1 at step 0): `fee` and the expected fees are in prices
  // of step 0, so users' deterrence (a ratio of fees to their willingness) does not drift; what
  // users pay is the fee times this level. Set by the model at the start of every step.
  double price_level = 1.0;

 private:
  // The fields in the order of the output file's /agents/platform/ (the order of add_field).
  static sim::Population declare_fields() {
    sim::Population platforms("platform");
    platforms.add_field<std::int32_t>("region", {"index", "Region", true});
    platforms.add_field<std::int32_t>("field", {"index", "Field its pilot lines serve", true});
    platforms.add_field<std::int64_t>("slots", {"slots/quarter", "Base capacity", true});
    platforms.add_field<std::int64_t>("served", {"users", "Users served in the quarter", true});
    platforms.add_field<double>("fee", {"yuan", "Fee per verification", true});
    platforms.add_field<std::uint8_t>(
        "owner", {"kind", "0 government, 1 university, 2 lead firm, 3 consortium", true});
    platforms.add_field<std::int64_t>("account", {"id", "Ledger account", false});
    return platforms;
  }
};

}  // namespace models::ecosystem
