#pragma once
// Payments between ledger accounts, in yuan: amounts are rounded to whole fen, a payer that is a
// holding without an overdraft pays at most its balance (pay_up_to), payments out of a
// government budget or a policy account count as government spending of the quarter, and payments
// into or out of a policy account count in that instrument's accounts (instrument_accounts.hpp).
#include <cmath>
#include <cstdint>

#include "models/ecosystem/accounts.hpp"
#include "models/ecosystem/instrument_accounts.hpp"
#include "models/ecosystem/money.hpp"
#include "sim/core/ledger.hpp"
#include "sim/core/ledger_batch.hpp"

namespace models::ecosystem {

// The payments of one chunk of a parallel loop over agents: the chunk's agents' accounts are its
// own, the fixed accounts are shared (sim/core/ledger_batch.hpp). Government spending is summed per
// chunk; the caller adds the chunks' sums in chunk order.
struct ChunkPayments {
  sim::LedgerBatch ledger;
  double government_spending = 0;
};

class Payments {
 public:
  // `step` names the step in error messages; `government_spending` is the quarter's flow that
  // sequential payments add to (Flows::government_spending); `instruments` counts every payment
  // into or out of a policy account, sequential or in a chunk.
  Payments(sim::Ledger& ledger, const FixedAccounts& accounts, const std::int64_t& step,
           double& government_spending, InstrumentAccounts& instruments)
      : ledger_(&ledger),
        accounts_(&accounts),
        step_(&step),
        government_spending_(&government_spending),
        instruments_(&instruments) {}

  void pay(std::int64_t from, std::int64_t to, double yuan);
  // Pays what the payer holds, at most `yuan`; returns what moved.
  double pay_up_to(std::int64_t from, std::int64_t to, double yuan);
  [[nodiscard]] double balance(std::int64_t account) const {
    return to_yuan(ledger_->balance(static_cast<sim::AccountId>(account)));
  }

  [[nodiscard]] ChunkPayments chunk() {
    return {sim::LedgerBatch(*ledger_, accounts_->first_agent_account), 0.0};
  }
  void pay(ChunkPayments& chunk, std::int64_t from, std::int64_t to, double yuan) const;
  // As pay_up_to; the payer is one of the chunk's own accounts or a source.
  double pay_up_to(ChunkPayments& chunk, std::int64_t from, std::int64_t to, double yuan) const;
  [[nodiscard]] static double balance(const ChunkPayments& chunk, std::int64_t account) {
    return to_yuan(chunk.ledger.balance(static_cast<sim::AccountId>(account)));
  }

  [[nodiscard]] sim::Ledger& ledger() { return *ledger_; }
  [[nodiscard]] const sim::Ledger& ledger() const { return *ledger_; }
  [[nodiscard]] const FixedAccounts& accounts() const { return *accounts_; }

 private:
  // A payment's amount in whole fen (inline: every payment rounds one).
  [[nodiscard]] Fen payment_fen(std::int64_t from, std::int64_t to, double yuan) const {
    if (!std::isfinite(yuan)) throw_non_finite(from, to, yuan);
    return to_fen(yuan);
  }
  [[noreturn]] void throw_non_finite(std::int64_t from, std::int64_t to, double yuan) const;
  // Moves `fen` (nothing when it is not positive) and counts it (government spending, instruments).
  void post(std::int64_t from, std::int64_t to, Fen fen);
  void post(ChunkPayments& chunk, std::int64_t from, std::int64_t to, Fen fen) const;
  void count_government_spending(std::int64_t from, std::int64_t to, Fen fen, double& spending) const;
  [[nodiscard]] bool is_capped_by_balance(std::int64_t from) const;

  sim::Ledger* ledger_;
  const FixedAccounts* accounts_;
  const std::int64_t* step_;
  double* government_spending_;
  InstrumentAccounts* instruments_;
};

}  // namespace models::ecosystem
