// Demand-pull research: firms post needs with rewards (需求包, seed 004; 企业出题, seed 001), labs
// answer them with new results and revise their field towards posted demand and funding.
#include "models/ecosystem/demand_pull.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "models/ecosystem/capacity.hpp"
#include "models/ecosystem/draws.hpp"
#include "models/ecosystem/phases.hpp"
#include "models/ecosystem/scenario_names.hpp"
#include "models/ecosystem/stream_purposes.hpp"

namespace models::ecosystem {

void declare_demand_pull(sim::ObjectSpec& section) {
  auto& demand = section.object(
      "demand_pull",
      "Demand-pull research (docs/MODEL.md section 3, \"Demand-pull research\"): firms post needs with a "
      "reward from their own cash (需求包, seed 004; 企业出题, seed 001), labs' new results answer them "
      "and labs revise their field towards posted demand and funding. Empty: no needs posted, fields "
      "fixed at set-up");
  auto& posting = demand.list_of_objects(
      "posting",
      "Fields whose firms post needs: each quarter a firm of the field with no open need, whose field's "
      "market is not met and that holds spare cash commits `share` of it (at most reward_cap_yuan) to a "
      "posted need. A field not listed posts nothing. Documented assumption where a scenario gives it");
  posting.text("field", "Field whose firms post needs").required();
  posting
      .real("share", "1",
            "Share of a firm's spare cash (above its operating buffer, loans and earmarked money) committed "
            "to one posted need")
      .required()
      .between(0, 1);
  demand
      .real("reward_cap_yuan", "yuan",
            "The most one posted need commits, in prices of step 0 (paid at the quarter's wage and price "
            "level). Assumption: two licence fees")
      .default_value(100000.0)
      .between(0, 1e15);
  demand
      .real("topic_revision_rate", "1/quarter",
            "Probability per quarter that a lab outside a consortium reconsiders its field (a logit choice "
            "between its own field and the fields with posted needs). 0: fields fixed at set-up. "
            "Assumption")
      .default_value(0.0)
      .between(0, 1);
  demand
      .real("topic_switching_cost", "1",
            "Logit units a lab gives up by leaving its own field (its people, equipment and networks). "
            "Assumption")
      .default_value(2.0)
      .between(0, 100);
}

DemandPullSpec read_demand_pull(const sim::Config& config, const std::vector<std::string>& field_names,
                                std::vector<sim::InputProblem>& problems) {
  DemandPullSpec spec;
  spec.posting_share.assign(field_names.size(), 0.0);
  spec.reward_cap_yuan = config.real("ecosystem.demand_pull.reward_cap_yuan");
  spec.topic_revision_rate = config.real("ecosystem.demand_pull.topic_revision_rate");
  spec.topic_switching_cost = config.real("ecosystem.demand_pull.topic_switching_cost");
  const std::string list = "ecosystem.demand_pull.posting";
  const YAML::Node entries = config.node(list);
  std::vector<bool> listed(field_names.size(), false);
  for (std::size_t k = 0; k < entries.size(); ++k) {
    const auto name = entries[k]["field"].as<std::string>();
    const auto where = config.location(fmt::format("{}.{}.field", list, k));
    const int found =
        index_of_name(field_names, name, "field", fmt::format("{}[{}].field", list, k), where, problems);
    if (found < 0) continue;
    const auto f = static_cast<std::size_t>(found);
    if (listed[f]) {
      problems.push_back(
          {where, fmt::format("'{}[{}]' repeats field '{}': give each field once", list, k, name)});
    }
    listed[f] = true;
    spec.posting_share[f] = entries[k]["share"].as<double>();
  }
  return spec;
}

// Phase "answer_posted_needs" — reads the results generated this quarter (age 0, after
// generate_results) and the open needs. Each new applied result of a lab, in row order, answers the
// oldest open need of its field with probability demand_following (the share of the field's
// research aimed at posted needs, by its pattern): the result is assigned to the posting firm, and
// the need's reward goes from escrow to the lab (its inventors take their share), which spends it on
// research the next quarter. Runs before index_holdings, so the firm holds the result at once.
// Capacity shows in the metrics: deals cannot exceed the open needs (posted_demand_yuan) nor the
// labs' new results in the field.
void answer_posted_needs(const sim::PhaseContext& context, const Parameters& p, Results& results,
                         const Labs& labs, const Firms& firms, PostedNeeds& needs, Payments& payments,
                         Events& events, Flows& flows) {
  if (needs.open.empty()) return;
  const FixedAccounts& accounts = payments.accounts();
  // This quarter's results are the last rows (generate_results spawns them after retire_results
  // compacted the rest), the only ones still at age 0.
  std::size_t first_new = results.size();
  while (first_new > 0 && results.age[first_new - 1] == 0) --first_new;
  std::vector<bool> answered(needs.open.size(), false);
  std::vector<std::size_t> next_open(p.fields.size(), 0);  // per field: where its search resumes
  for (std::size_t i = first_new; i < results.size(); ++i) {
    if (results.owner_is_firm[i] || !results.is_applied[i]) continue;
    const auto field = static_cast<std::size_t>(results.field[i]);
    std::size_t& k = next_open[field];
    while (k < needs.open.size() && (answered[k] || static_cast<std::size_t>(needs.open[k].field) != field))
      ++k;
    if (k == needs.open.size()) continue;
    auto rng = context.rng(results.id(i));
    if (!rng.bernoulli(p.fields[field].coefficients.demand_following)) continue;
    const PostedNeed& need = needs.open[k];
    const auto lab = labs.index_of(static_cast<sim::AgentId>(results.owner[i]));
    const auto firm = firms.index_of(need.firm);
    if (!lab || !firm) continue;
    answered[k] = true;
    const double reward = payments.pay_up_to(accounts.posted_needs, labs.account[*lab], need.reward_yuan);
    payments.pay(labs.account[*lab], accounts.inventors_sink, reward * p.inventor_share);
    results.owner[i] = static_cast<std::int64_t>(need.firm);
    results.owner_is_firm[i] = 1;
    results.ip_status[i] = kAssigned;
    results.is_shelved[i] = 0;
    flows.licences += 1;
    flows.demand_pulled_deals += 1;
    events.record_deal({kAssignment, static_cast<std::int64_t>(need.firm),
                        static_cast<std::int64_t>(labs.id(*lab)), static_cast<std::int64_t>(results.id(i)),
                        reward});
  }
  std::size_t kept = 0;
  for (std::size_t k = 0; k < needs.open.size(); ++k)
    if (!answered[k]) needs.open[kept++] = needs.open[k];
  needs.open.resize(kept);
}

// What firm i could commit without touching the cash it keeps for operations, debt and money
// raised for a purpose (the payout rule's buffer in produce_and_sell, less planned investment).
static double spare_cash_yuan(const Parameters& p, const Firms& firms, const Payments& payments,
                              std::size_t i) {
  const double kept =
      operating_buffer_yuan(p, firms, i) + firms.loan[i] + firms.thematic_bond[i] + firms.earmarked[i];
  return std::max(0.0, payments.balance(firms.account[i]) - kept);
}

// Phase "post_needs" — at the end of the quarter (after produce_and_sell and the ladder). Needs of
// firms that exited are withdrawn (the reward goes to the owners). Then, in firm order, a firm of a
// posting field with no open need posts one when its field's customers would buy more than its
// firms sold this quarter (an unmet market) and it has spare cash: share x spare cash, at most
// reward_cap_yuan at today's price level, moves from its account to escrow.
void post_needs(const Parameters& p, const FieldMarkets& markets, const Firms& firms, PostedNeeds& needs,
                Payments& payments) {
  const FixedAccounts& accounts = payments.accounts();
  std::size_t kept = 0;
  for (const PostedNeed& need : needs.open) {
    if (firms.index_of(need.firm)) {
      needs.open[kept++] = need;
    } else {
      payments.pay_up_to(accounts.posted_needs, accounts.payout_sink, need.reward_yuan);
    }
  }
  needs.open.resize(kept);
  const std::size_t n_fields = p.fields.size();
  std::vector<double> sold(n_fields, 0.0);
  for (std::size_t i = 0; i < firms.size(); ++i)
    sold[static_cast<std::size_t>(firms.field[i])] += firms.revenue[i];
  std::vector<bool> has_open(firms.size(), false);
  for (const PostedNeed& need : needs.open) has_open[*firms.index_of(need.firm)] = true;
  for (std::size_t i = 0; i < firms.size(); ++i) {
    const auto field = static_cast<std::size_t>(firms.field[i]);
    const double share = p.demand_pull.posting_share[field];
    if (share <= 0 || has_open[i] || sold[field] >= markets.size[field] * markets.demand_index[field])
      continue;
    const double reward = std::min(share * spare_cash_yuan(p, firms, payments, i),
                                   p.demand_pull.reward_cap_yuan * markets.wage_level);
    if (reward < 1.0) continue;  // less than a yuan: nothing worth posting
    payments.pay(firms.account[i], accounts.posted_needs, reward);
    needs.open.push_back({firms.id(i), firms.field[i], reward});
  }
}

namespace {

// What a field offers a lab choosing its topic (choose_topics): posted money per lab (in quarters of
// the mean lab's research spending) and research spending per lab relative to the mean lab's.
struct FieldAppeal {
  std::vector<double> demand_per_lab, funding_ratio;
};

FieldAppeal field_appeal(const Parameters& p, const Labs& labs, const LabBudgets& lab_budgets,
                         const std::vector<double>& pool) {
  const std::size_t n_fields = p.fields.size();
  std::vector<double> labs_in(n_fields, 0.0), spend_in(n_fields, 0.0);
  double total_spend = 0;
  const bool has_budgets = lab_budgets.basic_spend.size() == labs.size();
  for (std::size_t i = 0; i < labs.size(); ++i) {
    const double spend =
        has_budgets ? lab_budgets.basic_spend[i] + lab_budgets.new_spend[i] + lab_budgets.dev_budget[i]
                    : labs.budget_yuan[i];
    const auto f = static_cast<std::size_t>(labs.field[i]);
    labs_in[f] += 1;
    spend_in[f] += spend;
    total_spend += spend;
  }
  const double mean_spend = labs.size() > 0 ? total_spend / static_cast<double>(labs.size()) : 0.0;
  FieldAppeal appeal{std::vector<double>(n_fields, 0.0), std::vector<double>(n_fields, 1.0)};
  if (mean_spend <= 0) return appeal;
  for (std::size_t f = 0; f < n_fields; ++f) {
    appeal.demand_per_lab[f] = pool[f] / (labs_in[f] + 1.0) / mean_spend;
    if (labs_in[f] > 0 && spend_in[f] > 0) appeal.funding_ratio[f] = spend_in[f] / labs_in[f] / mean_spend;
  }
  return appeal;
}

}  // namespace

// Phase "choose_topics" — at the end of the quarter, after post_needs. Each lab outside a
// consortium (its topic is the consortium's) reconsiders its field with probability
// topic_revision_rate. It chooses by logit among its own field and the fields with posted needs:
//   U(f) = demand_following(f) x posted money per lab in f / mean lab spending
//          + ln(research spending per lab in f / mean) - topic_switching_cost x [f != own field].
// Without posted needs there is nothing to move to and no lab changes field. Field appeal is taken
// before any lab moves, so the choices do not depend on the order of labs.
void choose_topics(const sim::PhaseContext& context, const Parameters& p, const PostedNeeds& needs,
                   const LabBudgets& lab_budgets, Labs& labs, Flows& flows) {
  if (p.demand_pull.topic_revision_rate <= 0 || needs.open.empty()) return;
  const std::vector<double> pool = needs.pool_by_field(p.fields.size());
  const FieldAppeal appeal = field_appeal(p, labs, lab_budgets, pool);
  const auto utility = [&](std::size_t f) {
    return p.fields[f].coefficients.demand_following * appeal.demand_per_lab[f] +
           std::log(appeal.funding_ratio[f]);
  };
  std::vector<double> weight(p.fields.size(), 0.0);
  for (std::size_t i = 0; i < labs.size(); ++i) {
    if (labs.consortium[i] >= 0) continue;
    auto rng = context.rng(labs.id(i));
    if (!rng.bernoulli(p.demand_pull.topic_revision_rate)) continue;
    const auto own = static_cast<std::size_t>(labs.field[i]);
    const double own_utility = utility(own);
    double total = 1.0;  // the own field, relative to itself
    for (std::size_t f = 0; f < p.fields.size(); ++f) {
      weight[f] = f == own || pool[f] <= 0
                      ? 0.0
                      : std::exp(utility(f) - p.demand_pull.topic_switching_cost - own_utility);
      total += weight[f];
    }
    // Choice 0 stays (weight 1), choice f + 1 moves to field f.
    const std::size_t stay = 0;
    const std::size_t choice = draw_by_weight(
        p.fields.size() + 1, [&](std::size_t c) { return c == stay ? 1.0 : weight[c - 1]; }, total, rng,
        stay);
    if (choice != stay) {
      labs.field[i] = static_cast<std::int32_t>(choice - 1);
      flows.topic_shifts += 1;
    }
  }
}

}  // namespace models::ecosystem
