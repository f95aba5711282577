#pragma once
// Double-entry money accounts. Every yuan moves from one account to another by a transfer;
// money enters through source accounts (a government budget, private capital) whose balance
// goes negative by what they injected, and leaves through sinks (consumption, losses). So the
// sum over all accounts is zero at every moment, exactly: amounts are whole fen (0.01 yuan) in
// 64-bit integers, which makes the check exact and independent of summation order.
//
// check_conservation() runs after every step (and after every phase with --check-invariants)
// and stops the run loudly, naming the step, phase, account and amount.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace sim {

using Fen = std::int64_t;  // 0.01 yuan

// Rounds a yuan amount to whole fen (half away from zero). Throws std::domain_error for NaN,
// infinities and amounts beyond ±9e16 yuan.
Fen to_fen(double yuan);
inline double to_yuan(Fen fen) { return static_cast<double>(fen) / 100.0; }

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
  Fen amount;  // > 0
};

class LedgerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Ledger {
 public:
  AccountId open_account(AccountSpec spec);

  // Moves `amount` fen. Throws LedgerError for a non-positive amount, an unknown account, an
  // overdraft of an account that may not go negative, or an overflow; nothing moves then.
  void transfer(AccountId from, AccountId to, Fen amount);
  // Applies transfers in the given order (e.g. gathered from a ProposalBuffer); stops at the
  // first failing one and throws.
  void post(const std::vector<Transfer>& transfers);

  [[nodiscard]] Fen balance(AccountId account) const { return balances_.at(account); }
  [[nodiscard]] std::size_t account_count() const { return balances_.size(); }
  [[nodiscard]] const AccountSpec& account(AccountId account) const { return specs_.at(account); }

  struct Totals {
    Fen injected = 0;  // money injected so far (minus what went back): -sum of source balances
    Fen sunk = 0;      // money that left the economy so far: sum of sink balances
    Fen held = 0;      // money held by agents: sum of holding balances (= injected - sunk when conserved)
    Totals& operator+=(const Totals& other);
  };
  // One parallel pass over the accounts (exact: whole fen).
  [[nodiscard]] Totals totals() const;

  // Verifies that every account's balance equals its opening (0) plus the transfers posted to
  // it, and that all balances sum to zero. Throws LedgerError:
  //   "step 37, phase settle_loans: ledger off by 12.34 yuan (account 'bank 114': balance ..., transfers
  //   ...)"
  void check_conservation(std::int64_t step, const std::string& phase) const;

  // Writes a balance directly, bypassing double entry. It exists so tests can prove that
  // check_conservation() catches money created outside transfers; models must not call it.
  void overwrite_balance_unchecked(AccountId account, Fen balance) { balances_.at(account) = balance; }

 private:
  friend class LedgerBatch;  // posts parallel tasks' transfers (ledger_batch.hpp)
  void require_account(AccountId account) const;

  std::vector<AccountSpec> specs_;
  // Each account's kind again, a byte per account: totals() reads it for millions of accounts
  // every step, and AccountSpec (with its owner's name) is 40 bytes.
  std::vector<AccountKind> kinds_;
  std::vector<Fen> balances_;
  // Net transfers into each account since it was opened, kept apart from balances_ so the
  // check can tell which account was changed outside a transfer.
  std::vector<Fen> posted_;
};

}  // namespace sim
