#pragma once
// Set-up of a replicate (step 0): the fixed accounts, the agents of every kind with their
// accounts and starting money; and the births of firms and VC funds during the run.
#include <cstddef>
#include <cstdint>

#include "models/ecosystem/accounts.hpp"
#include "models/ecosystem/banks.hpp"
#include "models/ecosystem/firms.hpp"
#include "models/ecosystem/intermediaries.hpp"
#include "models/ecosystem/labs.hpp"
#include "models/ecosystem/parameters.hpp"
#include "models/ecosystem/payments.hpp"
#include "models/ecosystem/pilot_platforms.hpp"
#include "models/ecosystem/vc_funds.hpp"
#include "sim/core/ledger.hpp"
#include "sim/core/philox_stream.hpp"

namespace models::ecosystem {

// What a new firm starts with.
struct FirmSpec {
  Performer kind = kSme;
  int region = 0;
  int field = 0;
  double revenue_yuan = 0;  // per quarter, also its base revenue at demand index 1
};

// What a new VC fund is (its money is paid in by the caller).
struct VcFundSpec {
  int region = 0;
  int field = -1;            // targeted field, -1 any
  std::int64_t vintage = 0;  // step it is raised
  bool is_guided = false;    // sub-fund of a guidance fund
  std::int32_t policy = -1;  // its guidance_fund instrument
};

// What a firm's birth touches: its row and account, its seed capital, and its per-step scratch,
// which holds neutral values until the next step sets them.
struct FirmBirths {
  const Parameters& p;
  Firms& firms;
  FirmIncentives& incentives;
  FirmBudgets& budgets;
  FirmHoldings& holdings;
  FirmConditions& conditions;
  Payments& payments;

  // A new firm with its account and seed capital; an SME's margin is drawn from `rng`. Returns its row.
  std::size_t spawn(const FirmSpec& spec, sim::PhiloxStream& rng);

  // `count` new firms whose rows are added at once (one resize per field instead of one per firm);
  // `spec_of(rng)` gives each firm's spec in turn and its draws come first, then the firm's own, so
  // the draws, ids, accounts and payments are those of `count` spawn calls in a row. Returns the
  // first row.
  template <class SpecOf>
  std::size_t spawn_many(std::size_t count, sim::PhiloxStream& rng, SpecOf&& spec_of) {
    const std::size_t first = add_rows(count);
    for (std::size_t i = first; i < first + count; ++i) set_up(i, spec_of(rng), rng);
    return first;
  }

 private:
  // Appends `count` rows to the firms and their per-step scratch (neutral values); returns the first.
  std::size_t add_rows(std::size_t count);
  // Fills row i from `spec` and `rng`, opens its account and pays its seed capital.
  void set_up(std::size_t i, const FirmSpec& spec, sim::PhiloxStream& rng);
};

// A new VC fund with its account. Returns its row.
std::size_t spawn_vc_fund(VcFunds& funds, sim::Ledger& ledger, const VcFundSpec& spec);

// A field drawn with probability proportional to its weight (one uniform draw).
int pick_field(const Parameters& p, sim::PhiloxStream& rng);

// Opens the fixed accounts, in this order: national and regional budgets, private capital,
// customers, sinks, treasury, insurer (paid its capital), bond holders, one per policy.
void open_fixed_accounts(const Parameters& p, FixedAccounts& accounts, Payments& payments);
// Labs and firms of each region, in region order, by its weight.
void create_labs_and_firms(const Parameters& p, const sim::RandomStreams& streams, Labs& labs,
                           FirmBirths& births, Payments& payments);
// Each region's pilot platforms (and the platforms each cell can use), banks and VC funds.
void create_platforms_banks_funds(const Parameters& p, const sim::RandomStreams& streams,
                                  PilotPlatforms& platforms, Banks& banks, VcFunds& funds,
                                  Payments& payments);
// Each region's transfer offices, expert services and incubators, in region order, offices first.
void create_intermediaries(const Parameters& p, Intermediaries& intermediaries, sim::Ledger& ledger);

}  // namespace models::ecosystem
