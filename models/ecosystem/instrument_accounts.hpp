#pragma once
// Each policy instrument's money in the quarter, counted where every payment passes (Payments), so
// no instrument's spending can be left out of the output (issue 15):
//   committed      paid into its account from a government budget (its budget, at start_step),
//   spent          paid out of its account, to anyone,
//   returned       paid into its account from anything else (repayments, equity sold, fund returns),
//   beneficiaries  distinct accounts it paid in the quarter.
// Its balance then moves by committed - spent + returned, so over the run
// spent + unspent - returned = committed (tests/models/test_ecosystem_instrument_accounts.cpp).
// Amounts are whole fen: the parallel loops' chunks add theirs in any order and the totals are the
// same on any thread count.
#include <cstdint>
#include <string>
#include <vector>

#include "models/ecosystem/accounts.hpp"
#include "models/ecosystem/money.hpp"
#include "models/ecosystem/parameters.hpp"
#include "sim/core/table.hpp"

namespace models::ecosystem {

class InstrumentAccounts {
 public:
  // Zeroes the quarter's counts of `instruments` instruments (every step, before its phases).
  void begin_step(std::size_t instruments);
  // Counts a sequential payment of `fen` > 0.
  void count(const FixedAccounts& accounts, std::int64_t from, std::int64_t to, Fen fen);
  // Counts a payment made in a chunk of a parallel loop (thread-safe). A policy account is shared by
  // the chunks and cannot pay in one (sim/core/ledger_batch.hpp), so only money coming in is counted.
  // Inline: most payments in a chunk (firms' sales, costs, taxes) touch no policy account.
  void count_in_chunk(const FixedAccounts& accounts, std::int64_t from, std::int64_t to, Fen fen) {
    if (accounts.is_policy_account(from) || accounts.is_policy_account(to))
      count_policy_payment_in_chunk(accounts, from, to, fen);
  }
  // Turns the quarter's receivers into counts of distinct beneficiaries (every step, after its phases).
  void end_step();

  [[nodiscard]] Fen committed(std::size_t k) const { return committed_[k]; }
  [[nodiscard]] Fen spent(std::size_t k) const { return spent_[k]; }
  [[nodiscard]] Fen returned(std::size_t k) const { return returned_[k]; }
  [[nodiscard]] std::int64_t beneficiaries(std::size_t k) const { return beneficiaries_[k]; }

 private:
  void count_policy_payment_in_chunk(const FixedAccounts& accounts, std::int64_t from, std::int64_t to,
                                     Fen fen);

  std::vector<Fen> committed_, spent_, returned_;
  std::vector<std::int64_t> beneficiaries_;
  // Accounts each instrument paid this quarter, with repeats (sorted and counted at end_step).
  std::vector<std::vector<std::int64_t>> receivers_;
};

// The instruments' names in metric names: the policy name lowercased, each run of characters
// other than a-z and 0-9 replaced by '_' (none at either end; the type when nothing is left), and
// a repeated name suffixed _2, _3, ... in policy order. "Nansha risk pool" -> "nansha_risk_pool".
std::vector<std::string> instrument_slugs(const std::vector<PolicySpec>& policies);

// The metrics instrument.<slug>.committed|spent|returned|unspent|beneficiaries of every
// instrument, in policy order, five per instrument.
std::vector<sim::MetricInfo> instrument_metrics(const std::vector<PolicySpec>& policies);
inline constexpr std::size_t kMetricsPerInstrument = 5;

// The end-of-run summary's lines, one per instrument: its budget (committed over the run), spent,
// returned, unspent at the end, and whether it ran out (and when) or left money unspent. Reads the
// instrument metrics among `metrics` (their replicate-mean series); "" when there are none.
std::string describe_instrument_accounts(const std::vector<sim::MetricInfo>& metrics,
                                         const std::vector<std::vector<double>>& series);

}  // namespace models::ecosystem
