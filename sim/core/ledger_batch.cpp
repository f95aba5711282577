#include "sim/core/ledger_batch.hpp"

#include <fmt/format.h>

#include <atomic>
#include <stdexcept>

namespace sim {

LedgerBatch::LedgerBatch(Ledger& ledger, AccountId shared_below)
    : ledger_(ledger), shared_below_(shared_below), shared_change_(shared_below, 0) {
  if (shared_below > ledger.account_count())
    throw std::logic_error("ledger batch: more shared accounts than the ledger has");
}

// Every transfer transfer() does not post inline: a shared payer, an overdraft line, an error.
void LedgerBatch::transfer_checked(AccountId from, AccountId to, MinorUnits amount) {
  ledger_.require_account(from);
  ledger_.require_account(to);
  const auto& specs = ledger_.specs_;
  if (amount <= 0) {
    throw LedgerError(fmt::format("ledger: transfer of {} from '{}' to '{}' must be positive",
                                  ledger_.format_amount(amount), specs[from].owner, specs[to].owner));
  }
  if (is_shared(from)) {
    if (!specs[from].may_go_negative) {
      throw LedgerError(fmt::format(
          "ledger: '{}' is shared by parallel tasks and may not go negative, so it cannot pay in a batch",
          specs[from].owner));
    }
    shared_change_[from] -= amount;
  } else {
    auto& balance = ledger_.balances_[from];
    MinorUnits after = 0;
    if (__builtin_sub_overflow(balance, amount, &after))
      throw LedgerError(fmt::format("ledger: transfer from '{}' overflows its balance", specs[from].owner));
    if (after < 0 && !specs[from].may_go_negative) {
      throw LedgerError(fmt::format("ledger: '{}' cannot pay {} to '{}': balance is {}", specs[from].owner,
                                    ledger_.format_amount(amount), specs[to].owner,
                                    ledger_.format_amount(balance)));
    }
    balance = after;
    ledger_.posted_[from] -= amount;
  }
  if (is_shared(to)) {
    shared_change_[to] += amount;
  } else {
    auto& balance = ledger_.balances_[to];
    if (__builtin_add_overflow(balance, amount, &balance))
      throw LedgerError(fmt::format("ledger: transfer to '{}' overflows its balance", specs[to].owner));
    ledger_.posted_[to] += amount;
  }
}

void LedgerBatch::throw_shared_balance(AccountId account) const {
  throw std::logic_error(
      fmt::format("ledger batch: the balance of shared account '{}' is not defined "
                  "while parallel tasks pay into it",
                  ledger_.specs_.at(account).owner));
}

void LedgerBatch::commit() {
  if (committed_) throw std::logic_error("ledger batch committed twice");
  committed_ = true;
  for (AccountId a = 0; a < shared_below_; ++a) {
    if (shared_change_[a] == 0) continue;
    std::atomic_ref<MinorUnits>(ledger_.balances_[a]).fetch_add(shared_change_[a], std::memory_order_relaxed);
    std::atomic_ref<MinorUnits>(ledger_.posted_[a]).fetch_add(shared_change_[a], std::memory_order_relaxed);
  }
}

}  // namespace sim
