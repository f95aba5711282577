#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>
#include <sstream>
#include <vector>

#include "sim/core/ledger.hpp"
#include "sim/run/thread_limit.hpp"

using sim::AccountKind;
using sim::Ledger;
using sim::LedgerError;

namespace {
struct SmallEconomy {
  Ledger ledger{sim::Currency{"yuan"}};  // the currency only names amounts in messages
  sim::AccountId budget = ledger.open_account({"government budget", AccountKind::source});
  sim::AccountId firm = ledger.open_account({"firm 1", AccountKind::holding});
  sim::AccountId bank = ledger.open_account({"bank 114", AccountKind::holding});
  sim::AccountId consumption = ledger.open_account({"households", AccountKind::sink});
};
}  // namespace

TEST_CASE("transfers conserve money: sources, holdings and sinks sum to zero") {
  SmallEconomy economy;
  auto& ledger = economy.ledger;
  ledger.transfer(economy.budget, economy.firm, sim::to_minor_units(1000.25));
  ledger.transfer(economy.firm, economy.bank, sim::to_minor_units(400.10));
  ledger.transfer(economy.bank, economy.consumption, sim::to_minor_units(0.01));
  CHECK(ledger.balance(economy.firm) == 60015);
  CHECK(ledger.balance(economy.bank) == 40009);
  const sim::Ledger::Totals totals = ledger.totals();
  CHECK(totals.injected == 100025);
  CHECK(totals.sunk == 1);
  CHECK(totals.held == totals.injected - totals.sunk);
  CHECK_NOTHROW(ledger.check_conservation(1, "settle"));
}

TEST_CASE("totals over many accounts count every account once, whatever the thread count") {
  // More accounts than one chunk of the parallel pass, each holding a different amount.
  sim::Ledger ledger;
  const sim::AccountId budget = ledger.open_account({"government", AccountKind::source});
  const sim::AccountId sink = ledger.open_account({"households", AccountKind::sink});
  constexpr sim::MinorUnits kAccounts = 3 * 4096 + 7;
  for (sim::MinorUnits k = 1; k <= kAccounts; ++k) {
    const sim::AccountId firm = ledger.open_account({"firm", AccountKind::holding});
    ledger.transfer(budget, firm, k);
    if (k % 2 == 0) ledger.transfer(firm, sink, 1);
  }
  const sim::MinorUnits injected = kAccounts * (kAccounts + 1) / 2;
  for (const std::size_t threads : {1u, 4u}) {
    sim::ThreadLimit limit(threads);
    const sim::Ledger::Totals totals = ledger.totals();
    CHECK(totals.injected == injected);
    CHECK(totals.sunk == kAccounts / 2);
    CHECK(totals.held == injected - kAccounts / 2);
  }
}

TEST_CASE("a holding account cannot be overdrawn and a refused transfer moves nothing") {
  SmallEconomy economy;
  auto& ledger = economy.ledger;
  ledger.transfer(economy.budget, economy.firm, 500);
  CHECK_THROWS_WITH_AS(ledger.transfer(economy.firm, economy.bank, 501),
                       "ledger: 'firm 1' cannot pay 5.01 yuan to 'bank 114': balance is 5.00 yuan",
                       LedgerError);
  CHECK(ledger.balance(economy.firm) == 500);
  CHECK(ledger.balance(economy.bank) == 0);
  CHECK_NOTHROW(ledger.check_conservation(1, "settle"));
}

TEST_CASE("non-positive transfers and unknown accounts are refused") {
  SmallEconomy economy;
  CHECK_THROWS_AS(economy.ledger.transfer(economy.budget, economy.firm, 0), LedgerError);
  CHECK_THROWS_AS(economy.ledger.transfer(economy.budget, economy.firm, -5), LedgerError);
  CHECK_THROWS_WITH_AS(economy.ledger.transfer(economy.budget, 99, 5), "ledger: no account 99 (there are 4)",
                       LedgerError);
}

TEST_CASE("the conservation check catches money created outside a transfer and names the account") {
  SmallEconomy economy;
  auto& ledger = economy.ledger;
  ledger.transfer(economy.budget, economy.bank, 10000);
  ledger.overwrite_balance_unchecked(economy.bank, 10123);  // a deliberate violation
  CHECK_THROWS_WITH_AS(
      ledger.check_conservation(37, "settle_loans"),
      "step 37, phase settle_loans: ledger off by 1.23 yuan (account 'bank 114': balance 101.23 "
      "yuan, transfers add up to 100.00 yuan)",
      LedgerError);
}

