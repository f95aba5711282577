// Investment in productive capacity: what turns money (cash, loans, equity, grants) into firms'
// ability to sell.
#include <algorithm>
#include <vector>

#include "models/ecosystem/capacity.hpp"
#include "models/ecosystem/phases.hpp"
#include "sim/core/parallel.hpp"

namespace models::ecosystem {

// Phase "invest_in_capacity" — each firm plans the capital its expected demand needs
// (capacity_headroom over last quarter's demand grown with its field) and closes investment_speed
// of the gap with the cash it holds above its operating buffer (capacity.hpp): its retained
// earnings, loans, VC and guidance-fund equity and grants all land in that cash, so finance reaches
// growth here.
// What it cannot finance waits; the banks see the gap when they screen (lend_and_settle_loans).
// Capital bought at today's price level is held at step-0 prices (capacity.hpp).
void invest_in_capacity(const sim::PhaseContext& /*context*/, const Parameters& p,
                        const FieldMarkets& markets, Firms& firms, Payments& payments, Flows& flows) {
  const FixedAccounts& accounts = payments.accounts();
  std::vector<double> chunk_investment(sim::chunk_count(firms.size()), 0.0);
  sim::parallel_for_chunks(firms.size(), [&](const sim::Chunk& chunk) {
    auto chunk_payments = payments.chunk();
    for (std::size_t i = chunk.begin; i != chunk.end; ++i) {
      const double planned = planned_investment_yuan(p, markets, firms, i);
      const double cash = payments.balance(chunk_payments, firms.account[i]);
      const double affordable = std::max(0.0, cash - operating_buffer_yuan(p, firms, i));
      const double spent = payments.pay_up_to(chunk_payments, firms.account[i], accounts.costs_sink,
                                              std::min(planned, affordable));
      firms.investment[i] = spent;
      firms.earmarked[i] = std::max(0.0, firms.earmarked[i] - spent);
      firms.capital[i] += spent / markets.wage_level;
      chunk_investment[chunk.index] += spent;
    }
    chunk_payments.ledger.commit();
  });
  for (const double investment : chunk_investment) flows.investment += investment;
}

double fund_development_gap(Firms& firms, FirmBudgets& firm_budgets, Payments& payments, Flows& flows,
                            std::size_t i, double& restricted) {
  const double gap = std::max(0.0, firm_budgets.need[i] - firm_budgets.dev_budget[i]);
  const double spent =
      payments.pay_up_to(firms.account[i], payments.accounts().rd_sink, std::min(gap, restricted));
  restricted -= spent;
  firm_budgets.dev_budget[i] += spent;
  firms.rd_spending[i] += spent;
  flows.rd_spending[firms.kind[i]] += spent;
  return spent;
}

// Phase "spend_earmarked_funds" — money raised for growth pays first for the development its
// holder's budget does not cover (the results it develops need it, index_holdings), like bond
// proceeds; what is left waits for capacity (invest_in_capacity). Firms in order: each pays from
// its own account to the R&D sink.
void spend_earmarked_funds(Firms& firms, FirmBudgets& firm_budgets, Payments& payments, Flows& flows) {
  for (std::size_t i = 0; i < firms.size(); ++i) {
    if (firms.earmarked[i] > 0)
      fund_development_gap(firms, firm_budgets, payments, flows, i, firms.earmarked[i]);
  }
}

}  // namespace models::ecosystem
