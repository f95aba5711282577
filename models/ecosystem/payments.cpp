#include "models/ecosystem/payments.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace models::ecosystem {

// A payment's amount in whole fen; a non-finite amount is a bug in the model, reported with the
// accounts involved.
Fen Payments::payment_fen(std::int64_t from, std::int64_t to, double yuan) const {
  if (!std::isfinite(yuan)) {
    throw std::logic_error(fmt::format("step {}: payment of {} yuan from '{}' to '{}'", *step_, yuan,
                                       ledger_->account(static_cast<sim::AccountId>(from)).owner,
                                       ledger_->account(static_cast<sim::AccountId>(to)).owner));
  }
  return to_fen(yuan);
}

void Payments::count_government_spending(std::int64_t from, std::int64_t to, Fen fen,
                                         double& spending) const {
  if ((accounts_->is_government_budget(from) && !accounts_->is_policy_account(to)) ||
      accounts_->is_policy_account(from))
    spending += to_yuan(fen);
}

// Whether a payer can pay at most its balance: holdings without an overdraft line (sources and
// overdraft lines pay whatever is asked).
bool Payments::is_capped_by_balance(std::int64_t from) const {
  return ledger_->is_capped_by_balance(static_cast<sim::AccountId>(from));
}

void Payments::pay(std::int64_t from, std::int64_t to, double yuan) {
  const Fen fen = payment_fen(from, to, yuan);
  if (fen <= 0) return;
  ledger_->transfer(static_cast<sim::AccountId>(from), static_cast<sim::AccountId>(to), fen);
  count_government_spending(from, to, fen, *government_spending_);
  instruments_->count(*accounts_, from, to, fen);
}

double Payments::pay_up_to(std::int64_t from, std::int64_t to, double yuan) {
  const double amount = is_capped_by_balance(from) ? std::min(yuan, balance(from)) : yuan;
  if (amount <= 0.005) return 0.0;
  pay(from, to, amount);
  return to_yuan(to_fen(amount));
}

void Payments::pay(ChunkPayments& chunk, std::int64_t from, std::int64_t to, double yuan) const {
  const Fen fen = payment_fen(from, to, yuan);
  if (fen <= 0) return;
  chunk.ledger.transfer(static_cast<sim::AccountId>(from), static_cast<sim::AccountId>(to), fen);
  count_government_spending(from, to, fen, chunk.government_spending);
  instruments_->count_in_chunk(*accounts_, from, to, fen);
}

double Payments::pay_up_to(ChunkPayments& chunk, std::int64_t from, std::int64_t to, double yuan) const {
  const double amount = is_capped_by_balance(from) ? std::min(yuan, balance(chunk, from)) : yuan;
  if (amount <= 0.005) return 0.0;
  pay(chunk, from, to, amount);
  return to_yuan(to_fen(amount));
}

}  // namespace models::ecosystem
