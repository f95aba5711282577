#include "sim/core/ledger.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>

#include "sim/core/binary_io.hpp"
#include "sim/core/parallel.hpp"

namespace sim {

void throw_bad_amount(double amount) {
  throw std::domain_error(fmt::format("money amount {} is not a finite amount within ±9e16", amount));
}

std::string Ledger::format_amount(MinorUnits amount) const {
  return fmt::format("{:.2f} {}", to_units(amount), currency_.name);
}

namespace {

bool is_capped(const AccountSpec& spec) { return spec.kind == AccountKind::holding && !spec.may_go_negative; }

}  // namespace

AccountId Ledger::open_account(AccountSpec spec) {
  if (spec.kind == AccountKind::source) spec.may_go_negative = true;
  // Grown by a quarter, not doubled: agents born during a run open accounts one by one, millions of
  // them at national scale, and doubling left up to half of each array unused.
  if (balances_.size() == balances_.capacity()) {
    const std::size_t capacity = std::max<std::size_t>(64, balances_.size() + balances_.size() / 4);
    kinds_.reserve(capacity);
    capped_.reserve(capacity);
    balances_.reserve(capacity);
    posted_.reserve(capacity);
  }
  kinds_.push_back(spec.kind);
  capped_.push_back(is_capped(spec) ? 1 : 0);
  specs_.push_back(std::move(spec));
  balances_.push_back(0);
  posted_.push_back(0);
  return static_cast<AccountId>(balances_.size() - 1);
}

void Ledger::require_account(AccountId account) const {
  if (account >= balances_.size()) {
    throw LedgerError(fmt::format("ledger: no account {} (there are {})", account, balances_.size()));
  }
}

void Ledger::transfer(AccountId from, AccountId to, MinorUnits amount) {
  require_account(from);
  require_account(to);
  if (amount <= 0) {
    throw LedgerError(fmt::format("ledger: transfer of {} from '{}' to '{}' must be positive",
                                  format_amount(amount), specs_[from].owner, specs_[to].owner));
  }
  MinorUnits new_from = 0;
  MinorUnits new_to = 0;
  if (__builtin_sub_overflow(balances_[from], amount, &new_from) ||
      __builtin_add_overflow(balances_[to], amount, &new_to)) {
    throw LedgerError(fmt::format("ledger: transfer of {} from '{}' to '{}' overflows a balance",
                                  format_amount(amount), specs_[from].owner, specs_[to].owner));
  }
  if (new_from < 0 && !specs_[from].may_go_negative) {
    throw LedgerError(fmt::format("ledger: '{}' cannot pay {} to '{}': balance is {}", specs_[from].owner,
                                  format_amount(amount), specs_[to].owner, format_amount(balances_[from])));
  }
  balances_[from] = new_from;
  balances_[to] = new_to;
  posted_[from] -= amount;
  posted_[to] += amount;
}

void Ledger::post(const std::vector<Transfer>& transfers) {
  for (const auto& t : transfers) transfer(t.from, t.to, t.amount);
}

Ledger::Totals& Ledger::Totals::operator+=(const Totals& other) {
  injected += other.injected;
  sunk += other.sunk;
  held += other.held;
  return *this;
}

Ledger::Totals Ledger::totals() const {
  return deterministic_accumulate<Totals>(balances_.size(), [&](Totals& totals, std::size_t a) {
    switch (kinds_[a]) {
      case AccountKind::source:
        totals.injected -= balances_[a];
        break;
      case AccountKind::sink:
        totals.sunk += balances_[a];
        break;
      case AccountKind::holding:
        totals.held += balances_[a];
        break;
    }
  });
}

void Ledger::check_conservation(std::int64_t step, const std::string& phase) const {
  MinorUnits sum = 0;
  for (std::size_t a = 0; a < balances_.size(); ++a) {
    if (balances_[a] != posted_[a]) {
      throw LedgerError(fmt::format(
          "step {}, phase {}: ledger off by {} (account '{}': balance {}, transfers add up to {})", step,
          phase, format_amount(balances_[a] - posted_[a]), specs_[a].owner, format_amount(balances_[a]),
          format_amount(posted_[a])));
    }
    sum += balances_[a];
  }
  if (sum != 0) {
    throw LedgerError(fmt::format("step {}, phase {}: ledger off by {} (balances do not sum to zero)", step,
                                  phase, format_amount(sum)));
  }
}

void Ledger::save_state(std::ostream& out) const {
  binary::write<std::uint64_t>(out, specs_.size());
  for (const AccountSpec& spec : specs_) {
    binary::write_string(out, spec.owner);
    binary::write(out, spec.kind);
    binary::write<std::uint8_t>(out, spec.may_go_negative ? 1 : 0);
  }
  binary::write_vector(out, balances_);
  binary::write_vector(out, posted_);
}

void Ledger::restore_state(std::istream& in) {
  const auto accounts = binary::read<std::uint64_t>(in, "ledger");
  std::deque<AccountSpec> specs;
  for (std::uint64_t a = 0; a < accounts; ++a) {
    AccountSpec spec;
    spec.owner = binary::read_string(in, "ledger account owner");
    spec.kind = binary::read<AccountKind>(in, "ledger account kind");
    spec.may_go_negative = binary::read<std::uint8_t>(in, "ledger account") != 0;
    specs.push_back(std::move(spec));
  }
  std::vector<MinorUnits> balances;
  std::vector<MinorUnits> posted;
  binary::read_vector(in, balances, "ledger balances");
  binary::read_vector(in, posted, "ledger transfers");
  if (balances.size() != accounts || posted.size() != accounts)
    throw binary::ReadError("ledger: the checkpoint's balances do not match its accounts");
  specs_ = std::move(specs);
  kinds_.clear();
  capped_.clear();
  for (const AccountSpec& spec : specs_) {
    kinds_.push_back(spec.kind);
    capped_.push_back(is_capped(spec) ? 1 : 0);
  }
  balances_ = std::move(balances);
  posted_ = std::move(posted);
}

}  // namespace sim
