#pragma once
// Transfers made from a parallel loop over agents, one batch per fixed chunk (parallel.hpp).
//
// Each task owns the accounts of its own agents; the accounts opened first (sources, sinks, a
// treasury: every id below `shared_below`) are shared by all tasks. A shared account may receive
// money in a batch, and pay only if it may go negative (a source): whether a non-negative holding
// could pay would depend on which task came first. Transfers between owned accounts go straight
// to the ledger; the shared accounts' changes are summed in the batch and added at commit().
// Minor units are integers, so those sums are exact: the ledger ends bit-identical whatever the order of
// the tasks and the number of threads, and check_conservation() holds as for Ledger::transfer.
//
//   sim::parallel_for_chunks(firms, [&](const sim::Chunk& chunk) {
//     sim::LedgerBatch batch(ledger, first_agent_account);
//     for (i in chunk) batch.transfer(market, account[i], revenue);
//     batch.commit();
//   });
#include <vector>

#include "sim/core/ledger.hpp"

namespace sim {

class LedgerBatch {
 public:
  LedgerBatch(Ledger& ledger, AccountId shared_below);
  LedgerBatch(const LedgerBatch&) = delete;
  LedgerBatch& operator=(const LedgerBatch&) = delete;

  // Like Ledger::transfer; throws LedgerError for a non-positive amount, an unknown account, an
  // overdraft of an owned account, or a payment by a shared account that may not go negative.
  // Inline for the common cases (every firm's sales, costs and taxes); errors, an owned overdraft
  // line going negative and a payment to itself go through transfer_checked (every check, in
  // order); the inline path changes nothing until it knows that path would not throw.
  void transfer(AccountId from, AccountId to, MinorUnits amount) {
    auto& balances = ledger_.balances_;
    MinorUnits to_after = 0;
    if (from >= balances.size() || to >= balances.size() || from == to || amount <= 0 ||
        (!is_shared(to) && __builtin_add_overflow(balances[to], amount, &to_after))) {
      transfer_checked(from, to, amount);
      return;
    }
    if (is_shared(from)) {
      if (!ledger_.specs_[from].may_go_negative) {
        transfer_checked(from, to, amount);
        return;
      }
      shared_change_[from] -= amount;
    } else {
      MinorUnits from_after = 0;
      if (__builtin_sub_overflow(balances[from], amount, &from_after) || from_after < 0) {
        transfer_checked(from, to, amount);
        return;
      }
      balances[from] = from_after;
      ledger_.posted_[from] -= amount;
    }
    if (is_shared(to)) {
      shared_change_[to] += amount;
    } else {
      balances[to] = to_after;
      ledger_.posted_[to] += amount;
    }
  }
  // Balance of an owned account. Throws std::logic_error for a shared one: mid-loop, it would
  // depend on the other tasks' progress.
  [[nodiscard]] MinorUnits balance(AccountId owned) const {
    if (is_shared(owned)) throw_shared_balance(owned);
    return ledger_.balance(owned);
  }
  // Adds the shared accounts' net changes to the ledger (atomically: other tasks commit too).
  void commit();

 private:
  [[nodiscard]] bool is_shared(AccountId account) const { return account < shared_below_; }
  void transfer_checked(AccountId from, AccountId to, MinorUnits amount);
  [[noreturn]] void throw_shared_balance(AccountId account) const;

  Ledger& ledger_;
  AccountId shared_below_;
  std::vector<MinorUnits> shared_change_;  // net change of each shared account in this batch
  bool committed_ = false;
};

}  // namespace sim
