#pragma once
// Double-entry money accounts. Every unit of money moves from one account to another by a
// transfer; money enters through source accounts (a government budget, private capital) whose
// balance goes negative by what they injected, and leaves through sinks (consumption, losses). So
// the sum over all accounts is zero at every moment, exactly: amounts are whole minor units (a
// hundredth of the model's currency unit: cents) in 64-bit integers, which makes the check
// exact and independent of summation order. The engine knows no currency: a model names its own
// (Currency) for the ledger's messages.
//
// check_conservation() runs after every step (and after every phase with --check-invariants)
// and stops the run loudly, naming the step, phase, account and amount.
#include <cmath>
#include <cstdint>
#include <deque>
#include <istream>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace sim {

using MinorUnits = std::int64_t;  // hundredths of the currency unit
inline constexpr double kMinorUnitsPerUnit = 100.0;

// Throws std::domain_error naming an amount to_minor_units() refuses.
[[noreturn]] void throw_bad_amount(double amount);

// Rounds an amount in currency units to whole minor units (half away from zero, as std::llround).
// Throws std::domain_error for NaN, infinities and amounts beyond ±9e16 units. Inline, without a
// libm call: every payment rounds, millions a step. Exact: below 2^52 the truncated value and the
// remainder are exact doubles; from 2^52 on the scaled amount is already whole; 9e18 fits int64.
inline MinorUnits to_minor_units(double amount) {
  if (!(std::fabs(amount) <= 9.0e16)) throw_bad_amount(amount);  // NaN fails the comparison too
  const double scaled = amount * kMinorUnitsPerUnit;
  const auto whole = static_cast<MinorUnits>(scaled);  // toward zero
  const double rest = scaled - static_cast<double>(whole);
  // Without branches: the remainder's side of one half is a coin toss for money amounts, and a
  // mispredicted branch cost more than llround (random amounts, one call: 5 ns like this, 9.4 ns
  // with llround, 24 ns with an if).
  return whole + static_cast<MinorUnits>(rest >= 0.5) - static_cast<MinorUnits>(rest <= -0.5);
}
inline double to_units(MinorUnits amount) { return static_cast<double>(amount) / kMinorUnitsPerUnit; }

// How the ledger's messages name amounts: "12.34 euro".
struct Currency {
  std::string name = "currency units";
};

enum class AccountKind : std::uint8_t {
  holding,  // an agent's money; may not go negative unless opened with may_go_negative
  source,   // where money comes from (budget appropriations, capital from outside the model)
  sink,     // where money goes (consumption, write-offs, taxes leaving the modelled economy)
};

using AccountId = std::uint32_t;

struct AccountSpec {
  std::string owner;  // readable owner for messages: "bank 114", "government national"
  AccountKind kind = AccountKind::holding;
  bool may_go_negative = false;  // overdraft lines; sources always may
};

struct Transfer {
  AccountId from;
  AccountId to;
  MinorUnits amount;  // > 0
};

class LedgerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Ledger {
 public:
  explicit Ledger(Currency currency = {}) : currency_(std::move(currency)) {}
  AccountId open_account(AccountSpec spec);
  [[nodiscard]] const Currency& currency() const { return currency_; }

  // Moves `amount` minor units. Throws LedgerError for a non-positive amount, an unknown account, an
  // overdraft of an account that may not go negative, or an overflow; nothing moves then.
  void transfer(AccountId from, AccountId to, MinorUnits amount);
  // Applies transfers in the given order (e.g. gathered from a ProposalBuffer); stops at the
  // first failing one and throws.
  void post(const std::vector<Transfer>& transfers);

  [[nodiscard]] MinorUnits balance(AccountId account) const { return balances_.at(account); }
  [[nodiscard]] std::size_t account_count() const { return balances_.size(); }
  [[nodiscard]] const AccountSpec& account(AccountId account) const { return specs_.at(account); }
  // Whether the account pays at most its balance: a holding opened without an overdraft line
  // (sources and overdraft lines pay whatever is asked). A byte per account, so that a payment
  // does not read the account's 40-byte spec (a cache miss per payment for millions of firms).
  [[nodiscard]] bool is_capped_by_balance(AccountId account) const { return capped_.at(account) != 0; }

  struct Totals {
    MinorUnits injected = 0;  // money injected so far (minus what went back): -sum of source balances
    MinorUnits sunk = 0;      // money that left the economy so far: sum of sink balances
    MinorUnits held = 0;  // money held by agents: sum of holding balances (= injected - sunk when conserved)
    Totals& operator+=(const Totals& other);
  };
  // One parallel pass over the accounts (exact: whole minor units).
  [[nodiscard]] Totals totals() const;

  // Verifies that every account's balance equals its opening (0) plus the transfers posted to
  // it, and that all balances sum to zero. Throws LedgerError:
  //   "step 37, phase settle_loans: ledger off by 12.34 euro (account 'bank 114': balance ..., transfers
  //   ...)"
  void check_conservation(std::int64_t step, const std::string& phase) const;

  // Writes a balance directly, bypassing double entry. It exists so tests can prove that
  // check_conservation() catches money created outside transfers; models must not call it.
  void overwrite_balance_unchecked(AccountId account, MinorUnits balance) { balances_.at(account) = balance; }

  // The whole state for a checkpoint: every account's spec, balance and posted total (the currency
  // is the model's and not saved). restore_state() replaces every account; it throws
  // binary::ReadError for a file that ends early.
  void save_state(std::ostream& out) const;
  void restore_state(std::istream& in);

 private:
  friend class LedgerBatch;  // posts parallel tasks' transfers (ledger_batch.hpp)
  void require_account(AccountId account) const;

  // "12.34 euro" in messages.
  [[nodiscard]] std::string format_amount(MinorUnits amount) const;

  Currency currency_;
  // In blocks that stay where they are: agents born during a run open accounts one by one, and a
  // vector of 40-byte specs was copied whole to new memory every quarter of growth (a third of a
  // step's SME births' time at 1/8 national scale, most of it first touches of the new pages).
  std::deque<AccountSpec> specs_;
  // Each account's kind again, a byte per account: totals() reads it for millions of accounts
  // every step, and AccountSpec (with its owner's name) is 40 bytes.
  std::vector<AccountKind> kinds_;
  // 1 for a holding that may not go negative (is_capped_by_balance), a byte per account.
  std::vector<std::uint8_t> capped_;
  std::vector<MinorUnits> balances_;
  // Net transfers into each account since it was opened, kept apart from balances_ so the
  // check can tell which account was changed outside a transfer.
  std::vector<MinorUnits> posted_;
};

}  // namespace sim