TEST_CASE("post applies gathered transfers in order") {
  SmallEconomy economy;
  auto& ledger = economy.ledger;
  ledger.post({{economy.budget, economy.firm, 300}, {economy.firm, economy.bank, 300}});
  CHECK(ledger.balance(economy.firm) == 0);
  CHECK(ledger.balance(economy.bank) == 300);
  // Order matters: the firm cannot pay before it is paid.
  SmallEconomy other;
  CHECK_THROWS_AS(other.ledger.post({{other.firm, other.bank, 300}, {other.budget, other.firm, 300}}),
                  LedgerError);
}

TEST_CASE("to_minor_units rounds to whole minor units and refuses non-finite amounts") {
  CHECK(sim::to_minor_units(1.005) == 100);  // 1.005 is 1.00499999... in binary
  CHECK(sim::to_minor_units(2.5) == 250);
  CHECK(sim::to_minor_units(-0.015) == -2);
  CHECK_THROWS_AS(sim::to_minor_units(std::numeric_limits<double>::quiet_NaN()), std::domain_error);
  CHECK_THROWS_AS(sim::to_minor_units(std::numeric_limits<double>::infinity()), std::domain_error);
}

TEST_CASE("to_minor_units rounds as std::llround does: halves away from zero and large amounts") {
  // The inline rounding must give llround's answer bit for bit (payments, hence every balance).
  std::vector<double> amounts{0.0,
                              -0.0,
                              0.005,
                              -0.005,
                              0.004999999999999999,
                              0.015,
                              2.675,
                              -2.675,
                              1e-300,
                              4.5e13,
                              4.5e13 + 0.005,
                              -4.5e13 - 0.005,
                              45035996273704.96,
                              9.0e16,
                              -9.0e16,
                              8.999999999999999e16,
                              0.49999999999999994 / 100};
  std::mt19937_64 bits(7);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  for (int k = 0; k < 100000; ++k) {
    const double scale = std::pow(10.0, static_cast<double>(k % 17));
    amounts.push_back(uniform(bits) * scale);
    amounts.push_back(std::round(uniform(bits) * scale * 200.0) / 200.0);  // exact half cents
  }
  for (const double amount : amounts) {
    INFO(amount);
    CHECK(sim::to_minor_units(amount) == std::llround(amount * sim::kMinorUnitsPerUnit));
  }
  CHECK_THROWS_AS(sim::to_minor_units(9.000000000000002e16), std::domain_error);
  CHECK_THROWS_AS(sim::to_minor_units(-std::numeric_limits<double>::infinity()), std::domain_error);
}

TEST_CASE("a restored ledger has the saved accounts and balances and stays conserved") {
  SmallEconomy saved;
  saved.ledger.transfer(saved.budget, saved.firm, 1000);
  saved.ledger.transfer(saved.firm, saved.consumption, 250);
  std::stringstream buffer;
  saved.ledger.save_state(buffer);

  Ledger restored{sim::Currency{"yuan"}};
  restored.restore_state(buffer);
  REQUIRE(restored.account_count() == saved.ledger.account_count());
  for (sim::AccountId a = 0; a < restored.account_count(); ++a) {
    CHECK(restored.balance(a) == saved.ledger.balance(a));
    CHECK(restored.account(a).owner == saved.ledger.account(a).owner);
    CHECK(restored.account(a).kind == saved.ledger.account(a).kind);
  }
  CHECK(restored.totals().held == 750);
  CHECK_NOTHROW(restored.check_conservation(3, "restored"));
  // It goes on like the saved ledger: a holding account still cannot be overdrawn.
  CHECK_THROWS_AS(restored.transfer(saved.firm, saved.bank, 751), LedgerError);
  restored.transfer(saved.firm, saved.bank, 750);
  CHECK(restored.balance(saved.bank) == 750);
}

TEST_CASE("a restored ledger keeps the posted totals that catch money created outside transfers") {
  SmallEconomy saved;
  saved.ledger.transfer(saved.budget, saved.firm, 1000);
  saved.ledger.overwrite_balance_unchecked(saved.firm, 5000);
  std::stringstream buffer;
  saved.ledger.save_state(buffer);
  Ledger restored{sim::Currency{"yuan"}};
  restored.restore_state(buffer);
  CHECK_THROWS_AS(restored.check_conservation(3, "restored"), LedgerError);
}
