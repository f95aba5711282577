// Policy instruments: the timeline, per-step incentives, consortia and challenge prizes.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "models/ecosystem/draws.hpp"
#include "models/ecosystem/phases.hpp"
#include "models/ecosystem/stream_purposes.hpp"
#include "sim/core/parallel.hpp"

namespace models::ecosystem {

// Parts of apply_policies: the funded projects of a consortium instrument, their quarterly money and
// their end (below).
static void form_consortia(const sim::PhaseContext& context, const Parameters& p, Labs& labs, Firms& firms,
                           std::size_t policy_index, double budget);
static void fund_consortia(const Parameters& p, Labs& labs, Firms& firms, std::size_t policy_index,
                           FirmIncentives& firm_incentives, Payments& payments);
static void dissolve_consortium(Labs& labs, Firms& firms, std::int64_t id);
// Part of apply_policies: the SMEs a risk pool backs this quarter and the share of their losses.
static void cover_by_risk_pool(const Parameters& p, const Firms& firms, std::size_t policy_index,
                               double balance, FirmIncentives& firm_incentives);

// Phase "apply_policies" — reads the policy timeline; writes policy accounts (budgets at start),
// per-agent incentive multipliers of this step, consortia and guidance sub-funds.
void apply_policies(const sim::PhaseContext& context, const Parameters& p, Labs& labs, Firms& firms,
                    Intermediaries& intermediaries, VcFunds& funds, LabIncentives& lab_incentives,
                    FirmIncentives& firm_incentives, CellPolicies& cell_policies,
                    RegionPolicies& region_policies, std::int64_t& consortia_count, Payments& payments,
                    Flows& flows, Totals& totals) {
  const FixedAccounts& accounts = payments.accounts();
  const CellIndex cell{static_cast<int>(p.fields.size())};
  flows = Flows{};
  const std::size_t n_labs = labs.size(), n_firms = firms.size();
  const std::size_t cells = p.regions.size() * p.fields.size();
  lab_incentives.effort_mult.assign(n_labs, 1.0);
  lab_incentives.spinout_mult.assign(n_labs, 1.0);
  lab_incentives.extra_grant.assign(n_labs, 0.0);
  lab_incentives.dev_share.assign(n_labs, p.development_share_lab);
  assign_transfer_offices(p, labs, intermediaries, lab_incentives);
  lab_incentives.mobility_mult.assign(n_labs, 1.0);
  lab_incentives.professor_policy.assign(n_labs, -1);
  firm_incentives.extra_grant.assign(n_firms, 0.0);
  firm_incentives.consortium_received.assign(n_firms, 0.0);
  firm_incentives.deduction.assign(n_firms, 0.0);
  firm_incentives.interest_subsidy.assign(n_firms, 0.0);
  firm_incentives.risk_pool_share.assign(n_firms, 0.0);
  firm_incentives.risk_pool_policy.assign(n_firms, -1);
  firm_incentives.interest_subsidy_policy.assign(n_firms, -1);
  firm_incentives.deduction_policy.assign(n_firms, -1);
  firm_incentives.expert_policy.assign(n_firms, -1);
  reset_stacks(cell_policies.voucher, cells);
  cell_policies.insurance.assign(cells, -1);
  cell_policies.procurement.assign(cells, -1);
  region_policies.outreach.resize(p.regions.size());
  for (std::size_t r = 0; r < p.regions.size(); ++r)
    region_policies.outreach[r] = pilot_owner_effect(p.regions[r].pilot_owner).outreach;
  reset_stacks(region_policies.pilot_operator, p.regions.size());
  reset_stacks(region_policies.pilot_capacity, p.regions.size());
  reset_stacks(region_policies.matching, p.regions.size());

  for (std::size_t k = 0; k < p.policies.size(); ++k) {
    const PolicySpec& policy = p.policies[k];
    const std::int64_t account = accounts.first_policy_account + static_cast<std::int64_t>(k);
    const auto pk = static_cast<std::int32_t>(k);
    if (context.step == policy.start_step) {
      // A regional instrument is paid by that region's government, the others by the national one.
      const std::int64_t payer = policy.region >= 0 ? accounts.first_regional_budget + policy.region
                                                    : static_cast<std::int64_t>(accounts.government_budget);
      payments.pay(payer, account, policy.budget_yuan);
      if (policy.type == PolicyType::guidance_fund) {
        // Fund-of-funds: the government's money is matched by private LPs up to the leverage
        // ratio (seed 004: Nansha's mother fund leveraged > 18 bn yuan of sub-funds). Sub-funds are
        // raised only for the money the account holds: none without it.
        const double money = payments.balance(account);
        const double total = money * policy.guidance_fund.leverage;
        const auto subfunds =
            money > 0 ? std::max<std::int64_t>(1, std::llround(total / std::max(1.0, p.vc_fund_capital_yuan)))
                      : std::int64_t{0};
        const double private_commitment = policy.guidance_fund.private_commitment_yuan;
        double private_left = private_commitment > 0 ? private_commitment : total;
        for (std::int64_t s = 0; s < subfunds; ++s) {
          const int region = policy.region >= 0
                                 ? policy.region
                                 : static_cast<int>(s % static_cast<std::int64_t>(p.regions.size()));
          const std::size_t f =
              spawn_vc_fund(funds, payments.ledger(), {region, policy.field, context.step, true, pk});
          const double from_government =
              payments.pay_up_to(account, funds.account[f], money / static_cast<double>(subfunds));
          // Private LPs match what the leverage asks, while their commitment lasts.
          const double from_private = payments.pay_up_to(
              accounts.private_capital, funds.account[f],
              std::min(private_left, from_government * (policy.guidance_fund.leverage - 1.0)));
          private_left -= from_private;
          const double capital = from_government + from_private;
          funds.government_share[f] = capital > 0 ? from_government / capital : 0.0;
          // Realised leverage (guidance_fund_leverage): the capital the sub-funds actually raised
          // over the public money actually paid in.
          totals.guidance_government_yuan += from_government;
          totals.guidance_subfund_yuan += capital;
        }
      }
      if (policy.type == PolicyType::consortium)
        form_consortia(context, p, labs, firms, k, payments.balance(account));
    }
    if (policy.type == PolicyType::consortium && context.step == policy.end_step + 1) {
      for (std::size_t i = 0; i < n_firms; ++i)
        if (firms.consortium[i] >= 0 && consortium_policy(firms.consortium[i]) == pk)
          firms.consortium[i] = -1;
      for (std::size_t i = 0; i < n_labs; ++i)
        if (labs.consortium[i] >= 0 && consortium_policy(labs.consortium[i]) == pk) labs.consortium[i] = -1;
    }
    if (!is_active(policy, context.step)) continue;
    // Services, pilot support and vouchers act only while their instrument holds money (their
    // effects are what the money buys); stacking: incentives.hpp.
    const bool is_funded = has_money(payments, pk);
    switch (policy.type) {
      case PolicyType::rd_grant:
        for (std::size_t i = 0; i < n_labs; ++i) {
          if (!targets(policy, labs.region[i], labs.field[i], labs.kind[i], -1, -1)) continue;
          lab_incentives.extra_grant[i] += policy.rd_grant.grant_yuan;
          // Milestone evaluation: downstream users judge the project, so staff spend effort on
          // transfer and on concept verification (seed 000: 下游评价上游). The evaluation comes with
          // the grant: only while the instrument holds money to pay it.
          if (policy.rd_grant.evaluation == "milestone" && is_funded) {
            lab_incentives.effort_mult[i] *= policy.rd_grant.milestone_multiplier;
            lab_incentives.dev_share[i] =
                std::min(0.8, lab_incentives.dev_share[i] * policy.rd_grant.milestone_multiplier);
          }
        }
        for (std::size_t i = 0; i < n_firms; ++i) {
          if (policy.agent_kind < 0 || policy.agent_kind < kLeadFirm) continue;
          if (targets(policy, firms.region[i], firms.field[i], firms.kind[i], firms.tier[i], -1))
            firm_incentives.extra_grant[i] += policy.rd_grant.grant_yuan;
        }
        break;
      case PolicyType::ip_reform:
        // Ownership or long-term use rights for inventors (赋权): more disclosure, licensing and spin-outs.
        for (std::size_t i = 0; i < n_labs; ++i) {
          if (!targets(policy, labs.region[i], labs.field[i], labs.kind[i], -1, -1)) continue;
          lab_incentives.effort_mult[i] *= policy.ip_reform.transfer_multiplier;
          lab_incentives.spinout_mult[i] *= policy.ip_reform.transfer_multiplier;
        }
        break;
      case PolicyType::matching_service:
        if (!is_funded) break;
        // A screening service multiplies the matching of the results it screens (match_results).
        for (std::size_t i = 0; i < n_labs && policy.matching_service.screen_region < 0; ++i) {
          if (targets(policy, labs.region[i], labs.field[i], labs.kind[i], -1, -1))
            lab_incentives.match_mult[i] *= policy.matching_service.match_multiplier;
        }
        for (std::size_t r = 0; r < p.regions.size(); ++r) {
          if (policy.region < 0 || policy.region == static_cast<int>(r))
            region_policies.matching[r].push_back(pk);
        }
        // Screening offices (seed 003) add deal capacity to the region's transfer offices.
        for (std::size_t m = 0; m < intermediaries.size() && policy.matching_service.added_deal_capacity > 0;
             ++m) {
          if (intermediaries.kind[m] == kTransferOffice &&
              (policy.region < 0 || policy.region == intermediaries.region[m]))
            intermediaries.effective_capacity[m] += policy.matching_service.added_deal_capacity;
        }
        // Aimed at SMEs, the service pays expert services to help them with their own development
        // (seed 004; run_expert_services): the first such instrument in declaration order.
        for (std::size_t i = 0; i < n_firms && policy.agent_kind == kSme; ++i) {
          if (firms.kind[i] == kSme && firm_incentives.expert_policy[i] < 0 &&
              targets(policy, firms.region[i], firms.field[i], kSme, firms.tier[i], -1))
            firm_incentives.expert_policy[i] = pk;
        }
        break;
      case PolicyType::industry_professor:
        // Industry professors (产业教授, seed 000): more researchers move to firms; the instrument pays
        // a stipend per researcher moved (move_researchers). The extra moves are what the stipends
        // buy: only while the instrument holds money (issue 15).
        if (!is_funded) break;
        for (std::size_t i = 0; i < n_labs; ++i) {
          if (!targets(policy, labs.region[i], labs.field[i], labs.kind[i], -1, -1)) continue;
          lab_incentives.mobility_mult[i] *= policy.industry_professor.mobility_multiplier;
          lab_incentives.professor_policy[i] = pk;
        }
        break;
      case PolicyType::super_deduction:
        // A tax expenditure: the tax it forgoes is paid to the treasury from its account
        // (produce_and_sell), so it deducts only while that holds money. Stacking: the first funded
        // instrument in declaration order that targets the firm.
        if (!is_funded) break;
        for (std::size_t i = 0; i < n_firms; ++i) {
          if (firm_incentives.deduction_policy[i] < 0 &&
              targets(policy, firms.region[i], firms.field[i], firms.kind[i], firms.tier[i], -1)) {
            firm_incentives.deduction[i] = policy.super_deduction.extra_deduction_share;
            firm_incentives.deduction_policy[i] = pk;
          }
        }
        break;
      case PolicyType::loan_interest_subsidy:
        // Firms ask for loans counting on the subsidy only while the instrument can pay it.
        if (!is_funded) break;
        for (std::size_t i = 0; i < n_firms; ++i) {
          if (firm_incentives.interest_subsidy_policy[i] < 0 &&
              targets(policy, firms.region[i], firms.field[i], firms.kind[i], firms.tier[i], -1)) {
            firm_incentives.interest_subsidy[i] = policy.loan_interest_subsidy.interest_subsidy_share;
            firm_incentives.interest_subsidy_policy[i] = pk;
          }
        }
        break;
      case PolicyType::risk_pool:
        if (!is_funded) break;
        cover_by_risk_pool(p, firms, k, payments.balance(account), firm_incentives);
        break;
      case PolicyType::repayable_grant:
      case PolicyType::grant_to_equity: {
        if (context.step != policy.start_step) break;
        const bool is_repayable = policy.type == PolicyType::repayable_grant;
        for (std::size_t i = 0; i < n_firms; ++i) {
          if (firms.kind[i] != kSme ||
              !targets(policy, firms.region[i], firms.field[i], firms.kind[i], firms.tier[i], -1))
            continue;
          // Stacking: an SME still holding such a grant of an earlier instrument is covered by it.
          if ((is_repayable ? firms.repayable_grant[i] : firms.equity_grant[i]) > 0) continue;
          const double paid = payments.pay_up_to(account, firms.account[i],
                                                 policy.type == PolicyType::repayable_grant
                                                     ? policy.repayable_grant.grant_yuan
                                                     : policy.grant_to_equity.grant_yuan);
          if (paid <= 0) break;
          // Earmarked for R&D: the SME spends it on research and development this quarter, like
          // the grant money of a consortium (fund_research).
          firm_incentives.consortium_received[i] += paid;
          if (is_repayable) {
            firms.repayable_grant[i] = paid;
            firms.repayable_policy[i] = pk;
          } else {
            firms.equity_grant[i] = paid;
            firms.equity_policy[i] = pk;
          }
        }
        break;
      }
      case PolicyType::pilot_capacity:
      case PolicyType::pilot_operator_incentive:
        if (!is_funded) break;
        for (std::size_t r = 0; r < p.regions.size(); ++r) {
          if (policy.region >= 0 && policy.region != static_cast<int>(r)) continue;
          if (policy.type == PolicyType::pilot_capacity)
            region_policies.pilot_capacity[r].push_back(pk);
          else {
            region_policies.pilot_operator[r].push_back(pk);
            region_policies.outreach[r] *= policy.pilot_operator_incentive.outreach_multiplier;
          }
        }
        break;
      case PolicyType::pilot_voucher:
      case PolicyType::first_unit_insurance:
      case PolicyType::procurement:
        for (std::size_t r = 0; r < p.regions.size(); ++r) {
          for (std::size_t f = 0; f < p.fields.size(); ++f) {
            if (!targets(policy, static_cast<int>(r), static_cast<int>(f), -1, -1, -1)) continue;
            const auto c = static_cast<std::size_t>(cell(static_cast<int>(r), static_cast<int>(f)));
            if (policy.type == PolicyType::pilot_voucher)
              cell_policies.voucher[c].push_back(pk);
            else if (policy.type == PolicyType::first_unit_insurance) {
              // Stacking: the first instrument in declaration order that holds money at the start
              // of the quarter insures the cell's first units (docs/MODEL.md, "Stacking").
              if (is_funded && cell_policies.insurance[c] < 0) cell_policies.insurance[c] = pk;
            } else
              cell_policies.procurement[c] = pk;
          }
        }
        break;
      case PolicyType::consortium:
        fund_consortia(p, labs, firms, k, firm_incentives, payments);
        break;
      case PolicyType::challenge_project:
      case PolicyType::guidance_fund:
      case PolicyType::ex_post_reward:
      case PolicyType::thematic_bond:
      case PolicyType::incubator_support:
      case PolicyType::concept_verification_fund:
        // Challenge prizes: run_challenges_and_consortia; sub-funds: at start; ex-post rewards:
        // anticipate_rewards and advance_results (payment); bonds: finance_thematic_bonds; incubator
        // places: incubate_firms; concept-verification subsidies: verify_concepts.
        break;
    }
  }
  consortia_count = 0;
  {
    std::vector<std::int64_t> seen;
    for (std::size_t i = 0; i < n_firms; ++i) {
      if (firms.kind[i] == kLeadFirm && firms.consortium[i] >= 0) seen.push_back(firms.consortium[i]);
    }
    std::sort(seen.begin(), seen.end());
    consortia_count = static_cast<std::int64_t>(std::unique(seen.begin(), seen.end()) - seen.begin());
  }
}

// The joint projects a consortium instrument funds at its start (seed 001: 21 central SOEs lead 24
// consortia): as many as its budget pays the grant for every quarter to end_step, at most
// `max_consortia` and one per targeted lead firm without a consortium (the saturation
// consortia_count shows); no budget or no grant, no project. Each lead firm recruits `members` labs
// and SMEs of its field at random: the first `core_members` recruited form the core layer
// (紧密合作层), the rest the general layer (一般协作层; core_members 0: all core). Ids: consortium_id().
static void form_consortia(const sim::PhaseContext& context, const Parameters& p, Labs& labs, Firms& firms,
                           std::size_t policy_index, double budget) {
  const PolicySpec& policy = p.policies[policy_index];
  const double project_cost =
      policy.consortium.lead_firm_grant_yuan * static_cast<double>(policy.end_step - policy.start_step + 1);
  if (project_cost <= 0) return;
  std::int64_t projects = static_cast<std::int64_t>(budget / project_cost + 1e-9);
  if (policy.consortium.max_consortia > 0) projects = std::min(projects, policy.consortium.max_consortia);
  std::int64_t number = 0;
  for (std::size_t i = 0; i < firms.size() && number < projects; ++i) {
    if (firms.kind[i] != kLeadFirm || firms.consortium[i] >= 0) continue;
    if (!targets(policy, firms.region[i], firms.field[i], kLeadFirm, -1, -1)) continue;
    const std::int64_t id = consortium_id(policy_index, number++);
    firms.consortium[i] = id;
    auto rng = context.rng(firms.id(i), kFormConsortiaDraws);
    std::int64_t joined = 0;
    const std::int64_t core = policy.consortium.core_members;
    auto layer = [&] { return static_cast<std::uint8_t>(core > 0 && joined >= core); };
    for (std::int64_t attempt = 0;
         attempt < policy.consortium.members * 20 && joined < policy.consortium.members; ++attempt) {
      const bool lab = rng.bernoulli(0.5);
      if (lab && labs.size() > 0) {
        const std::size_t j = rng.uniform_below(labs.size());
        if (labs.field[j] != firms.field[i] || labs.consortium[j] >= 0) continue;
        labs.consortium[j] = id;
        labs.consortium_general[j] = layer();
        ++joined;
      } else if (!lab && firms.size() > 0) {
        const std::size_t j = rng.uniform_below(firms.size());
        if (firms.kind[j] != kSme || firms.field[j] != firms.field[i] || firms.consortium[j] >= 0) continue;
        firms.consortium[j] = id;
        firms.consortium_general[j] = layer();
        ++joined;
      }
    }
  }
}

// A quarter of a consortium instrument's projects, in firm order: the instrument pays each
// project's lead firm its grant, and the core layer's member SMEs pay their matching parts
// (matching_share of the grant, in equal parts) from their own cash to the lead firm (general-layer
// members pay nothing); both become the lead firm's shared
// R&D this quarter (fund_research spends consortium_received). A project the account cannot pay dissolves;
// a member SME that cannot pay its part leaves. Member labs give researchers, not money. So members
// get the consortium's matching and first customer (match_results, advance_results) only while the
// instrument pays.
static void fund_consortia(const Parameters& p, Labs& labs, Firms& firms, std::size_t policy_index,
                           FirmIncentives& firm_incentives, Payments& payments) {
  const PolicySpec& policy = p.policies[policy_index];
  const std::int64_t account =
      payments.accounts().first_policy_account + static_cast<std::int64_t>(policy_index);
  const double grant = policy.consortium.lead_firm_grant_yuan;
  const auto pk = static_cast<std::int32_t>(policy_index);
  // The project number of firm i's consortium under this instrument, or -1.
  auto number_of = [&](std::size_t i) -> std::int64_t {
    const std::int64_t id = firms.consortium[i];
    return id >= 0 && consortium_policy(id) == pk ? id - consortium_id(policy_index, 0) : -1;
  };
  std::int64_t projects = 0;
  for (std::size_t i = 0; i < firms.size(); ++i) projects = std::max(projects, number_of(i) + 1);
  // Lead firms first: each project is paid its grant or ends.
  std::vector<std::int64_t> lead(static_cast<std::size_t>(projects), -1);
  std::vector<std::int32_t> member_smes(static_cast<std::size_t>(projects), 0);
  for (std::size_t i = 0; i < firms.size(); ++i) {
    const std::int64_t number = number_of(i);
    if (number < 0) continue;
    if (firms.kind[i] == kSme) {
      if (firms.consortium_general[i] == 0) member_smes[static_cast<std::size_t>(number)] += 1;
      continue;
    }
    if (payments.balance(account) < grant) {
      dissolve_consortium(labs, firms, consortium_id(policy_index, number));
      continue;
    }
    payments.pay(account, firms.account[i], grant);
    firm_incentives.consortium_received[i] += grant;
    lead[static_cast<std::size_t>(number)] = static_cast<std::int64_t>(i);
  }
  // Then the members' matching money, to their project's lead firm.
  for (std::size_t i = 0; i < firms.size(); ++i) {
    const std::int64_t number = number_of(i);
    if (number < 0 || firms.kind[i] != kSme || firms.consortium_general[i] != 0) continue;
    const std::int64_t to = lead[static_cast<std::size_t>(number)];
    if (to < 0) continue;
    const double part =
        policy.consortium.matching_share * grant / member_smes[static_cast<std::size_t>(number)];
    if (payments.balance(firms.account[i]) < part) {
      firms.consortium[i] = -1;
      continue;
    }
    payments.pay(firms.account[i], firms.account[static_cast<std::size_t>(to)], part);
    firm_incentives.consortium_received[static_cast<std::size_t>(to)] += part;
  }
}

// The SMEs risk pool `policy_index` backs this quarter: the targeted SMEs no earlier funded pool
// backs (stacking: first in declaration order). Banks count on the pool only as far as its balance
// covers the claims they expect on it: its share of the expected loss over a loan's term
// (loan_default_base a quarter for loan_term_quarters, loan_loss_given_default) on the backed loans
// outstanding and on one new loan. A pool that holds that much covers loss_share of a default; one
// that holds less covers that share in proportion, so banks' expected loss falls with the money
// left, and not at all once it is spent.
static void cover_by_risk_pool(const Parameters& p, const Firms& firms, std::size_t policy_index,
                               double balance, FirmIncentives& firm_incentives) {
  const PolicySpec& policy = p.policies[policy_index];
  const double share = policy.risk_pool.loss_share;
  const double expected_claim_per_yuan =
      share * p.loan_loss_given_default *
      std::min(1.0, p.loan_default_base * static_cast<double>(p.loan_term_quarters));
  std::vector<std::size_t> backed;
  double expected_claims = expected_claim_per_yuan * p.loan_size_yuan;  // one new loan
  for (std::size_t i = 0; i < firms.size(); ++i) {
    if (firms.kind[i] != kSme || firm_incentives.risk_pool_policy[i] >= 0 ||
        !targets(policy, firms.region[i], firms.field[i], firms.kind[i], firms.tier[i], -1))
      continue;
    backed.push_back(i);
    expected_claims += expected_claim_per_yuan * firms.loan[i];
  }
  const double covered = expected_claims > 0 ? std::min(1.0, balance / expected_claims) : 1.0;
  for (const std::size_t i : backed) {
    firm_incentives.risk_pool_share[i] = share * covered;
    firm_incentives.risk_pool_policy[i] = static_cast<std::int32_t>(policy_index);
  }
}

// Ends a consortium: its lead firm, labs and SMEs are free again.
static void dissolve_consortium(Labs& labs, Firms& firms, std::int64_t id) {
  for (auto& consortium : firms.consortium)
    if (consortium == id) consortium = -1;
  for (auto& consortium : labs.consortium)
    if (consortium == id) consortium = -1;
}

// The account of the lab or firm holding result row i (kNoHolder's results are skipped before).
static std::int64_t holder_account(const Results& results, const ResultScratch& result_scratch,
                                   const Labs& labs, const Firms& firms, std::size_t i) {
  const std::uint32_t o = result_scratch.owner_index[i];
  return results.owner_is_firm[i] ? firms.account[o] : labs.account[o];
}

// Milestone payments: each contract pays its holder an equal part for every TRL its result has
// reached from next_trl on; a result that dies (or has lost its holder) forfeits the rest, which
// stays in the instrument's account. Settled contracts leave the list; the order is award order.
static void settle_challenge_contracts(const Results& results, const ResultScratch& result_scratch,
                                       const Labs& labs, const Firms& firms,
                                       std::vector<ChallengeContract>& contracts, Payments& payments) {
  const FixedAccounts& accounts = payments.accounts();
  std::erase_if(contracts, [&](ChallengeContract& contract) {
    const auto row = results.population.index_of(contract.result);
    if (!row || result_scratch.dies[*row] || result_scratch.owner_index[*row] == kNoHolder) return true;
    const std::int64_t account = accounts.first_policy_account + contract.policy;
    const std::int64_t to = holder_account(results, result_scratch, labs, firms, *row);
    while (contract.milestones_left > 0 && results.trl[*row] >= contract.next_trl) {
      payments.pay_up_to(account, to, contract.per_milestone_yuan);
      ++contract.next_trl;
      --contract.milestones_left;
    }
    return contract.milestones_left == 0;
  });
}

// Milestone payments still owed by policy k: money in its account that a new challenge cannot use.
static double owed_by(const std::vector<ChallengeContract>& contracts, std::size_t k) {
  double owed = 0;
  for (const auto& contract : contracts)
    if (contract.policy == static_cast<std::int64_t>(k))
      owed += contract.per_milestone_yuan * contract.milestones_left;
  return owed;
}

// Phase "run_challenges_and_consortia" — challenge-based projects (揭榜挂帅/赛马): running contracts
// are paid for the milestones their results reached. Then each active challenge with the contract
// sum free in its account posts one; candidate results of its field at TRL 3-5 held by labs or
// SMEs race on observed quality (quality + noise); the winner (and, cross-region, the best partner
// from another region) gets the contract: award_share of it now, the rest at TRL milestones up to
// target_trl, and becomes sponsored.
void run_challenges_and_consortia(const sim::PhaseContext& context, const Parameters& p, Results& results,
                                  const ResultScratch& result_scratch, const Labs& labs, const Firms& firms,
                                  std::vector<ChallengeContract>& contracts, Payments& payments) {
  settle_challenge_contracts(results, result_scratch, labs, firms, contracts, payments);
  const FixedAccounts& accounts = payments.accounts();
  for (std::size_t k = 0; k < p.policies.size(); ++k) {
    const auto& policy = p.policies[k];
    if (policy.type != PolicyType::challenge_project || !is_active(policy, context.step)) continue;
    const auto& challenge = policy.challenge_project;
    const std::int64_t account = accounts.first_policy_account + static_cast<std::int64_t>(k);
    if (payments.balance(account) - owed_by(contracts, k) < challenge.prize_yuan || challenge.prize_yuan <= 0)
      continue;
    std::vector<std::pair<double, std::uint32_t>> best_by_region(p.regions.size(), {-1e300, 0xFFFFFFFFu});
    for (std::size_t i = 0; i < results.size(); ++i) {
      if (result_scratch.dies[i] || results.is_sponsored[i] || results.trl[i] < 3 || results.trl[i] > 5)
        continue;
      const std::uint32_t o = result_scratch.owner_index[i];
      const bool firm = results.owner_is_firm[i] != 0;
      if (firm && firms.kind[o] != kSme) continue;
      const int region = firm ? firms.region[o] : labs.region[o];
      if (!challenge.is_cross_region && policy.region >= 0 && region != policy.region) continue;
      if (policy.field >= 0 && results.field[i] != policy.field) continue;
      auto rng = context.rng(results.id(i), kChallengeDraws + k);
      const double observed = results.quality[i] + 0.5 * rng.normal();
      auto& best = best_by_region[static_cast<std::size_t>(region)];
      if (observed > best.first) best = {observed, static_cast<std::uint32_t>(i)};
    }
    std::vector<std::pair<double, std::uint32_t>> ranked;
    for (const auto& b : best_by_region)
      if (b.second != 0xFFFFFFFFu) ranked.push_back(b);
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    const std::size_t winners = challenge.is_cross_region ? 2 : 1;
    if (ranked.size() < winners) continue;  // cross-region teams need two regions
    const double contract_yuan = challenge.prize_yuan / static_cast<double>(winners);
    for (std::size_t w = 0; w < winners; ++w) {
      const std::uint32_t i = ranked[w].second;
      const std::int64_t to = holder_account(results, result_scratch, labs, firms, i);
      // With award_share 1 the whole contract is paid now, as a prize.
      const double at_award =
          challenge.award_share >= 1 ? contract_yuan : contract_yuan * challenge.award_share;
      payments.pay_up_to(account, to, at_award);
      results.is_sponsored[i] = 1;
      const auto milestones = static_cast<std::int32_t>(challenge.target_trl) - results.trl[i];
      if (challenge.award_share < 1 && milestones > 0)
        contracts.push_back({results.id(i), (contract_yuan - at_award) / milestones,
                             static_cast<std::int64_t>(k), results.trl[i] + 1, milestones});
    }
  }
}

}  // namespace models::ecosystem
