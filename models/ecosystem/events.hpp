#pragma once
// The model's event tables (/events/transition/, /events/deal/), filled by the phases and taken
// by take_events after each step.
#include <cstdint>
#include <vector>

namespace models::ecosystem {

// A transition or death of one result, gathered in result order (events /events/transition/).
struct TransitionEvent {
  std::uint64_t result;
  std::uint8_t from_stage;
  std::uint8_t to_stage;  // kDeadStage when the result died
  std::uint8_t trl;
  std::uint8_t origin;
  std::int16_t field;
  std::uint8_t is_verified;
};
// A licence, assignment, spin-out, VC investment or loan (events /events/deal/).
enum DealKind : std::int32_t { kLicence = 0, kAssignment = 1, kSpinout = 2, kVcInvestment = 3, kLoan = 4 };
struct DealEvent {
  std::int32_t kind;
  std::int64_t buyer;   // firm id (licences, spin-outs), fund or bank id (investments, loans)
  std::int64_t seller;  // lab id, or the firm receiving money
  std::int64_t result;  // result id or -1
  double amount_yuan;
};

// The events of the step, taken (and cleared) by take_events.
struct Events {
  std::vector<TransitionEvent> transitions;
  std::vector<DealEvent> deals;
  std::vector<std::uint64_t> deal_ids;
  std::uint64_t next_deal_id = 0;

  void record_deal(const DealEvent& deal) {
    deal_ids.push_back(next_deal_id++);
    deals.push_back(deal);
  }
};

}  // namespace models::ecosystem
