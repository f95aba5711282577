#include "models/ecosystem/payments.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace models::ecosystem {

// A non-finite amount is a bug in the model, reported with the accounts involved (payment_fen).
void Payments::throw_non_finite(std::int64_t from, std::int64_t to, double yuan) const {
  throw std::logic_error(fmt::format("step {}: payment of {} yuan from '{}' to '{}'", *step_, yuan,
                                     ledger_->account(static_cast<sim::AccountId>(from)).owner,
                                     ledger_->account(static_cast<sim::AccountId>(to)).owner));
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
  post(from, to, payment_fen(from, to, yuan));
}

void Payments::post(std::int64_t from, std::int64_t to, Fen fen) {
  if (fen <= 0) return;
  ledger_->transfer(static_cast<sim::AccountId>(from), static_cast<sim::AccountId>(to), fen);
  count_government_spending(from, to, fen, *government_spending_);
  instruments_->count(*accounts_, from, to, fen);
}

// A request of at most half a fen moves nothing whatever the payer holds, so its balance is not
// read; the amount is rounded to fen once, for the payment and for what is returned.
double Payments::pay_up_to(std::int64_t from, std::int64_t to, double yuan) {
  if (yuan <= 0.005) return 0.0;
  const double amount = is_capped_by_balance(from) ? std::min(yuan, balance(from)) : yuan;
  if (amount <= 0.005) return 0.0;
  const Fen fen = payment_fen(from, to, amount);
  post(from, to, fen);
  return to_yuan(fen);
}

void Payments::pay(ChunkPayments& chunk, std::int64_t from, std::int64_t to, double yuan) const {
  post(chunk, from, to, payment_fen(from, to, yuan));
}

void Payments::post(ChunkPayments& chunk, std::int64_t from, std::int64_t to, Fen fen) const {
  if (fen <= 0) return;
  chunk.ledger.transfer(static_cast<sim::AccountId>(from), static_cast<sim::AccountId>(to), fen);
  count_government_spending(from, to, fen, chunk.government_spending);
  instruments_->count_in_chunk(*accounts_, from, to, fen);
}

double Payments::pay_up_to(ChunkPayments& chunk, std::int64_t from, std::int64_t to, double yuan) const {
  if (yuan <= 0.005) return 0.0;
  const double amount = is_capped_by_balance(from) ? std::min(yuan, balance(chunk, from)) : yuan;
  if (amount <= 0.005) return 0.0;
  const Fen fen = payment_fen(from, to, amount);
  post(chunk, from, to, fen);
  return to_yuan(fen);
}

}  // namespace models::ecosystem
