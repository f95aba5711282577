#include <doctest/doctest.h>

#include <oneapi/tbb/global_control.h>

#include <vector>

#include "sim/core/ledger.hpp"
#include "sim/core/ledger_batch.hpp"
#include "sim/core/parallel.hpp"

using sim::AccountKind;

namespace {

// A market (source), a treasury (holding) and a sink shared by all tasks, then one account per
// firm. Every firm sells, pays a cost to the sink and a tax to the treasury, from parallel chunks.
struct Economy {
  sim::Ledger ledger{sim::Currency{"yuan"}};
  sim::AccountId market = ledger.open_account({"market", AccountKind::source});
  sim::AccountId treasury = ledger.open_account({"treasury", AccountKind::holding});
  sim::AccountId costs = ledger.open_account({"costs", AccountKind::sink});
  sim::AccountId first_firm = 0;
  std::size_t firms = 0;

  explicit Economy(std::size_t n) : firms(n) {
    for (std::size_t i = 0; i < n; ++i) {
      const auto account = ledger.open_account({"firm " + std::to_string(i), AccountKind::holding});
      if (i == 0) first_firm = account;
    }
  }

  std::vector<sim::MinorUnits> trade(std::size_t threads) {
    oneapi::tbb::global_control limit(oneapi::tbb::global_control::max_allowed_parallelism, threads);
    sim::parallel_for_chunks(firms, [&](const sim::Chunk& chunk) {
      sim::LedgerBatch batch(ledger, first_firm);
      for (std::size_t i = chunk.begin; i != chunk.end; ++i) {
        const auto firm = static_cast<sim::AccountId>(first_firm + i);
        batch.transfer(market, firm, static_cast<sim::MinorUnits>(1000 + i % 97));
        batch.transfer(firm, costs, static_cast<sim::MinorUnits>(300 + i % 13));
        batch.transfer(firm, treasury, batch.balance(firm) / 10 + 1);
      }
      batch.commit();
    });
    std::vector<sim::MinorUnits> balances;
    for (sim::AccountId a = 0; a < ledger.account_count(); ++a) balances.push_back(ledger.balance(a));
    return balances;
  }
};

}  // namespace

TEST_CASE("a ledger batch per chunk ends bit-identical on 1 and 4 threads and conserves money") {
  Economy one(20000), four(20000);
  const auto on_one = one.trade(1);
  const auto on_four = four.trade(4);
  CHECK(on_one == on_four);
  CHECK(on_one[one.treasury] > 0);
  CHECK(on_one[one.market] < 0);
  CHECK_NOTHROW(one.ledger.check_conservation(1, "trade"));
  CHECK_NOTHROW(four.ledger.check_conservation(1, "trade"));
  // The same transfers made one by one give the same ledger.
  Economy serial(20000);
  for (std::size_t i = 0; i < serial.firms; ++i) {
    const auto firm = static_cast<sim::AccountId>(serial.first_firm + i);
    serial.ledger.transfer(serial.market, firm, static_cast<sim::MinorUnits>(1000 + i % 97));
    serial.ledger.transfer(firm, serial.costs, static_cast<sim::MinorUnits>(300 + i % 13));
    serial.ledger.transfer(firm, serial.treasury, serial.ledger.balance(firm) / 10 + 1);
  }
  for (sim::AccountId a = 0; a < serial.ledger.account_count(); ++a)
    CHECK(serial.ledger.balance(a) == on_one[a]);
}

TEST_CASE(
    "a shared account that may not go negative cannot pay in a batch, and shared balances are not readable") {
  Economy economy(2);
  economy.ledger.transfer(economy.market, economy.treasury, 500);
  sim::LedgerBatch batch(economy.ledger, economy.first_firm);
  CHECK_THROWS_WITH_AS(batch.transfer(economy.treasury, economy.first_firm, 100),
                       "ledger: 'treasury' is shared by parallel tasks and may not go negative, so it "
                       "cannot pay in a batch",
                       sim::LedgerError);
  CHECK_THROWS_AS((void)batch.balance(economy.treasury), std::logic_error);
  CHECK_THROWS_WITH_AS(batch.transfer(economy.first_firm, economy.costs, 1),
                       "ledger: 'firm 0' cannot pay 0.01 yuan to 'costs': balance is 0.00 yuan",
                       sim::LedgerError);
  batch.commit();
  CHECK_NOTHROW(economy.ledger.check_conservation(1, "refused"));
}

TEST_CASE("shared changes reach the ledger only at commit") {
  Economy economy(1);
  sim::LedgerBatch batch(economy.ledger, economy.first_firm);
  batch.transfer(economy.market, economy.first_firm, 700);
  CHECK(economy.ledger.balance(economy.first_firm) == 700);
  CHECK(economy.ledger.balance(economy.market) == 0);
  CHECK_THROWS_AS(economy.ledger.check_conservation(1, "mid-batch"), sim::LedgerError);
  batch.commit();
  CHECK(economy.ledger.balance(economy.market) == -700);
  CHECK_NOTHROW(economy.ledger.check_conservation(1, "after commit"));
  CHECK_THROWS_AS(batch.commit(), std::logic_error);
}

// transfer() posts the common case inline and sends the rest to its checked path: both must give
// what Ledger::transfer gives.
TEST_CASE("a batch moves money between owned accounts and refuses what Ledger::transfer refuses") {
  Economy economy(2);
  const sim::AccountId overdraft =
      economy.ledger.open_account({"overdraft line", AccountKind::holding, /*may_go_negative=*/true});
  const auto firm0 = economy.first_firm;
  const auto firm1 = static_cast<sim::AccountId>(economy.first_firm + 1);
  sim::LedgerBatch batch(economy.ledger, economy.first_firm);
  batch.transfer(economy.market, firm0, 500);
  batch.transfer(firm0, firm1, 200);
  batch.transfer(firm1, firm1, 50);      // to itself: nothing changes
  batch.transfer(overdraft, firm1, 70);  // an overdraft line may go negative
  CHECK(batch.balance(firm0) == 300);
  CHECK(batch.balance(firm1) == 270);
  CHECK(batch.balance(overdraft) == -70);
  CHECK_THROWS_AS(batch.transfer(firm0, firm1, 0), sim::LedgerError);
  CHECK_THROWS_AS(batch.transfer(firm0, firm1, -5), sim::LedgerError);
  CHECK_THROWS_AS(batch.transfer(firm0, 999, 5), sim::LedgerError);
  CHECK_THROWS_AS(batch.transfer(999, firm0, 5), sim::LedgerError);
  CHECK_THROWS_AS(batch.transfer(firm0, firm1, 301), sim::LedgerError);
  CHECK(batch.balance(firm0) == 300);
  CHECK(batch.balance(firm1) == 270);
  batch.commit();
  CHECK_NOTHROW(economy.ledger.check_conservation(1, "owned"));
}
